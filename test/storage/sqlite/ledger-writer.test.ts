// The ledger as the store writes it: one signed checkpoint per transaction that appends (none for a
// refusal), the state digest on every entry, recorded time that never goes back, and no signature over
// a log that ends past its last checkpoint. On both databases.
import { afterAll, describe, expect, it } from 'vitest';
import { IncidentService } from '../../../src/app/incident-service.js';
import { stateDigest } from '../../../src/domain/audit/ledger.js';
import type { Db } from '../../../src/storage/sql-db.js';
import { IncidentStore } from '../../../src/storage/sqlite/incident-store.js';
import { IntegrityError, LedgerWriter } from '../../../src/storage/sqlite/ledger-writer.js';
import { testSigner } from '../../helpers/audit-key.js';
import { backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { at, declareRequest, ic, playbook, playbookRef } from '../../helpers/scenario.js';

const count = (db: Db, sql: string) => (db.prepare(sql).get() as { n: number }).n;

afterAll(dropPgDatabases);

describe.each(backends)('the ledger writer on $name', (backend) => {
  it('signs one checkpoint per transaction that appends, over the head it just wrote', async () => {
    const s = await backend.open();
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
    await s.close();
  });

  it('carries the digest of the state after each command, and keeps the per-field digest beside it', async () => {
    const s = await backend.open();
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
    await s.close();
  });

  it('never records a time earlier than the entry before, even when the clock goes back', async () => {
    const s = await backend.open();
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
    await s.close();
  });

  it('will not sign over a log with entries and no checkpoint (written without the key)', async () => {
    const db = await backend.openDb();
    const plain = new IncidentService(new IncidentStore(db), { playbook, ref: playbookRef });
    expect(plain.handle(declareRequest('d', { now: at(0) })).ok).toBe(true);
    const before = count(db, 'SELECT count(*) AS n FROM decision_log');
    const signed = new IncidentService(new IncidentStore(db, {}, testSigner), { playbook, ref: playbookRef });
    expect(() => signed.handle(declareRequest('e', { now: at(1) }))).toThrow(IntegrityError);
    expect(count(db, 'SELECT count(*) AS n FROM decision_log')).toBe(before);
    await db.close();
  });

  it('counts the alert chains (ALERT-<n>) into a checkpoint signed over the log as it stands', async () => {
    const s = await backend.open();
    const d = s.service.handle(declareRequest('d', { now: at(0) }));
    if (!d.ok) throw new Error('declare');
    // Counted by a range of keys (no LIKE): byte order on both databases ("C" collation on PostgreSQL).
    for (const key of ['ALERT-1', 'ALERT-2', 'ALERT-10', 'ALERT-2'])
      s.store.appendSystemLog(key, [{ type: 'log', kind: 'note', payload: { text: key } }], at(1), null, {
        key,
      });
    const writer = new LedgerWriter(s.db, testSigner);
    const c = s.db.transaction(() => writer.signHead()).immediate();
    expect(c?.incidents).toBe(1 + 3);
    // and the writer in the store, counting on from its last checkpoint, agrees
    const last = s.db.prepare('SELECT incidents FROM audit_checkpoints WHERE n = ?').get(c!.n - 1) as {
      incidents: number;
    };
    expect(last.incidents).toBe(c!.incidents);
    await s.close();
  });
});
