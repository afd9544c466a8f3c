// A replica shutting down drains what it could deliver, not what another live replica holds: on PostgreSQL a
// lane leased to another replica is left to it (no waiting out SHUTDOWN_DRAIN_SECONDS), a lease that ran out
// (its owner died) is taken over and drained. On SQLite (one process per file) a lease not its own is a dead
// run's: everything is drained, as before leases.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/app/dispatcher.js';
import type { OutboxRow } from '../../src/app/ports.js';
import { atomically } from '../../src/storage/sqlite/open-database.js';
import { type BackendStack, backends } from '../helpers/backends.js';
import { dropPgDatabases } from '../helpers/pg.js';
import { alertFields, at, declareRequest, ic } from '../helpers/scenario.js';
import { RecordingSender } from '../support/recording-sender.js';

let s: BackendStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});
afterAll(dropPgDatabases);

/** An incident with a room and its initial alert: rows owed in several lanes. */
async function owing(backend: (typeof backends)[number]): Promise<BackendStack> {
  s = await backend.open();
  const d = s.service.handle(declareRequest('d', { now: at(0) }));
  if (!d.ok) throw new Error(d.error.message);
  const key = d.incident.key;
  for (const [k, command] of [
    ['room', { type: 'room_created', platform: 'slack', roomId: 'C1', name: 'inc' }],
    ['alert', { type: 'send_initial_alert', fields: alertFields }],
  ] as const)
    s.service.handle({ key: k, incidentKey: key, command, actor: ic, now: at(1) });
  return s;
}

const lanes = (rows: OutboxRow[]) => new Set(rows.map((r) => r.lane));

describe.each(backends)('the shutdown drain on $name', (backend) => {
  const pg = backend.name === 'postgres';

  it("waits for this replica's rows only, never for a lane another live replica holds", async () => {
    const st = await owing(backend);
    expect(lanes(st.outbox.pending()).size).toBeGreaterThan(1);
    // replica B leases the first lane's head for ten minutes and is still delivering it
    const [held] = st.outbox.claim(at(5), {
      owner: 'replica-b',
      leaseMs: 600_000,
      paceMs: 0,
      limit: 1,
      skipLanes: [],
    });
    const sender = new RecordingSender();
    const d = new Dispatcher({
      outbox: st.outbox,
      atomically: atomically(st.db),
      incidents: st.store,
      senders: { slack: sender },
      owner: 'replica-a',
      now: () => at(5),
    });
    const before = st.outbox.pending().length;
    expect(d.owed()).toBe(pg ? st.outbox.pending().filter((r) => r.lane !== held!.lane).length : before);
    expect(await d.drain(20_000)).toBe(true);
    expect(d.owed()).toBe(0);
    const left = st.outbox.pending();
    if (pg) {
      // B's lane is B's: none of it sent here, all of it still owed (to B), every other lane delivered
      expect(sender.sent.some((r) => r.lane === held!.lane)).toBe(false);
      expect(lanes(left)).toEqual(new Set([held!.lane]));
      expect(st.outbox.owedTo('replica-b', at(5))).toBe(left.length);
    } else {
      // one process per file: B is a dead run, its row taken over and sent with the rest
      expect(left).toEqual([]);
      expect(sender.sent.some((r) => r.id === held!.id)).toBe(true);
    }
  });

  it('takes over and drains a lane whose lease ran out (its replica died)', async () => {
    const st = await owing(backend);
    st.outbox.claim(at(5), { owner: 'replica-b', leaseMs: 1000, paceMs: 0, limit: 1, skipLanes: [] });
    const sender = new RecordingSender();
    const d = new Dispatcher({
      outbox: st.outbox,
      atomically: atomically(st.db),
      incidents: st.store,
      senders: { slack: sender },
      owner: 'replica-a',
      now: () => at(10),
    });
    expect(d.owed()).toBe(st.outbox.pending().length);
    expect(await d.drain(20_000)).toBe(true);
    expect(st.outbox.pending()).toEqual([]);
    expect(new Set(sender.sent.map((r) => r.key)).size).toBe(sender.sent.length);
  });
});
