// Two or more replicas on one PostgreSQL database: each IncidentStore has its own connection, and every
// command is one transaction under the cluster-wide write lock. Commands interleaved on the same incidents,
// the same idempotency key delivered to both (the second is a replay: one log entry), then three processes
// writing one incident at once: no update lost, the global chain intact, every checkpoint valid.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { IncidentService } from '../../../src/app/incident-service.js';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';
import type { Db } from '../../../src/storage/sql-db.js';
import { IncidentStore } from '../../../src/storage/sqlite/incident-store.js';
import { testSigner } from '../../helpers/audit-key.js';
import { verifyStored } from '../../helpers/ledger.js';
import { dropPgDatabases, freshPgUrl, hasPg } from '../../helpers/pg.js';
import { at, bob, declareRequest, ic, playbook, playbookRef } from '../../helpers/scenario.js';
import { inTheRoom } from '../../helpers/store.js';

/** Starts the replica processes, lets them all go at once when every one is connected, and collects their reports. */
async function together(args: string[][]): Promise<{ ok: number; replays: number }[]> {
  const worker = new URL('./replica-worker.ts', import.meta.url).pathname;
  const procs = args.map((a) =>
    spawn(process.execPath, ['--import', 'tsx', worker, ...a], { cwd: process.cwd() }),
  );
  const outputs = procs.map((p) => {
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += String(d);
      if (out === 'ready\n') ready();
    });
    p.stderr.on('data', (d) => {
      err += String(d);
    });
    let ready!: () => void;
    return {
      ready: new Promise<void>((r) => (ready = r)),
      done: new Promise<string>((resolve, reject) =>
        p.once('exit', (code) =>
          code === 0
            ? resolve(out.slice('ready\n'.length))
            : reject(new Error(`replica exited ${code}: ${err}`)),
        ),
      ),
    };
  });
  await Promise.race([Promise.all(outputs.map((o) => o.ready)), Promise.all(outputs.map((o) => o.done))]);
  for (const p of procs) p.stdin.end('go\n');
  return (await Promise.all(outputs.map((o) => o.done))).map(
    (o) => JSON.parse(o) as { ok: number; replays: number },
  );
}

const replica = (db: Db) => ({
  db,
  service: inTheRoom(
    new IncidentService(new IncidentStore(db, {}, testSigner), { playbook, ref: playbookRef }),
  ),
});

const count = (db: Db, sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;

describe.runIf(hasPg)('replicas on one PostgreSQL database', () => {
  afterAll(dropPgDatabases);

  it('interleaved commands on the same incidents, and a retry landing on the other replica, are one ledger', async () => {
    const url = await freshPgUrl();
    const [one, two] = [replica(await openPostgres(url)), replica(await openPostgres(url))];
    try {
      // The same declaration delivered to both: one incident.
      const d1 = one.service.handle(declareRequest('slack:T1:declare', { now: at(0), title: 'Ingest down' }));
      const d2 = two.service.handle(declareRequest('slack:T1:declare', { now: at(0), title: 'Ingest down' }));
      expect(d1.ok && d2.ok && d2.replay).toBe(true);
      const e = two.service.handle(
        declareRequest('slack:T1:other', { now: at(1), title: 'Credential leak' }),
      );
      if (!d1.ok || !e.ok) throw new Error('declare');
      const [A, B] = [d1.incident.key, e.incident.key];
      expect([A, B]).toEqual(['INC-2026-0001', 'INC-2026-0002']);
      for (const k of [A, B])
        one.service.handle({
          key: `add:${k}`,
          incidentKey: k,
          command: { type: 'add_member', user: bob.id },
          actor: ic,
        });
      let m = 2;
      for (let n = 0; n < 10; n++) {
        const [first, second] = n % 2 ? [one, two] : [two, one];
        for (const k of [A, B]) {
          const req = {
            key: `slack:action:${k}:${n}`,
            incidentKey: k,
            command: { type: 'log' as const, text: `note ${n} on ${k}` },
            actor: n % 3 ? ic : bob,
            now: at(m++),
          };
          const a = first.service.handle(req);
          // a Slack retry of the same request, landing on the other replica
          const b = second.service.handle(req);
          expect(a).toMatchObject({ ok: true, replay: false });
          expect(b).toMatchObject({ ok: true, replay: true, logEntries: 0 });
        }
      }
      // each replica sees the other's writes: the state it reads is the one last committed, by either
      expect(one.service.get(A)).toEqual(two.service.get(A));
      const notes = (k: string) =>
        count(one.db, "SELECT count(*) AS n FROM decision_log WHERE incident_key = ? AND kind = 'note'", k);
      expect([notes(A), notes(B)]).toEqual([10, 10]);
      expect(count(one.db, 'SELECT count(*) AS n FROM commands')).toBe(2 + 2 + 20);
      // one checkpoint per transaction that appended, the chain and every signature intact
      expect(verifyStored(two.db)).toMatchObject({ ok: true, incidents: 2, checkpoints: 2 + 2 + 20 });
    } finally {
      await Promise.all([one.db.close(), two.db.close()]);
    }
  });

  it('three replica processes writing one incident at the same time lose no update and sign one chain', async () => {
    const url = await freshPgUrl();
    const setup = replica(await openPostgres(url));
    const d = setup.service.handle(declareRequest('d', { now: at(0) }));
    if (!d.ok) throw new Error('declare');
    const key = d.incident.key;
    for (const who of ['U_A', 'U_B', 'U_C'])
      setup.service.handle({
        key: `add:${who}`,
        incidentKey: key,
        command: { type: 'add_member', user: who },
        actor: ic,
      });
    const versionBefore = setup.service.get(key)!.version;
    const per = 25;
    const shared = 10;
    try {
      const results = await together(
        ['U_A', 'U_B', 'U_C'].map((who) => [url, key, who, String(per), String(shared)]),
      );
      // every replica's own notes applied; each shared request applied once, by whichever replica came first
      expect(results.reduce((n, r) => n + r.ok, 0)).toBe(3 * per + shared);
      expect(results.reduce((n, r) => n + r.replays, 0)).toBe(2 * shared);
      expect(setup.service.get(key)!.version).toBe(versionBefore + 3 * per + shared);
      expect(
        count(
          setup.db,
          "SELECT count(*) AS n FROM decision_log WHERE incident_key = ? AND kind = 'note'",
          key,
        ),
      ).toBe(3 * per + shared);
      expect(verifyStored(setup.db)).toMatchObject({ ok: true, incidents: 1 });
      // and they did write at the same time: the log switches between writers more than twice
      const actors = (
        setup.db
          .prepare("SELECT actor FROM decision_log WHERE kind = 'note' ORDER BY gseq")
          .pluck()
          .all() as string[]
      ).map((a) => (JSON.parse(a) as { id: string }).id);
      expect(actors.filter((a, n) => n > 0 && a !== actors[n - 1]).length).toBeGreaterThan(2);
    } finally {
      await setup.db.close();
    }
  }, 120_000);
});
