// A stuck reminder lock becomes a warning (reminder-skip-watch.ts, start-reminders.ts): after five minutes of
// skipped passes, when the session holding the lock is not running a pass; once, then at most every fifteen
// minutes; never while the holder is busy running passes (replicas taking turns is normal).
import { describe, expect, it, vi } from 'vitest';
import type { AppLogger } from '../../src/app/ports.js';
import { ReminderSkipWatch } from '../../src/ops/reminder-skip-watch.js';
import { startReminders } from '../../src/ops/start-reminders.js';
import type { ReminderLockHolder } from '../../src/storage/reminder-leader.js';
import type { IncidentStore } from '../../src/storage/sqlite/incident-store.js';

const MIN = 60_000;
const T0 = Date.parse('2026-05-01T10:00:00Z');
const stuck: ReminderLockHolder = {
  who: 'session 4242 (incident-bot at 10.0.0.7), idle since …',
  idleMs: 30 * MIN,
};

describe('ReminderSkipWatch', () => {
  it('warns after five minutes of skips, then at most every fifteen, and names the holder', () => {
    const w = new ReminderSkipWatch();
    const asked: number[] = [];
    const holder = (at: number) => () => {
      asked.push(at);
      return stuck;
    };
    for (let m = 0; m < 5; m++) expect(w.skipped(T0 + m * MIN, holder(m))).toBeNull();
    expect(asked).toEqual([]); // nobody asked about the holder before it could matter
    expect(w.skipped(T0 + 5 * MIN, holder(5))).toEqual({
      since: '2026-05-01T10:00:00.000Z',
      minutes: 5,
      holder: stuck.who,
    });
    for (let m = 6; m < 20; m++) expect(w.skipped(T0 + m * MIN, holder(m))).toBeNull();
    expect(w.skipped(T0 + 20 * MIN, holder(20))?.minutes).toBe(20);
    expect(asked).toEqual([5, 20]);
    // Leading a pass ends the streak (and says it had warned); the next skip starts a new one.
    expect(w.led()).toBe(true);
    expect(w.led()).toBe(false);
    expect(w.skipped(T0 + 21 * MIN, holder(21))).toBeNull();
    expect(w.skipped(T0 + 26 * MIN, holder(26))?.since).toBe('2026-05-01T10:21:00.000Z');
  });

  it('stays quiet while the holder is running a pass, or once nobody holds the lock', () => {
    const w = new ReminderSkipWatch({ afterMs: 0 });
    expect(w.skipped(T0, () => ({ who: 'busy', idleMs: 0 }))).toBeNull();
    expect(w.skipped(T0 + MIN, () => ({ who: 'between statements', idleMs: 40 }))).toBeNull();
    expect(w.skipped(T0 + 2 * MIN, () => null)).toBeNull();
    // Another role's session: its state cannot be read, so it may be stuck.
    expect(w.skipped(T0 + 3 * MIN, () => ({ who: 'session 7', idleMs: null }))?.holder).toBe('session 7');
  });
});

describe('startReminders with a lock held elsewhere', () => {
  it('logs the warning from the running scheduler, naming the session that holds the lock', async () => {
    const warnings: { obj: object; msg?: string }[] = [];
    const logger: AppLogger = { info() {}, error() {}, warn: (obj, msg) => warnings.push({ obj, msg }) };
    const r = startReminders({
      config: { REMINDER_CRON: '* * * * * *' }, // every second
      logger,
      store: {} as IncidentStore, // never reached: this replica never leads
      service: { playbookFor: () => ({}) as never },
      dispatcher: { kick() {} },
      leader: { tryLead: () => false, release() {}, holder: () => stuck },
      skipWarning: { afterMs: 0 },
    });
    try {
      await vi.waitFor(() => expect(warnings).toHaveLength(1), { timeout: 10_000, interval: 50 });
      expect(warnings[0]!.msg).toMatch(
        /^reminder passes skipped for 0 min: another session holds the reminder lock/,
      );
      expect(warnings[0]!.msg).toContain('session 4242 (incident-bot at 10.0.0.7)');
      expect(warnings[0]!.msg).toContain('pg_terminate_backend');
    } finally {
      r.stop();
    }
  });
});
