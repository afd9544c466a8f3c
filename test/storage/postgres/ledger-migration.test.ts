// Migration 005's data step (ledger-migration.ts) on PostgreSQL: release 0.1's rows (the SQLite fixture,
// copied into a PostgreSQL database at schema 4) get the ledger built over them exactly as on SQLite, with
// the append-only trigger lifted only for it; a broken old log, or no key, is refused and nothing changes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { IncidentService } from '../../../src/app/incident-service.js';
import { loadPgMigrations, migratePostgres } from '../../../src/storage/postgres/migrate.js';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';
import type { PgDb } from '../../../src/storage/postgres/pg-db.js';
import { IncidentStore } from '../../../src/storage/sqlite/incident-store.js';
import { MigrationError, schemaVersion } from '../../../src/storage/sqlite/migrate.js';
import { release01 } from '../../fixtures/databases/release-0.1.js';
import { testSigner } from '../../helpers/audit-key.js';
import { verifyStored } from '../../helpers/ledger.js';
import { adminSql, hasPg, PG_URL } from '../../helpers/pg.js';
import { ic, playbook, playbookRef } from '../../helpers/scenario.js';

const TABLES = ['incidents', 'incident_keys', 'decision_log', 'playbooks', 'commands', 'outbox'];
const made: string[] = [];

/** A PostgreSQL database at schema 4 holding release 0.1's rows, as an import would leave it. */
async function release01OnPg(edit?: (sqlite: Database.Database) => void): Promise<PgDb> {
  const name = `ib_t_m5_${Math.random().toString(16).slice(2, 10)}`;
  await adminSql(`CREATE DATABASE ${name}`);
  made.push(name);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), { migrate: false, waitMs: 10_000 });
  migratePostgres(
    db,
    loadPgMigrations().filter((m) => m.version <= 4),
  );
  const old = new Database(release01(path.join(mkdtempSync(path.join(tmpdir(), 'ib-m5-')), 'old.db')));
  edit?.(old);
  db.transaction(() => {
    for (const t of TABLES) {
      for (const row of old.prepare(`SELECT * FROM ${t}`).all() as Record<string, unknown>[]) {
        const cols = Object.keys(row);
        db.prepare(`INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
          ...Object.values(row),
        );
      }
    }
    // Rows copied with their ids: the identity columns go on after them.
    for (const t of ['decision_log', 'outbox'])
      db.exec(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT max(id) FROM ${t}))`);
  }).immediate();
  old.close();
  return db;
}

const tableExists = (db: PgDb, t: string) =>
  (db.prepare('SELECT to_regclass(?) IS NOT NULL AS t').get(t) as { t: boolean }).t;

describe.runIf(hasPg)('migration 005 on PostgreSQL: the audit ledger over release 0.1 rows', () => {
  afterAll(async () => {
    for (const n of made.splice(0)) await adminSql(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
  });

  it('links the old entries unchanged, adds one state entry per incident, signs, and verifies', async () => {
    const db = await release01OnPg();
    try {
      const before = db.prepare('SELECT id, hash FROM decision_log ORDER BY id').all() as {
        id: number;
        hash: string;
      }[];
      expect(before).toHaveLength(29);
      expect(migratePostgres(db, undefined, { signer: testSigner })).toContain(5);
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(5);
      const after = db
        .prepare('SELECT id, incident_key, hash, gseq, kind FROM decision_log ORDER BY gseq')
        .all() as { id: number; incident_key: string; hash: string; gseq: number; kind: string }[];
      expect(after.slice(0, 29).map((r) => [r.id, r.hash])).toEqual(before.map((r) => [r.id, r.hash]));
      expect(after.map((r) => r.gseq)).toEqual(after.map((_, n) => n + 1));
      expect(after.slice(29).map((r) => [r.incident_key, r.kind])).toEqual([
        ['INC-2026-0001', 'audit_ledger'],
        ['INC-2026-0002', 'audit_ledger'],
      ]);
      expect(db.prepare('SELECT n, seq, incidents, key_id FROM audit_checkpoints').all()).toEqual([
        { n: 1, seq: 31, incidents: 2, key_id: testSigner.keyId },
      ]);
      // the update trigger is back
      expect(() => db.exec("UPDATE decision_log SET kind = 'x'")).toThrow(/append-only/);
      // the bot carries on writing on it, and the whole ledger verifies
      const service = new IncidentService(new IncidentStore(db, {}, testSigner), {
        playbook,
        ref: playbookRef,
      });
      const r = service.handle({
        key: 'after',
        incidentKey: 'INC-2026-0002',
        command: { type: 'log', text: 'after the upgrade' },
        actor: ic,
      });
      expect(r.ok).toBe(true);
      expect(verifyStored(db)).toMatchObject({ ok: true, entries: 32, incidents: 2, checkpoints: 2 });
    } finally {
      await db.close();
    }
  });

  it('refuses without the signing key, leaving the database at schema 4', async () => {
    const db = await release01OnPg();
    try {
      expect(() => migratePostgres(db)).toThrow(MigrationError);
      expect(() => migratePostgres(db)).toThrow(/needs the signing key/);
      expect(schemaVersion(db)).toBe(4);
      expect(tableExists(db, 'audit_checkpoints')).toBe(false);
    } finally {
      await db.close();
    }
  });

  it('refuses to build on an old log that is already broken, naming the entry', async () => {
    const db = await release01OnPg((old) => {
      old.exec('DROP TRIGGER decision_log_no_update');
      old
        .prepare(
          "UPDATE decision_log SET payload = replace(payload, 'Ingest', 'Egress') WHERE incident_key = 'INC-2026-0001' AND seq = 1",
        )
        .run();
    });
    try {
      expect(() => migratePostgres(db, undefined, { signer: testSigner })).toThrow(
        /The decision log is already broken, so the audit ledger cannot be built on it: INC-2026-0001 entry 1/,
      );
      expect(schemaVersion(db)).toBe(4);
      expect(tableExists(db, 'audit_checkpoints')).toBe(false);
      expect(db.prepare('SELECT count(*) AS n FROM decision_log').get()).toEqual({ n: 29 });
    } finally {
      await db.close();
    }
  });
});
