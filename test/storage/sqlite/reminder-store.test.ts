// The reminder store's SQL (src/storage/sqlite/reminder-store.ts) on SQLite and PostgreSQL: which incidents
// are candidates (unchecked ones, then due ones, within a limit or none), which reminders are claimed, and a
// claim that writes its reminder row, outbox row and log entry once, however often it is tried.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ReminderClaim } from '../../../src/app/ports.js';
import { SqliteReminderStore } from '../../../src/storage/sqlite/reminder-store.js';
import { type BackendStack, backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { at, declareRequest } from '../../helpers/scenario.js';

let s: BackendStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});
afterAll(dropPgDatabases);

function declare(stack: BackendStack, name: string, minutes: number) {
  const d = stack.service.handle(declareRequest(name, { title: `incident ${name}`, now: at(minutes) }));
  if (!d.ok) throw new Error(d.error.message);
  return d.incident;
}

function claimFor(incidentKey: string, key: string): ReminderClaim {
  return {
    key,
    incidentKey,
    kind: 'status-update',
    dueAt: at(30).toISOString(),
    outbox: {
      key: `reminder:${key}`,
      platform: 'slack',
      lane: `slack:${incidentKey}`,
      target: { to: 'room' },
      body: { kind: 'post', template: 'nudge', data: { key } },
    },
    log: { type: 'log', kind: 'nudge', payload: { reminder: key } },
  };
}

describe.each(backends)('SqliteReminderStore on $name', (backend) => {
  it('offers unchecked incidents, then due ones in order, within the limit (-1: all)', async () => {
    s = await backend.open();
    const reminders = new SqliteReminderStore(s.db, s.store);
    const a = declare(s, 'a', 0);
    const b = declare(s, 'b', 1);
    const c = declare(s, 'c', 2);
    const d = declare(s, 'd', 3);
    const keys = (limit: number, minutes = 10) =>
      reminders.candidates(at(minutes), limit).map((r) => r.incident.key);
    expect(keys(-1)).toEqual([a.key, b.key, c.key, d.key]);
    expect(keys(2)).toHaveLength(2);
    expect(reminders.candidates(at(10), -1)[0]?.changedAt).toBe(at(0).toISOString());
    const version = (k: string) => s!.store.get(k)!.version;
    reminders.setNextChecks([
      { key: a.key, version: version(a.key), next: at(9).toISOString() },
      { key: b.key, version: version(b.key), next: at(5).toISOString() },
      { key: c.key, version: version(c.key), next: at(60).toISOString() },
      // a stale version: the incident changed since it was looked at, so it stays unchecked
      { key: d.key, version: version(d.key) - 1, next: at(60).toISOString() },
    ]);
    expect(keys(-1)).toEqual([a.key, b.key, d.key]);
    // the unchecked one first, then the due ones by their next check (b's is earlier than a's)
    expect(keys(2)).toEqual([b.key, d.key]);
    expect(keys(1)).toEqual([d.key]);
    expect(keys(-1, 7)).toEqual([b.key, d.key]);
    expect(keys(-1, 60)).toEqual([a.key, b.key, c.key, d.key]);
  });

  it('claims each reminder once: its row, outbox row and log entry, in batches or one by one', async () => {
    s = await backend.open();
    const reminders = new SqliteReminderStore(s.db, s.store);
    const inc = declare(s, 'a', 0);
    const claims = ['r1', 'r2', 'r3'].map((k) => claimFor(inc.key, `${inc.key}:${k}`));
    expect(reminders.claimedAmong(claims.map((c) => c.key))).toEqual(new Set());
    expect(reminders.claim(claims.slice(0, 2), at(30), { batch: 1 })).toEqual([
      claims[0]!.key,
      claims[1]!.key,
    ]);
    // again, with the third: only the third is new
    const seen: string[] = [];
    expect(reminders.claim(claims, at(31), { before: (c) => seen.push(c.key) })).toEqual([claims[2]!.key]);
    expect(seen).toHaveLength(3);
    expect(reminders.claim(claims, at(32))).toEqual([]);
    expect(reminders.claimedAmong([...claims.map((c) => c.key), 'other'])).toEqual(
      new Set(claims.map((c) => c.key)),
    );
    expect(reminders.claimedAmong([])).toEqual(new Set());
    const nudges = s.outbox.pending().filter((r) => r.key.startsWith('reminder:'));
    expect(nudges.map((r) => [r.key, r.lane, r.target])).toEqual(
      claims.map((c) => [c.outbox.key, c.outbox.lane, { to: 'room' }]),
    );
    const logged = s.store.logEntries(inc.key).filter((e) => e.kind === 'nudge');
    expect(logged.map((e) => JSON.parse(e.payload).reminder)).toEqual(claims.map((c) => c.key));
    const rows = s.db.prepare('SELECT key, claimed_at FROM reminders ORDER BY key').all();
    expect(rows).toEqual([
      { key: claims[0]!.key, claimed_at: at(30).toISOString() },
      { key: claims[1]!.key, claimed_at: at(30).toISOString() },
      { key: claims[2]!.key, claimed_at: at(31).toISOString() },
    ]);
  });

  it('a claim that fails leaves nothing behind (claim, outbox row and log entry roll back together)', async () => {
    s = await backend.open();
    const reminders = new SqliteReminderStore(s.db, s.store);
    const inc = declare(s, 'a', 0);
    const good = claimFor(inc.key, `${inc.key}:ok`);
    // its log entry names an incident that does not exist: the ledger refuses it after the inserts
    const bad = { ...claimFor('INC-NONE', `${inc.key}:bad`) };
    expect(() => reminders.claim([good, bad], at(30))).toThrow();
    expect(reminders.claimedAmong([good.key, bad.key])).toEqual(new Set());
    expect(s.outbox.pending().filter((r) => r.key.startsWith('reminder:'))).toEqual([]);
    expect(reminders.claim([good], at(30))).toEqual([good.key]);
  });
});
