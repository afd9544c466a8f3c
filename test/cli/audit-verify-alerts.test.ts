// `audit verify` also holds the alert decision record (issue 21): every declared / added / dismissed alert
// group in the append-only, hash-chained alert_decisions. An edited reason, a deleted or re-ordered row
// exits 1 naming the record; the untouched one is counted in the OK.
import { beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-verify.js';
import { SqliteAlertStore } from '../../src/storage/sqlite/alert-store.js';
import { alertGroup } from '../helpers/alerts.js';
import { tampered } from '../helpers/attacker.js';
import { TEST_PUBKEY_FILE } from '../helpers/audit-key.js';
import { at, declareRequest } from '../helpers/scenario.js';
import { openStack, tempDb } from '../helpers/store.js';

const verify = (dbPath: string) => auditVerify({ dbPath, pubkeys: [TEST_PUBKEY_FILE] });
let file: string;

beforeAll(() => {
  file = tempDb();
  const s = openStack(file);
  const r = s.service.handle(declareRequest('a', { now: at(0), title: 'Ingest down' }));
  if (!r.ok) throw new Error(r.error.message);
  const alerts = new SqliteAlertStore(s.db);
  for (const [n, reason] of [
    [1, 'planned maintenance'],
    [2, 'known flapping check'],
  ] as const) {
    const g = alerts.save(alertGroup({ groupKey: `k${n}` }), at(n));
    alerts.save(
      { ...g, decision: { kind: 'dismissed', by: 'U_ANA', at: at(n).toISOString(), reason } },
      at(n),
    );
  }
  s.close();
});

describe('audit verify: the alert decision record', () => {
  it('holds untouched, and says so', () => {
    const r = verify(file);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/Alert decisions: 2 records verified \(hash chain\), head [0-9a-f]{64}/);
  });

  it('an edited dismissal reason is caught', () => {
    const f = tampered(file, (db) => {
      db.exec('DROP TRIGGER alert_decisions_no_update');
      db.prepare("UPDATE alert_decisions SET reason = 'real incident, hidden' WHERE seq = 1").run();
    });
    const r = verify(f);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain(
      'FAILED: alert decision 1: hash does not match the entry (the row was edited)',
    );
  });

  it('a deleted decision is caught', () => {
    const f = tampered(file, (db) => {
      db.exec('DROP TRIGGER alert_decisions_no_delete');
      db.prepare('DELETE FROM alert_decisions WHERE seq = 1').run();
    });
    const r = verify(f);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toMatch(/alert decision 2: expected seq 1, found 2/);
  });
});
