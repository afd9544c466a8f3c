import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type VerifyRow, verifyChain } from '../../../src/domain/audit/hash-chain.js';
import { MigrationError, migrate } from '../../../src/storage/sqlite/migrate.js';
import { openDatabase } from '../../../src/storage/sqlite/open-database.js';
import { declareRequest, ic, T0 } from '../../helpers/scenario.js';
import { openStack, tempDb } from '../../helpers/store.js';

const run = promisify(execFile);

function declare(s: ReturnType<typeof openStack>, key = 'slack:T1:trigger-1') {
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

const counts = (s: ReturnType<typeof openStack>) => ({
  incidents: (s.db.prepare('SELECT COUNT(*) n FROM incidents').get() as { n: number }).n,
  log: (s.db.prepare('SELECT COUNT(*) n FROM decision_log').get() as { n: number }).n,
  outbox: (s.db.prepare('SELECT COUNT(*) n FROM outbox').get() as { n: number }).n,
  commands: (s.db.prepare('SELECT COUNT(*) n FROM commands').get() as { n: number }).n,
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

  it('allocates human keys INC-YYYY-NNNN, never reused', () => {
    const s = openStack(tempDb());
    expect(declare(s, 'a').key).toBe('INC-2026-0001');
    expect(declare(s, 'b').key).toBe('INC-2026-0002');
    s.close();
  });

  it('a command that throws half-way leaves no trace', () => {
    const file = tempDb();
    let explode = false;
    const s = openStack(file, {
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
    s.close();
  });

  it('a reopened database has the same incidents and log', () => {
    const file = tempDb();
    const s = openStack(file);
    const inc = declare(s);
    s.service.handle({
      key: 'c1',
      incidentKey: inc.key,
      command: { type: 'claim_role', role: 'scribe' },
      actor: ic,
    });
    const before = { incident: s.store.get(inc.key), log: s.store.logEntries(inc.key) };
    s.close();
    const again = openStack(file);
    expect(again.store.get(inc.key)).toEqual(before.incident);
    expect(again.store.logEntries(inc.key)).toEqual(before.log);
    again.close();
  });

  it('the same idempotency key twice gives one log entry, one outbox row and the same answer', () => {
    const s = openStack(tempDb());
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
    s.close();
  });

  it('a declaration replayed creates one incident', () => {
    const s = openStack(tempDb());
    declare(s, 'same');
    const r = s.service.handle(declareRequest('same'));
    expect(r.replay).toBe(true);
    expect(counts(s).incidents).toBe(1);
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
    const rows = again.db
      .prepare('SELECT * FROM decision_log ORDER BY incident_key, seq')
      .all() as (VerifyRow & { actor: string; payload: string })[];
    const parsed = rows.map((r) => ({ ...r, actor: JSON.parse(r.actor), payload: JSON.parse(r.payload) }));
    expect(verifyChain(parsed).ok).toBe(true);
    again.close();
  }, 60_000);

  it('a lone UTF-16 surrogate in a source, a timestamp or a key still verifies (hash what SQLite stores)', () => {
    const s = openStack(tempDb());
    const inc = declare(s);
    const r = s.service.handle({
      key: 'slack:T1:msg-\uD800',
      incidentKey: inc.key,
      command: {
        type: 'evidence',
        name: 'dump \uDC00 file',
        source: {
          messageId: 'C1:1.2',
          permalink: 'https://x.slack.com/p1\uD83D',
          writtenAt: '2026-11-26T10:00:00\uDFFFZ',
        },
      },
      actor: ic,
      now: T0,
    });
    expect(r.ok).toBe(true);
    const rows = s.db.prepare('SELECT * FROM decision_log ORDER BY incident_key, seq').all() as (VerifyRow & {
      actor: string;
      payload: string;
    })[];
    expect(rows.some((row) => row.source?.includes('\uFFFD'))).toBe(true);
    const parsed = rows.map((row) => ({
      ...row,
      actor: JSON.parse(row.actor),
      payload: JSON.parse(row.payload),
    }));
    expect(verifyChain(parsed)).toMatchObject({ ok: true });
    s.close();
  });

  it('the decision log refuses UPDATE and DELETE', () => {
    const s = openStack(tempDb());
    declare(s);
    expect(() => s.db.prepare("UPDATE decision_log SET kind = 'x'").run()).toThrow(/append-only/);
    expect(() => s.db.prepare('DELETE FROM decision_log').run()).toThrow(/append-only/);
    s.close();
  });

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
