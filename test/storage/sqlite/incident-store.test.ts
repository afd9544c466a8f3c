// The store on both databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set): one transaction per
// command, nothing of a failed one kept, idempotency, reopening, the append-only log. Then what only a
// SQLite file has (its pragmas, several processes on one file, PRAGMA user_version).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { IncidentService } from '../../../src/app/incident-service.js';
import { type VerifyRow, verifyChain } from '../../../src/domain/audit/hash-chain.js';
import type { Db } from '../../../src/storage/sql-db.js';
import { IncidentStore, type StoreHooks } from '../../../src/storage/sqlite/incident-store.js';
import { MigrationError, migrate } from '../../../src/storage/sqlite/migrate.js';
import { openDatabase } from '../../../src/storage/sqlite/open-database.js';
import { testSigner } from '../../helpers/audit-key.js';
import { anotherConnection, type BackendStack, backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { at, bob, declareRequest, ic, T0 } from '../../helpers/scenario.js';
import { openStack, tempDb } from '../../helpers/store.js';

const run = promisify(execFile);

function declare(s: { service: IncidentService }, key = 'slack:T1:trigger-1') {
  const r = s.service.handle({
    key,
    incidentKey: null,
    command: {
      type: 'declare',
      key: '',
      title: `Ingest down ${key}`,
      triggerClass: 'service_outage',
      impact: 'stale prices',
      severeImpact: false,
      drill: false,
    },
    actor: ic,
    now: T0,
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.incident;
}

const count = (db: Db, table: string) =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const counts = (s: { db: Db }) => ({
  incidents: count(s.db, 'incidents'),
  log: count(s.db, 'decision_log'),
  outbox: count(s.db, 'outbox'),
  commands: count(s.db, 'commands'),
});

/** Every entry of the log, with both JSON columns parsed, in the chains' order. */
const logRows = (db: Db) =>
  (
    db.prepare('SELECT * FROM decision_log ORDER BY incident_key, seq').all() as (VerifyRow & {
      actor: string;
      payload: string;
    })[]
  ).map((r) => ({ ...r, actor: JSON.parse(r.actor), payload: JSON.parse(r.payload) }));

afterAll(dropPgDatabases);

describe.each(backends)('IncidentStore on $name', (backend) => {
  const open: BackendStack[] = [];
  const stack = async (hooks?: StoreHooks) => {
    const s = await backend.open(hooks);
    open.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of open.splice(0)) if (s.db.open) await s.close();
  });

  it('allocates human keys INC-YYYY-NNNN, never reused', async () => {
    const s = await stack();
    expect(declare(s, 'a').key).toBe('INC-2026-0001');
    expect(declare(s, 'b').key).toBe('INC-2026-0002');
  });

  it('a command that throws half-way leaves no trace', async () => {
    let explode = false;
    const s = await stack({
      beforeCommit: () => {
        if (explode) throw new Error('disk on fire');
      },
    });
    const inc = declare(s);
    const before = counts(s);
    explode = true;
    expect(() =>
      s.service.handle({
        key: 'k-claim',
        incidentKey: inc.key,
        command: { type: 'claim_role', role: 'scribe' },
        actor: ic,
      }),
    ).toThrow('disk on fire');
    expect(counts(s)).toEqual(before);
    expect(s.store.get(inc.key)!.roles.scribe).toBeUndefined();
    explode = false;
    const ok = s.service.handle({
      key: 'k-claim',
      incidentKey: inc.key,
      command: { type: 'claim_role', role: 'scribe' },
      actor: ic,
    });
    expect(ok.ok).toBe(true);
  });

  it('a reopened database has the same incidents and log', async () => {
    const s = await stack();
    const inc = declare(s);
    s.service.handle({
      key: 'c1',
      incidentKey: inc.key,
      command: { type: 'claim_role', role: 'scribe' },
      actor: ic,
    });
    const before = { incident: s.store.get(inc.key), log: s.store.logEntries(inc.key) };
    const again = await anotherConnection(s.db);
    await s.close();
    try {
      const store = new IncidentStore(again, {}, testSigner);
      expect(store.get(inc.key)).toEqual(before.incident);
      expect(store.logEntries(inc.key)).toEqual(before.log);
    } finally {
      await again.close();
    }
  });

  it('the same idempotency key twice gives one log entry, one outbox row and the same answer', async () => {
    const s = await stack();
    const inc = declare(s);
    const req = {
      key: 'slack:action:1',
      incidentKey: inc.key,
      command: { type: 'claim_role' as const, role: 'scribe' },
      actor: ic,
    };
    const first = s.service.handle(req);
    const mid = counts(s);
    const second = s.service.handle(req);
    expect(counts(s)).toEqual(mid);
    expect(first.ok && second.ok).toBe(true);
    expect(second.replay).toBe(true);
    expect(second.ok && second.notices).toEqual(first.ok && first.notices);
    // A refused command replayed gets the same refusal and changes nothing.
    const bad = {
      key: 'slack:action:2',
      incidentKey: inc.key,
      command: { type: 'claim_role' as const, role: 'scribe' },
      actor: ic,
    };
    s.service.handle({
      key: 'add',
      incidentKey: inc.key,
      command: { type: 'add_member', user: 'U_ALICE' },
      actor: ic,
    });
    bad.actor = { platform: 'slack', id: 'U_ALICE' };
    const r1 = s.service.handle(bad);
    const r2 = s.service.handle(bad);
    expect(r1).toMatchObject({ ok: false, error: { code: 'role_taken' } });
    expect(r2).toMatchObject({ ok: false, replay: true, error: { code: 'role_taken' } });
  });

  it('a declaration replayed creates one incident', async () => {
    const s = await stack();
    declare(s, 'same');
    const r = s.service.handle(declareRequest('same'));
    expect(r.replay).toBe(true);
    expect(counts(s).incidents).toBe(1);
  });

  it('finds incidents by who declared them since a time, newest first (a JSON field, in either dialect)', async () => {
    const s = await stack();
    for (const [key, m, actor] of [
      ['one', 1, ic],
      ['other', 2, bob],
      ['two', 3, ic],
    ] as const)
      s.service.handle(declareRequest(key, { now: at(m), actor }));
    const titles = (since: Date, who = ic.id) => s.store.declaredBy(who, since).map((i) => i.title);
    expect(titles(at(0))).toEqual(['x two', 'x one']);
    expect(titles(at(2))).toEqual(['x two']);
    expect(titles(at(0), bob.id)).toEqual(['x other']);
    expect(titles(at(0), 'U_NOBODY')).toEqual([]);
  });

  it('a NUL in a title is dropped on the way in, and later declarations by the same person still work', async () => {
    const s = await stack();
    expect(s.service.handle(declareRequest('nul', { now: at(1), title: 'dump\u0000ed' })).ok).toBe(true);
    // the next declaration reads the person's recent ones (the duplicate-title and rate limits)
    expect(s.service.handle(declareRequest('next', { now: at(2), title: 'next' })).ok).toBe(true);
    // (rows stored with NUL before it was dropped: test/storage/nul-text.test.ts)
    expect(s.store.declaredBy(ic.id, at(0)).map((i) => i.title)).toEqual(['next', 'dumped']);
  });

  it('a lone UTF-16 surrogate in a source, a timestamp or a key still verifies (hash what is stored)', async () => {
    const s = await stack();
    const inc = declare(s);
    const evidence = {
      key: 'slack:T1:msg-\uD800',
      incidentKey: inc.key,
      command: {
        type: 'evidence' as const,
        name: 'dump \uDC00 file',
        source: {
          messageId: 'C1:1.2',
          permalink: 'https://x.slack.com/p1\uD83D',
          writtenAt: '2026-11-26T10:00:00\uDFFFZ',
        },
      },
      actor: ic,
      now: T0,
    };
    expect(s.service.handle(evidence).ok).toBe(true);
    const rows = logRows(s.db);
    expect(rows.some((row) => row.source?.includes('\uFFFD'))).toBe(true);
    expect(verifyChain(rows)).toMatchObject({ ok: true });
    // the key as stored still finds the command: the same request again is a replay
    expect(s.service.handle(evidence).replay).toBe(true);
  });

  it('the decision log refuses UPDATE and DELETE', async () => {
    const s = await stack();
    declare(s);
    expect(() => s.db.prepare("UPDATE decision_log SET kind = 'x'").run()).toThrow(/append-only/);
    expect(() => s.db.prepare('DELETE FROM decision_log').run()).toThrow(/append-only/);
  });
});

describe('IncidentStore on a real SQLite file', () => {
  it('uses WAL, synchronous=NORMAL, foreign keys and records the schema version', () => {
    const s = openStack(tempDb());
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
    s.close();
  });

  it('two processes writing one incident at the same time never lose an update', async () => {
    const file = tempDb();
    const s = openStack(file);
    const inc = declare(s);
    // the three writers are in the incident
    for (const who of ['U_A', 'U_B', 'U_C'])
      s.service.handle({
        key: `add:${who}`,
        incidentKey: inc.key,
        command: { type: 'add_member', user: who },
        actor: ic,
      });
    const logBefore = s.store.get(inc.key)!.version;
    s.close();
    const per = 40;
    const worker = new URL('./concurrency-worker.ts', import.meta.url).pathname;
    const outs = await Promise.all(
      ['U_A', 'U_B', 'U_C'].map((who) =>
        run(process.execPath, ['--import', 'tsx', worker, file, inc.key, who, String(per)], {
          cwd: process.cwd(),
        }),
      ),
    );
    expect(outs.map((o) => Number(o.stdout))).toEqual([per, per, per]);
    const again = openStack(file);
    const after = again.store.get(inc.key)!;
    expect(after.version).toBe(logBefore + 3 * per);
    const notes = again.store.logEntries(inc.key).filter((e) => e.kind === 'note');
    expect(notes).toHaveLength(3 * per);
    expect(verifyChain(logRows(again.db)).ok).toBe(true);
    again.close();
  }, 60_000);

  it('start-up refuses a database newer than the code, with a clear message', () => {
    const file = tempDb();
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDatabase(file)).toThrow(MigrationError);
    expect(() => openDatabase(file)).toThrow(/schema version 999.*newer version/);
  });

  it('migrations are forward-only and applied once', () => {
    const db = openDatabase(tempDb());
    expect(migrate(db)).toEqual([]);
    db.close();
  });
});
