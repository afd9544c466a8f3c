// Two replicas on one PostgreSQL database (two connections, two dispatchers, two reminder leaders): every
// owed message is sent once, in order per channel and paced across both; a replica that dies holding rows
// has them taken over, in doubt, once its leases run out, and its late outcome is refused; the reminder
// pass runs on one replica at a time; an inbound retry reaching the other replica is seen once.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../../src/app/dispatcher.js';
import { IncidentService } from '../../../src/app/incident-service.js';
import type { OutboxRow, Sender, SendResult } from '../../../src/app/ports.js';
import { startReminders } from '../../../src/ops/start-reminders.js';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';
import type { PgDb } from '../../../src/storage/postgres/pg-db.js';
import { reminderLeaderOf, waitToLead } from '../../../src/storage/reminder-leader.js';
import { IncidentStore } from '../../../src/storage/sqlite/incident-store.js';
import { atomically } from '../../../src/storage/sqlite/open-database.js';
import { OutboxStore } from '../../../src/storage/sqlite/outbox-store.js';
import { testSigner } from '../../helpers/audit-key.js';
import { dropPgDatabases, freshPgUrl, hasPg } from '../../helpers/pg.js';
import { alertFields, at, declareRequest, ic, playbook, playbookRef } from '../../helpers/scenario.js';
import { inTheRoom } from '../../helpers/store.js';

const fields = { status: 'investigating', developments: 'd', risks: 'r', help: 'h', next_update: 'n' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Replica {
  db: PgDb;
  store: IncidentStore;
  outbox: OutboxStore;
  service: IncidentService;
}

const opened: PgDb[] = [];

/** One replica: its own connection to the shared database, and the stores over it. */
async function replica(url: string, clock?: () => Date): Promise<Replica> {
  const db = await openPostgres(url, { waitMs: 10_000 });
  opened.push(db);
  const store = new IncidentStore(db, {}, testSigner);
  const service = inTheRoom(
    new IncidentService(store, { playbook, ref: playbookRef }, clock ? { clock } : {}),
  );
  return { db, store, outbox: new OutboxStore(db), service };
}

/** An incident with a room, and a burst of commands owing messages in several lanes (room, stakeholders, DMs). */
function incidentWithTraffic(r: Replica, now?: Date): string {
  const d = r.service.handle(declareRequest('d1', now ? { now } : {}));
  if (!d.ok) throw new Error(d.error.message);
  const key = d.incident.key;
  const run = (k: string, command: object, actor = ic) => {
    const o = r.service.handle({
      key: k,
      incidentKey: key,
      command,
      actor,
      ...(now ? { now } : {}),
    } as never);
    if (!o.ok) throw new Error(`${k}: ${o.error.message}`);
  };
  run('room', { type: 'room_created', platform: 'slack', roomId: 'C1', name: 'inc' });
  run('alert', { type: 'send_initial_alert', fields: alertFields });
  for (let i = 0; i < 4; i++)
    run(`u${i}`, { type: 'post_status_update', fields: { ...fields, developments: `d${i}` } });
  run('scribe', { type: 'claim_role', role: 'scribe' }, { platform: 'slack', id: 'U0SCRIBE' });
  run('comms', { type: 'claim_role', role: 'comms_lead' }, { platform: 'slack', id: 'U0COMMS' });
  return key;
}

interface Sent {
  replica: string;
  id: number;
  key: string;
  lane: string;
  inDoubt: boolean;
  at: number;
}

/** A fake platform shared by the replicas: records each send (who, what, when). */
function recorder(log: Sent[], replica: string): Sender {
  return {
    async send(row: OutboxRow): Promise<SendResult> {
      log.push({ replica, id: row.id, key: row.key, lane: row.lane, inDoubt: row.inDoubt, at: Date.now() });
      await sleep(Math.random() * 3);
      return { status: 'sent', result: { ts: `${log.length}` } };
    },
  };
}

const pendingCount = (r: Replica) => r.outbox.pending().length;

describe.runIf(hasPg)('two replicas on one PostgreSQL', () => {
  afterEach(async () => {
    vi.useRealTimers();
    for (const db of opened.splice(0)) await db.close();
  });
  afterAll(dropPgDatabases);

  it('deliver every owed message once, in order per lane, paced across both', async () => {
    const url = await freshPgUrl();
    const [a, b] = [await replica(url), await replica(url)];
    incidentWithTraffic(a);
    const sent: Sent[] = [];
    const pace = 60;
    const dispatcher = (r: Replica, name: string) =>
      new Dispatcher({
        outbox: r.outbox,
        atomically: atomically(r.db),
        incidents: r.store,
        senders: { slack: recorder(sent, name) },
        paceMs: pace,
        batch: 2, // a few lanes per pass each: both replicas take part in every round
        owner: name,
        leaseMs: 5_000,
      });
    const [d1, d2] = [dispatcher(a, 'A'), dispatcher(b, 'B')];
    const total = pendingCount(a);
    expect(total).toBeGreaterThan(15);
    for (let round = 0; pendingCount(a) > 0 && round < 3_000; round++) {
      // Both passes at once, the one that claims first alternating.
      const [x, y] = round % 2 === 0 ? [d1, d2] : [d2, d1];
      const n = (await Promise.all([x.runOnce(), y.runOnce()])).reduce((s, k) => s + k, 0);
      if (n === 0) await sleep(10);
    }
    expect(pendingCount(a)).toBe(0);
    const rows = a.db
      .prepare('SELECT id, key, lane, result, sent_at, failed_at FROM outbox ORDER BY id')
      .all() as { id: number; key: string; lane: string; result: string; failed_at: string | null }[];
    expect(rows.filter((r) => r.failed_at)).toEqual([]);
    // Each row once: sent by exactly one replica, or settled unsent because a later refresh superseded it.
    const superseded = rows.filter((r) => JSON.parse(r.result).superseded).map((r) => r.key);
    expect(sent.map((s) => s.key).sort()).toEqual(
      rows
        .map((r) => r.key)
        .filter((k) => !superseded.includes(k))
        .sort(),
    );
    expect(new Set(sent.map((s) => s.replica))).toEqual(new Set(['A', 'B']));
    for (const lane of new Set(sent.map((s) => s.lane))) {
      const inLane = sent.filter((s) => s.lane === lane);
      const ids = inLane.map((s) => s.id);
      expect(ids, `${lane} in order`).toEqual([...ids].sort((p, q) => p - q));
      // Paced across both replicas: the next send in a lane never came sooner than the pace after the last.
      for (let i = 1; i < inLane.length; i++)
        expect(inLane[i]!.at - inLane[i - 1]!.at, `${lane} paced`).toBeGreaterThanOrEqual(pace);
    }
    expect(sent.every((s) => !s.inDoubt)).toBe(true);
    // One "message sent" entry per post, whichever replica recorded it.
    const logged = (
      a.db.prepare("SELECT payload FROM decision_log WHERE kind = 'message_sent'").all() as {
        payload: string;
      }[]
    ).map((e) => JSON.parse(e.payload).outboxKey as string);
    expect(new Set(logged).size).toBe(logged.length);
  });

  it("takes over a dead replica's rows in doubt once its leases ran out; its late outcome is refused", async () => {
    const url = await freshPgUrl();
    const start = Date.now() + 1_000;
    const clocks = { A: start, B: start };
    const [a, b] = [await replica(url), await replica(url)];
    incidentWithTraffic(a, new Date(start - 1_000));
    // Replica A claims the lane heads and "dies" inside its sends (they never return until the test says).
    const hung: { row: OutboxRow; done: (r: SendResult) => void }[] = [];
    const warnings: string[] = [];
    const d1 = new Dispatcher({
      outbox: a.outbox,
      atomically: atomically(a.db),
      incidents: a.store,
      senders: { slack: { send: (row) => new Promise((done) => hung.push({ row, done })) } },
      owner: 'A',
      leaseMs: 10_000,
      now: () => new Date(clocks.A),
      logger: { info() {}, warn: (_o, msg) => warnings.push(String(msg)), error() {} },
    });
    const sent: Sent[] = [];
    const d2 = new Dispatcher({
      outbox: b.outbox,
      atomically: atomically(b.db),
      incidents: b.store,
      senders: { slack: recorder(sent, 'B') },
      owner: 'B',
      leaseMs: 10_000,
      now: () => new Date(clocks.B),
    });
    const passA = d1.runOnce();
    while (hung.length === 0) await sleep(1);
    const heads = hung.map((h) => h.row.key).sort();
    // Within A's lease, B takes nothing in A's lanes (one lane owner at a time) and sends nothing.
    clocks.B = start + 9_999;
    await d2.runOnce();
    expect(sent.filter((s) => heads.includes(s.key))).toEqual([]);
    const aLanes = new Set(hung.map((h) => h.row.lane));
    expect(sent.filter((s) => aLanes.has(s.lane))).toEqual([]);
    // A's leases have run out: B takes its rows over, in doubt (it looks for A's post before posting).
    clocks.B = start + 10_000;
    expect(await d2.drain(10_000)).toBe(true);
    const takenOver = sent.filter((s) => heads.includes(s.key));
    expect(takenOver.map((s) => s.key).sort()).toEqual(heads);
    expect(takenOver.every((s) => s.inDoubt)).toBe(true);
    // A's sends come back late: nothing recorded over B's outcome.
    for (const h of hung) h.done({ status: 'sent', result: { ts: 'late' } });
    await passA;
    expect(warnings.filter((w) => w.includes('taken over by another replica'))).toHaveLength(hung.length);
    const results = a.db
      .prepare(`SELECT result FROM outbox WHERE key IN (${heads.map(() => '?').join(', ')})`)
      .all(...heads) as { result: string }[];
    expect(results.every((r) => JSON.parse(r.result).ts !== 'late')).toBe(true);
    const logged = (
      a.db.prepare("SELECT payload FROM decision_log WHERE kind = 'message_sent'").all() as {
        payload: string;
      }[]
    ).map((e) => JSON.parse(e.payload).outboxKey as string);
    expect(new Set(logged).size).toBe(logged.length);
  });

  it('sees an inbound delivery, and a command retried, once whichever replica it reaches first', async () => {
    const url = await freshPgUrl();
    const [a, b] = [await replica(url), await replica(url)];
    const now = new Date();
    const seen = ['Ev1', 'Ev1', 'Ev2', 'Ev1', 'Ev2'].map((id, i) =>
      (i % 2 === 0 ? a : b).outbox.firstSighting(id, now),
    );
    expect(seen).toEqual([true, false, true, false, false]);
    // A command retried on the other replica (same idempotency key) is a replay: one incident, one entry.
    const first = a.service.handle(declareRequest('slack:T1:retried'));
    const again = b.service.handle(declareRequest('slack:T1:retried'));
    expect([first.ok && first.replay, again.ok && again.replay]).toEqual([false, true]);
    expect(a.db.prepare('SELECT COUNT(*) AS n FROM incidents').get()).toEqual({ n: 1 });
  });

  it('lets one replica lead the reminder pass at a time; any can take over', async () => {
    const url = await freshPgUrl();
    const [a, b] = [await replica(url), await replica(url)];
    const [la, lb] = [reminderLeaderOf(a.db), reminderLeaderOf(b.db)];
    expect(la.tryLead()).toBe(true);
    expect(lb.tryLead()).toBe(false);
    expect(waitToLead(lb, 250, 50)).toBe(false); // `reminders run` waits, then gives up
    la.release();
    expect(lb.tryLead()).toBe(true);
    expect(la.tryLead()).toBe(false);
    // The leader's connection is lost (its process died): the lock goes with it.
    await b.db.close();
    opened.splice(opened.indexOf(b.db), 1);
    expect(waitToLead(la, 10_000, 50)).toBe(true);
    la.release();
  });

  it('skips a scheduled pass while another replica leads, and runs the next one once it is free', async () => {
    const url = await freshPgUrl();
    vi.useFakeTimers({ now: new Date(at(0).getTime() + 30_000) });
    const clock = () => new Date();
    const [a, b] = [await replica(url, clock), await replica(url, clock)];
    const d = a.service.handle(declareRequest('d1', { now: at(0) }));
    if (!d.ok) throw new Error(d.error.message);
    const other = reminderLeaderOf(b.db);
    expect(other.tryLead()).toBe(true);
    const skipped: string[] = [];
    const sched = startReminders({
      config: { REMINDER_CRON: '* * * * *' },
      logger: { debug: (_o, msg) => skipped.push(String(msg)), info() {}, warn() {}, error() {} },
      store: a.store,
      service: a.service,
      dispatcher: { kick() {} },
      clock,
    });
    const claims = () => (a.db.prepare('SELECT COUNT(*) AS n FROM reminders').get() as { n: number }).n;
    await vi.advanceTimersByTimeAsync(31 * 60_000);
    expect(claims()).toBe(0);
    expect(skipped.length).toBeGreaterThanOrEqual(30);
    expect(skipped.every((m) => m.includes('another replica'))).toBe(true);
    other.release();
    await vi.advanceTimersByTimeAsync(60_000);
    sched.stop();
    expect(claims()).toBeGreaterThan(0);
  });
});
