// The outbox's claim and leases on both databases: lane heads in order, pacing by any replica's attempt,
// outcomes recorded only by the lease's owner, a dead owner's rows taken over in doubt; live-view
// coalescing and inbound de-duplication in portable SQL.
import { afterAll, describe, expect, it } from 'vitest';
import type { OutboxClaim } from '../../../src/app/ports.js';
import type { Db } from '../../../src/storage/sql-db.js';
import { OutboxStore } from '../../../src/storage/sqlite/outbox-store.js';
import { backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { T0 } from '../../helpers/scenario.js';

const at = (ms: number) => new Date(T0.getTime() + ms);

/** Queues one row (as a command would) in `lane`; returns its id. */
function put(db: Db, key: string, lane: string, body: object = { kind: 'post', template: 't' }): number {
  db.prepare(
    `INSERT INTO outbox (key, incident_key, platform, lane, target, body, created_at, next_attempt_at)
     VALUES (?, 'INC-1', 'slack', ?, '{"to":"room"}', ?, ?, ?)`,
  ).run(key, lane, JSON.stringify(body), T0.toISOString(), T0.toISOString());
  return (db.prepare('SELECT id FROM outbox WHERE key = ?').get(key) as { id: number }).id;
}

const claimBy = (owner: string, o: Partial<OutboxClaim> = {}): OutboxClaim => ({
  owner,
  leaseMs: 10_000,
  paceMs: 0,
  limit: 50,
  skipLanes: [],
  ...o,
});

const keys = (rows: { key: string }[]) => rows.map((r) => r.key);

describe.each(backends)('OutboxStore on $name', (backend) => {
  afterAll(dropPgDatabases);

  async function open() {
    const db = await backend.openDb();
    return { db, outbox: new OutboxStore(db), close: async () => void (await db.close()) };
  }

  it("leases each lane's head, in id order; nothing behind a head jumps the queue", async () => {
    const { db, outbox, close } = await open();
    try {
      const a1 = put(db, 'a1', 'A');
      put(db, 'a2', 'A');
      put(db, 'b1', 'B');
      const first = outbox.claim(at(0), claimBy('r1'));
      expect(keys(first)).toEqual(['a1', 'b1']);
      expect(first.every((r) => !r.inDoubt)).toBe(true);
      const lease = db
        .prepare('SELECT lease_owner, lease_until, in_flight_since FROM outbox WHERE id = ?')
        .get(a1);
      expect(lease).toEqual({
        lease_owner: 'r1',
        lease_until: at(10_000).toISOString(),
        in_flight_since: at(0).toISOString(),
      });
      // a1 to be retried later: lane A waits for it, a2 is not taken in its place.
      expect(outbox.markRetry(a1, 'r1', at(0), at(5_000), 'HTTP 500')).toBe(true);
      expect(keys(outbox.claim(at(1_000), claimBy('r1')))).toEqual(['b1']);
      expect(keys(outbox.claim(at(5_000), claimBy('r1')))).toEqual(['a1', 'b1']);
      // Lanes this process holds back itself are left alone.
      expect(keys(outbox.claim(at(5_000), claimBy('r1', { skipLanes: ['A'] })))).toEqual(['b1']);
    } finally {
      await close();
    }
  });

  it('records an outcome only for the owner of the lease, once', async () => {
    const { db, outbox, close } = await open();
    try {
      const id = put(db, 'x', 'A');
      expect(outbox.markSent(id, 'r1', at(0), { ts: '1' })).toBe(false); // never claimed
      outbox.claim(at(0), claimBy('r1'));
      expect(outbox.markSent(id, 'r2', at(0), { ts: '2' })).toBe(false);
      expect(outbox.markFailed(id, 'r2', at(0), 'no')).toBe(false);
      expect(outbox.markRetry(id, 'r2', at(0), at(1), 'no')).toBe(false);
      expect(outbox.markSent(id, 'r1', at(0), { ts: '1' })).toBe(true);
      expect(outbox.markSent(id, 'r1', at(0), { ts: '3' })).toBe(false); // settled
      const row = db
        .prepare('SELECT result, attempts, lease_owner, in_flight_since FROM outbox WHERE id = ?')
        .get(id);
      expect(row).toEqual({ result: '{"ts":"1"}', attempts: 1, lease_owner: null, in_flight_since: null });
    } finally {
      await close();
    }
  });

  it('paces a lane by its last attempt, whichever process made it; a superseded refresh paces nothing', async () => {
    const { db, outbox, close } = await open();
    try {
      const a1 = put(db, 'a1', 'A');
      put(db, 'a2', 'A');
      const pace = { paceMs: 1_000 };
      outbox.claim(at(0), claimBy('r1', pace));
      expect(outbox.markSent(a1, 'r1', at(0), null)).toBe(true);
      expect(outbox.claim(at(999), claimBy('r2', pace))).toEqual([]);
      const [a2] = outbox.claim(at(1_000), claimBy('r2', pace));
      expect(a2?.key).toBe('a2');
      // An attempt to be retried may have reached the platform: it paces the lane too.
      expect(outbox.markRetry(a2!.id, 'r2', at(1_000), at(1_100), 'HTTP 502')).toBe(true);
      expect(outbox.claim(at(1_500), claimBy('r1', pace))).toEqual([]);
      expect(keys(outbox.claim(at(2_000), claimBy('r1', pace)))).toEqual(['a2']);
      const b1 = put(db, 'b1', 'B', { kind: 'view', view: 'summary' });
      put(db, 'b2', 'B', { kind: 'view', view: 'summary' });
      outbox.claim(at(2_000), claimBy('r1', pace));
      expect(outbox.markSuperseded(b1, 'r1', at(2_000))).toBe(true);
      expect(keys(outbox.claim(at(2_000), claimBy('r1', pace)))).toEqual(['a2', 'b2']);
    } finally {
      await close();
    }
  });

  it("takes over a dead owner's row in doubt: PostgreSQL once its lease ran out, SQLite (one process) at once", async () => {
    const { db, outbox, close } = await open();
    try {
      const id = put(db, 'x', 'A');
      expect(outbox.claim(at(0), claimBy('dead'))[0]?.inDoubt).toBe(false);
      if (backend.name === 'postgres') {
        expect(outbox.claim(at(9_999), claimBy('r2'))).toEqual([]);
        // A renewal keeps it the owner's while its send lasts.
        expect(outbox.renewLeases('dead', [id], at(20_000))).toBe(1);
        expect(outbox.renewLeases('r2', [id], at(90_000))).toBe(0);
        expect(outbox.claim(at(19_999), claimBy('r2'))).toEqual([]);
      }
      const taken = outbox.claim(at(20_000), claimBy('r2'));
      expect(taken.map((r) => [r.key, r.inDoubt])).toEqual([['x', true]]);
      // The old owner's late outcome is refused; the new owner's is recorded.
      expect(outbox.markSent(id, 'dead', at(20_001), { ts: 'late' })).toBe(false);
      expect(outbox.markSent(id, 'r2', at(20_002), { ts: 'found' })).toBe(true);
      expect(db.prepare('SELECT result FROM outbox WHERE id = ?').get(id)).toEqual({
        result: '{"ts":"found"}',
      });
      // A row marked in flight with no lease (a crash before leases existed) is in doubt, free to claim.
      const y = put(db, 'y', 'B');
      outbox.markInFlight(y, at(0));
      expect(outbox.claim(at(20_002), claimBy('r2')).map((r) => [r.key, r.inDoubt])).toEqual([['y', true]]);
    } finally {
      await close();
    }
  });

  it('knows a later refresh of the same live view or alert prompt (portable JSON)', async () => {
    const { db, outbox, close } = await open();
    try {
      put(db, 's1', 'A', { kind: 'view', view: 'summary' });
      put(db, 'c1', 'A', { kind: 'view', view: 'checklist' });
      put(db, 's2', 'A', { kind: 'view', view: 'summary' });
      put(db, 'p1', 'P', { kind: 'alert_prompt', alert: 'ALERT-1' });
      put(db, 'p2', 'P', { kind: 'alert_prompt', alert: 'ALERT-2' });
      put(db, 'p3', 'P', { kind: 'alert_prompt', alert: 'ALERT-1' });
      const later = Object.fromEntries(outbox.pending().map((r) => [r.key, outbox.hasLaterView(r)]));
      expect(later).toEqual({ s1: true, c1: false, s2: false, p1: true, p2: false, p3: false });
    } finally {
      await close();
    }
  });

  it('sees an inbound id once until it is forgotten', async () => {
    const { outbox, close } = await open();
    try {
      expect(outbox.firstSighting('Ev1', at(0))).toBe(true);
      expect(outbox.firstSighting('Ev1', at(1))).toBe(false);
      outbox.forgetSighting('Ev1');
      expect(outbox.firstSighting('Ev1', at(2))).toBe(true);
      expect(outbox.forgetSightingsBefore(at(3))).toBe(1);
    } finally {
      await close();
    }
  });
});
