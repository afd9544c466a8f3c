// The ledger as the store writes it: one signed checkpoint per transaction that appends (none for a
// refusal), the state digest on every entry, recorded time that never goes back, and no signature over
// a log that ends past its last checkpoint.
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { IncidentService } from '../../../src/app/incident-service.js';
import { stateDigest } from '../../../src/domain/audit/ledger.js';
import { IncidentStore } from '../../../src/storage/sqlite/incident-store.js';
import { IntegrityError } from '../../../src/storage/sqlite/ledger-writer.js';
import { openDatabase } from '../../../src/storage/sqlite/open-database.js';
import { testSigner } from '../../helpers/audit-key.js';
import { at, declareRequest, ic, playbook, playbookRef } from '../../helpers/scenario.js';
import { openStack, tempDb } from '../../helpers/store.js';

const count = (db: Database.Database, sql: string) => (db.prepare(sql).get() as { n: number }).n;

describe('the ledger writer', () => {
  it('signs one checkpoint per transaction that appends, over the head it just wrote', () => {
    const s = openStack(tempDb());
    const d = s.service.handle(declareRequest('d', { now: at(0) }));
    if (!d.ok) throw new Error('declare');
    expect(count(s.db, 'SELECT count(*) AS n FROM audit_checkpoints')).toBe(1);
    s.service.handle({
      key: 'c',
      incidentKey: d.incident.key,
      command: { type: 'claim_role', role: 'scribe' },
      actor: ic,
      now: at(1),
    });
    // a refusal (the IC cannot close during detection) writes no entry and signs nothing
    const refused = s.service.handle({
      key: 'x',
      incidentKey: d.incident.key,
      command: { type: 'close', confirmed: [], fields: {} },
      actor: ic,
      now: at(2),
    });
    expect(refused.ok).toBe(false);
    expect(count(s.db, 'SELECT count(*) AS n FROM audit_checkpoints')).toBe(2);
    const last = s.db
      .prepare('SELECT n, seq, head, at FROM audit_checkpoints ORDER BY n DESC LIMIT 1')
      .get() as {
      n: number;
      seq: number;
      head: string;
      at: string;
    };
    const head = s.db
      .prepare('SELECT gseq, ghash, recorded_at FROM decision_log ORDER BY gseq DESC LIMIT 1')
      .get() as {
      gseq: number;
      ghash: string;
      recorded_at: string;
    };
    expect(last).toEqual({ n: 2, seq: head.gseq, head: head.ghash, at: head.recorded_at });
    s.close();
  });

  it('carries the digest of the state after each command, and keeps the per-field digest beside it', () => {
    const s = openStack(tempDb());
    const d = s.service.handle(declareRequest('d', { now: at(0) }));
    if (!d.ok) throw new Error('declare');
    const { hash, fields } = stateDigest(s.store.get(d.incident.key)!);
    const row = s.db
      .prepare('SELECT state_hash FROM decision_log WHERE incident_key = ? ORDER BY seq DESC LIMIT 1')
      .get(d.incident.key);
    expect(row).toEqual({ state_hash: hash });
    const kept = s.db.prepare('SELECT state_digest FROM incidents WHERE key = ?').get(d.incident.key) as {
      state_digest: string;
    };
    expect(JSON.parse(kept.state_digest)).toEqual(fields);
    s.close();
  });

  it('never records a time earlier than the entry before, even when the clock goes back', () => {
    const s = openStack(tempDb());
    const d = s.service.handle(declareRequest('d', { now: at(10) }));
    if (!d.ok) throw new Error('declare');
    s.service.handle({
      key: 'back',
      incidentKey: d.incident.key,
      command: { type: 'log', text: 'clock stepped back' },
      actor: ic,
      now: at(5),
    });
    const times = (
      s.db.prepare('SELECT recorded_at FROM decision_log ORDER BY gseq').all() as { recorded_at: string }[]
    ).map((r) => r.recorded_at);
    expect(times.at(-1)).toBe(at(10).toISOString());
    expect([...times].sort()).toEqual(times);
    s.close();
  });

  it('will not sign over a log with entries and no checkpoint (written without the key)', () => {
    const file = tempDb();
    const unsigned = openDatabase(file);
    const plain = new IncidentService(new IncidentStore(unsigned), { playbook, ref: playbookRef });
    expect(plain.handle(declareRequest('d', { now: at(0) })).ok).toBe(true);
    unsigned.close();
    const db = openDatabase(file);
    const before = count(db, 'SELECT count(*) AS n FROM decision_log');
    const signed = new IncidentService(new IncidentStore(db, {}, testSigner), { playbook, ref: playbookRef });
    expect(() => signed.handle(declareRequest('e', { now: at(1) }))).toThrow(IntegrityError);
    expect(count(db, 'SELECT count(*) AS n FROM decision_log')).toBe(before);
    db.close();
  });
});
