// Several replicas writing one PostgreSQL database at once, as separate processes (each holds its own
// connection, as a replica does): ALERT-<n> is allocated once each with no gap (MAX(n)+1 under the write
// lock), one occurrence of a group is stored once (the others get a ConflictError), and each reminder is
// claimed by exactly one replica, with one outbox row and one log entry, the incident's chain intact.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { IncidentService } from '../../../src/app/incident-service.js';
import { type VerifyRow, verifyChain } from '../../../src/domain/audit/hash-chain.js';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';
import { IncidentStore } from '../../../src/storage/sqlite/incident-store.js';
import { testSigner } from '../../helpers/audit-key.js';
import { dropPgDatabases, freshPgUrl, hasPg } from '../../helpers/pg.js';
import { declareRequest, playbook, playbookRef } from '../../helpers/scenario.js';

afterAll(dropPgDatabases);

const WORKER = new URL('./replica-writer.ts', import.meta.url).pathname;
const REPLICAS = 3;

interface Done {
  saved: string[];
  conflicts: number;
  claimed: string[];
}

/** Starts the replicas, lets them all go at once when every one is connected, and collects their reports. */
async function replicas(args: string[][]): Promise<Done[]> {
  const lines = (c: ChildProcess) => {
    let buf = '';
    let err = '';
    const seen: string[] = [];
    const waiters: ((l: string) => void)[] = [];
    c.stderr?.on('data', (d) => {
      err += String(d);
    });
    c.stdout?.on('data', (d) => {
      buf += String(d);
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const w = waiters.shift();
        if (w) w(line);
        else seen.push(line);
      }
    });
    const exited = new Promise<never>((_, reject) =>
      c.once('exit', (code) => reject(new Error(`replica exited (${code}) early: ${err.slice(-2000)}`))),
    );
    return () =>
      Promise.race([new Promise<string>((r) => (seen.length ? r(seen.shift()!) : waiters.push(r))), exited]);
  };
  const procs = args.map((a) =>
    spawn(process.execPath, ['--import', 'tsx', WORKER, ...a], { cwd: process.cwd() }),
  );
  const next = procs.map(lines);
  try {
    expect(await Promise.all(next.map((n) => n()))).toEqual(procs.map(() => 'ready'));
    for (const p of procs) p.stdin.write('go\n');
    return (await Promise.all(next.map((n) => n()))).map((l) => JSON.parse(l) as Done);
  } finally {
    for (const p of procs) p.stdin.end();
  }
}

describe.runIf(hasPg)('replicas writing one PostgreSQL database', () => {
  it('allocate ALERT-n once each with no gap; one occurrence of a group is stored once', async () => {
    const url = await freshPgUrl();
    const per = 12;
    const done = await replicas(
      Array.from({ length: REPLICAS }, (_, i) => [url, 'alerts', `r${i}`, String(per)]),
    );
    const ids = done.flatMap((d) => d.saved);
    expect(ids).toHaveLength(REPLICAS * per + 1);
    expect(new Set(ids).size).toBe(ids.length);
    const ns = ids.map((id) => Number(id.slice('ALERT-'.length))).sort((a, b) => a - b);
    expect(ns).toEqual(Array.from({ length: ns.length }, (_, i) => i + 1));
    expect(done.reduce((n, d) => n + d.conflicts, 0)).toBe(REPLICAS - 1);
    const db = await openPostgres(url, { migrate: false });
    try {
      const shared = db.prepare("SELECT COUNT(*) AS n FROM alert_groups WHERE group_key = 'shared'").get();
      expect(shared).toEqual({ n: 1 });
      const prompts = db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE key LIKE 'alert:%'").get();
      expect(prompts).toEqual({ n: ids.length });
    } finally {
      await db.close();
    }
  }, 120_000);

  it('claim each reminder on exactly one replica: one outbox row, one log entry, the chain intact', async () => {
    const url = await freshPgUrl();
    const db = await openPostgres(url, { migrate: false });
    const store = new IncidentStore(db, {}, testSigner);
    const service = new IncidentService(store, { playbook, ref: playbookRef });
    const d = service.handle(declareRequest('decl'));
    if (!d.ok) throw new Error(d.error.message);
    const key = d.incident.key;
    const count = 40;
    try {
      const done = await replicas(
        Array.from({ length: REPLICAS }, (_, i) => [url, 'claims', key, String(count), String(i * 13)]),
      );
      const claimed = done.flatMap((x) => x.claimed);
      expect(claimed.sort()).toEqual(Array.from({ length: count }, (_, n) => `${key}:r${n}`).sort());
      const nudges = db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE key LIKE 'reminder:%'").get();
      expect(nudges).toEqual({ n: count });
      const rows = db
        .prepare('SELECT * FROM decision_log WHERE incident_key = ? ORDER BY seq')
        .all(key) as (VerifyRow & { actor: string; payload: string; kind: string })[];
      expect(rows.filter((r) => r.kind === 'nudge')).toHaveLength(count);
      const parsed = rows.map((r) => ({ ...r, actor: JSON.parse(r.actor), payload: JSON.parse(r.payload) }));
      expect(verifyChain(parsed).ok).toBe(true);
    } finally {
      await db.close();
    }
  }, 120_000);
});
