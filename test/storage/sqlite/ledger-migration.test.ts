// Migration 005 on a database written by release 0.1 (test/fixtures/databases/release-0.1.sql, made by
// that release: schema 4, two incidents, 29 entries): the ledger is built over the verified old chains,
// each incident gets an entry carrying its state digest, the first checkpoint is signed, and the bot goes
// on writing. A broken old log, or no key, is refused with a sentence and leaves the file as it was.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { IncidentService } from '../../../src/app/incident-service.js';
import { auditVerify } from '../../../src/cli/audit-verify.js';
import { runCli } from '../../../src/cli/main.js';
import { IncidentStore } from '../../../src/storage/sqlite/incident-store.js';
import { MigrationError, schemaVersion } from '../../../src/storage/sqlite/migrate.js';
import { openDatabase } from '../../../src/storage/sqlite/open-database.js';
import { release01 } from '../../fixtures/databases/release-0.1.js';
import { TEST_KEY_FILE, TEST_PUBKEY_FILE, testSigner } from '../../helpers/audit-key.js';
import { ic, playbook, playbookRef } from '../../helpers/scenario.js';

function copy(): string {
  return release01(path.join(mkdtempSync(path.join(tmpdir(), 'incident-bot-migrate-')), 'old.db'));
}

const oldRows = () => {
  const db = new Database(copy(), { readonly: true });
  try {
    return db.prepare('SELECT id, incident_key, seq, hash FROM decision_log ORDER BY id').all() as {
      id: number;
      incident_key: string;
      seq: number;
      hash: string;
    }[];
  } finally {
    db.close();
  }
};

describe('migration 005: the audit ledger over a release 0.1 database', () => {
  it('links the old entries unchanged, adds one state entry per incident, signs, and verifies', () => {
    const f = copy();
    const db = openDatabase(f, { signer: testSigner });
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(5);
    const before = oldRows();
    expect(before.length).toBe(29);
    const after = db
      .prepare('SELECT id, incident_key, seq, hash, gseq, kind FROM decision_log ORDER BY gseq')
      .all() as {
      id: number;
      incident_key: string;
      seq: number;
      hash: string;
      gseq: number;
      kind: string;
    }[];
    // the old entries, in the order they were written, keep their hashes; then one audit_ledger entry each
    expect(after.slice(0, 29).map((r) => [r.id, r.hash])).toEqual(before.map((r) => [r.id, r.hash]));
    expect(after.map((r) => r.gseq)).toEqual(after.map((_, n) => n + 1));
    expect(after.slice(29).map((r) => [r.incident_key, r.kind])).toEqual([
      ['INC-2026-0001', 'audit_ledger'],
      ['INC-2026-0002', 'audit_ledger'],
    ]);
    const cps = db.prepare('SELECT n, seq, incidents, key_id FROM audit_checkpoints').all();
    expect(cps).toEqual([{ n: 1, seq: 31, incidents: 2, key_id: testSigner.keyId }]);
    // the bot carries on writing on it
    const store = new IncidentStore(db, {}, testSigner);
    const service = new IncidentService(store, { playbook, ref: playbookRef });
    const r = service.handle({
      key: 'after',
      incidentKey: 'INC-2026-0002',
      command: { type: 'log', text: 'after the upgrade' },
      actor: ic,
    });
    expect(r.ok).toBe(true);
    db.close();
    const v = auditVerify({ dbPath: f, pubkeys: [TEST_PUBKEY_FILE] });
    expect(v.code, v.output).toBe(0);
    expect(v.output).toMatch(/^OK: 32 entries in 2 incidents verified, with 2 signed checkpoints/);
  });

  it('refuses without the signing key, leaving the database at schema 4', () => {
    const f = copy();
    expect(() => openDatabase(f)).toThrow(MigrationError);
    expect(() => openDatabase(f)).toThrow(/needs the signing key: set AUDIT_SIGNING_KEY_FILE/);
    const db = new Database(f, { readonly: true });
    expect(schemaVersion(db)).toBe(4);
    db.close();
    // The copy taken before migrating is removed with the failed migration: the database did not change.
    expect(readdirSync(path.dirname(f)).filter((n) => n.includes('.pre-v'))).toEqual([]);
  });

  it('a successful migration leaves the database as it was in <db>.pre-v<N>-<time>', () => {
    const f = copy();
    const copies: string[] = [];
    openDatabase(f, { signer: testSigner, onBackup: (c) => copies.push(c) }).close();
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(/old\.db\.pre-v\d+-\d{8}T\d{6}Z$/);
    const before = new Database(copies[0]!, { readonly: true });
    expect(schemaVersion(before)).toBe(4);
    before.close();
  });

  it('refuses to build on an old log that is already broken, naming the entry', () => {
    const f = copy();
    const raw = new Database(f);
    raw.exec('DROP TRIGGER decision_log_no_update');
    raw
      .prepare(
        "UPDATE decision_log SET payload = replace(payload, 'Ingest', 'Egress') WHERE incident_key = 'INC-2026-0001' AND seq = 1",
      )
      .run();
    raw.close();
    expect(() => openDatabase(f, { signer: testSigner })).toThrow(
      /The decision log is already broken, so the audit ledger cannot be built on it: INC-2026-0001 entry 1/,
    );
    const db = new Database(f, { readonly: true });
    expect(schemaVersion(db)).toBe(4);
    expect(
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'audit_checkpoints'").get(),
    ).toEqual({ n: 0 });
    db.close();
  });

  it('`incident-bot migrate` takes the key from AUDIT_SIGNING_KEY_FILE', async () => {
    const f = copy();
    const r = await runCli(['migrate', '--db', f], { AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/applied 5/);
    expect(auditVerify({ dbPath: f, pubkeys: [TEST_PUBKEY_FILE] }).code).toBe(0);
    // in production there is no development key to fall back on
    const g = copy();
    const p = await runCli(['migrate', '--db', g], { NODE_ENV: 'production' });
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('AUDIT_SIGNING_KEY_FILE is required in production');
  });
});
