// A large reminder catch-up never holds up a request: the pass runs in slices and yields to the event loop
// between them, so a request that arrives during the pass is answered before the pass ends. (Structural,
// not timed: what is asserted is the order of events. The cost is measured by `npm run bench`.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/bot.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { INCIDENTS_PER_SLICE, runReminderCatchUp } from '../../src/ops/start-reminders.js';

const dir = mkdtempSync(join(tmpdir(), 'incident-bot-catch-up-'));
const T0 = new Date('2026-11-30T08:00:00Z');
const INCIDENTS = 300;
let bot: Bot;

beforeAll(async () => {
  bot = await startBot(
    readConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'bot.db'), LOG_LEVEL: 'silent' }),
    createLogger({ level: 'silent' }),
    { scheduler: false, clock: () => T0 },
  );
  bot.dispatcher.stop(); // nothing to deliver to: the rows stay queued, which is not what is tested
  for (let n = 0; n < INCIDENTS; n++) {
    const r = bot.service.handle({
      key: `catch-up:${n}`,
      incidentKey: null,
      command: {
        type: 'declare',
        key: '',
        title: `Outage ${n}`,
        triggerClass: 'service_outage',
        impact: 'prices stale',
        severeImpact: false,
        drill: false,
      },
      actor: { platform: 'slack', id: `U${n}` },
      now: T0,
    });
    if (!r.ok) throw new Error(r.error.message);
  }
});
afterAll(async () => {
  await bot.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
});

describe('reminder catch-up', () => {
  it('yields between slices: a request sent after the pass started is answered before the pass ends', async () => {
    const events: string[] = [];
    let kicks = 0;
    // Two hours later: every incident owes its initial alert, status updates and golden-hour nudges.
    const pass = runReminderCatchUp({
      store: bot.store,
      service: bot.service,
      dispatcher: { kick: () => kicks++ },
      now: new Date(T0.getTime() + 2 * 60 * 60_000),
      sliceIncidents: 25,
    }).then((r) => {
      events.push('pass ended');
      return r;
    });
    const answered = fetch(`${bot.url}/healthz`).then((res) => {
      events.push(`healthz ${res.status}`);
    });
    const r = await pass;
    await answered;
    expect(r.slices).toBeGreaterThanOrEqual(INCIDENTS / 25);
    expect(r.claimed).toBeGreaterThanOrEqual(INCIDENTS);
    expect(kicks).toBeGreaterThan(1); // the dispatcher hears about each slice's nudges, not only the last
    expect(events).toEqual(['healthz 200', 'pass ended']);
  });

  it('a second pass at the same instant claims nothing, and looks at no incident that is not due', async () => {
    const now = new Date(T0.getTime() + 2 * 60 * 60_000);
    const again = await runReminderCatchUp({
      store: bot.store,
      service: bot.service,
      dispatcher: { kick() {} },
      now,
    });
    expect(again.claimed).toBe(0);
    expect(again.last.candidates).toBe(0);
    expect(INCIDENTS_PER_SLICE).toBeGreaterThan(0);
  });

  it('signs one checkpoint per claim batch, not one per claim', () => {
    const claims = bot.db
      .prepare("SELECT COUNT(*) FROM decision_log WHERE kind = 'nudge'")
      .pluck()
      .get() as number;
    const checkpoints = bot.db.prepare('SELECT COUNT(*) FROM audit_checkpoints').pluck().get() as number;
    // Declarations sign one each; the catch-up's claims share their slices' checkpoints.
    expect(claims).toBeGreaterThanOrEqual(INCIDENTS);
    expect(checkpoints - INCIDENTS).toBeLessThanOrEqual(INCIDENTS / 25 + 1);
  });
});
