// Which incidents the tracker poller reads back (src/storage/sqlite/tracked-followups.ts): those with a
// filed follow-up while not done, and done (reviewed) ones only while a filed follow-up is still open.
// On SQLite and PostgreSQL.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/domain/commands.js';
import { BOT_ID } from '../../../src/domain/text.js';
import { trackedIncidents } from '../../../src/storage/sqlite/tracked-followups.js';
import { type BackendStack, backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { at, declareRequest, ic } from '../../helpers/scenario.js';

let s: BackendStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});
afterAll(dropPgDatabases);

const bot = { platform: 'slack' as const, id: BOT_ID };

function run(key: string, incidentKey: string, command: Command, actor = ic) {
  const r = s!.service.handle({ key, incidentKey, command, actor, now: at(1) });
  if (!r.ok) throw new Error(`${command.type}: ${r.error.message}`);
}

function withFollowup(req: string, filed: boolean): string {
  const d = s!.service.handle(declareRequest(req, { title: `incident ${req}` }));
  if (!d.ok) throw new Error(d.error.message);
  const key = d.incident.key;
  run(`${req}-fu`, key, {
    type: 'add_followup',
    id: 'FU-1',
    what: 'w',
    owner: ic.id,
    due: '2026-12-10',
    objective: 'risk',
    acceptance: 'a',
  });
  if (filed)
    run(
      `${req}-filed`,
      key,
      {
        type: 'followup_filed',
        id: 'FU-1',
        tracker: 'jira',
        issueKey: `REL-${req}`,
        url: 'https://x.example/1',
      },
      bot,
    );
  return key;
}

describe.each(backends)('trackedIncidents on $name', (backend) => {
  it('active incidents with a filed follow-up; done ones only while it is open', async () => {
    s = await backend.open();
    const noFollowups = s.service.handle(declareRequest('e', { title: 'incident e' }));
    expect(noFollowups.ok).toBe(true);
    const notFiled = withFollowup('a', false);
    const active = withFollowup('b', true);
    const doneOpen = withFollowup('c', true);
    const doneDone = withFollowup('d', true);
    run('d-done', doneDone, { type: 'complete_followup', id: 'FU-1' });
    // reviewed: the phase the store indexes says done
    s.db.prepare("UPDATE incidents SET phase = 'done' WHERE key IN (?, ?)").run(doneOpen, doneDone);
    const got = trackedIncidents(s.db).map((t) => [t.incident.key, t.active]);
    expect(got).toEqual([
      [active, true],
      [doneOpen, false],
    ]);
    expect(got.map(([k]) => k)).not.toContain(notFiled);
  });
});
