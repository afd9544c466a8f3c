// `incident-bot reminders run` on PostgreSQL leads the pass like a replica: while a bot replica runs its
// own, it waits; one that does not finish in time gets a clear answer and nothing is queued twice.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { IncidentService } from '../../src/app/incident-service.js';
import { remindersRun } from '../../src/cli/reminders-run.js';
import { openPostgres } from '../../src/storage/postgres/open-postgres.js';
import type { PgDb } from '../../src/storage/postgres/pg-db.js';
import { reminderLeaderOf } from '../../src/storage/reminder-leader.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { TEST_KEY_FILE, testSigner } from '../helpers/audit-key.js';
import { dropPgDatabases, freshPgUrl, hasPg } from '../helpers/pg.js';
import { at, declareRequest, playbook, playbookRef } from '../helpers/scenario.js';
import { tempDb } from '../helpers/store.js';

const opened: PgDb[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

describe.runIf(hasPg)('reminders run on PostgreSQL', () => {
  afterAll(dropPgDatabases);

  it('waits while a replica leads the pass, gives up clearly, and runs once the pass is free', async () => {
    const url = await freshPgUrl();
    const [cli, replica] = [await openPostgres(url), await openPostgres(url)];
    opened.push(cli, replica);
    const service = new IncidentService(new IncidentStore(cli, {}, testSigner), {
      playbook,
      ref: playbookRef,
    });
    const d = service.handle(declareRequest('d1', { now: at(0) }));
    if (!d.ok) throw new Error(d.error.message);
    const run = (dryRun = false) =>
      remindersRun({
        db: cli,
        dbPath: tempDb(),
        keyFile: TEST_KEY_FILE,
        at: at(30).toISOString(),
        realNow: at(30),
        dryRun,
        playbook: { playbook, ref: playbookRef },
        leadWaitMs: 300,
      });
    const claims = () => (cli.prepare('SELECT COUNT(*) AS n FROM reminders').get() as { n: number }).n;
    const bot = reminderLeaderOf(replica);
    expect(bot.tryLead()).toBe(true);
    const busy = run();
    expect(busy.code).toBe(1);
    expect(busy.output).toMatch(/A bot replica has been running the reminder pass .*nothing was queued/);
    expect(claims()).toBe(0);
    // A dry run claims nothing: it needs no lead.
    expect(run(true).output).toMatch(/3 reminder\(s\) would be sent/);
    bot.release();
    const free = run();
    expect([free.code, free.output.split('\n')[0]]).toEqual([
      0,
      expect.stringMatching(/3 reminder\(s\) queued for delivery/),
    ]);
    expect(claims()).toBe(3);
    // The CLI gave the lead back: the replica leads its next pass.
    expect(bot.tryLead()).toBe(true);
    bot.release();
  });
});
