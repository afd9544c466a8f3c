// `audit verify` also holds the alert decisions (issue 21): each decision on an alert group (declared,
// added, dismissed) is an entry of the group's own chain (ALERT-<n>) in the one signed ledger, and each
// group's stored decision (alert_groups.state) must be the one its chain recorded last. A rewritten entry
// (even with both hash chains recomputed), a deleted tail, an edited or reverted stored decision, or a
// deleted group exits 1; the untouched database is OK, also with alerts and no incident at all.
import { beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-verify.js';
import { SqliteAlertStore } from '../../src/storage/sqlite/alert-store.js';
import { alertGroup } from '../helpers/alerts.js';
import { rechain, tampered } from '../helpers/attacker.js';
import { TEST_PUBKEY_FILE } from '../helpers/audit-key.js';
import { at, declareRequest } from '../helpers/scenario.js';
import { openStack, tempDb } from '../helpers/store.js';

const verify = (dbPath: string) => auditVerify({ dbPath, pubkeys: [TEST_PUBKEY_FILE] });
let file: string;
let alertsOnly: string;

/** Two alert groups dismissed, in a database with (or without) an incident. */
function build(withIncident: boolean): string {
  const f = tempDb();
  const s = openStack(f);
  if (withIncident) {
    const r = s.service.handle(declareRequest('a', { now: at(0), title: 'Ingest down' }));
    if (!r.ok) throw new Error(r.error.message);
  }
  const alerts = new SqliteAlertStore(s.db, { ledger: s.store });
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
  return f;
}

/** Sets ALERT-1's stored decision (alert_groups.state) to `decision`. */
const setDecision = (decision: object) =>
  tampered(file, (db) => {
    const { state } = db.prepare("SELECT state FROM alert_groups WHERE id = 'ALERT-1'").get() as {
      state: string;
    };
    db.prepare("UPDATE alert_groups SET state = ? WHERE id = 'ALERT-1'").run(
      JSON.stringify({ ...JSON.parse(state), decision }),
    );
  });

beforeAll(() => {
  file = build(true);
  alertsOnly = build(false);
});

describe('audit verify: alert decisions in the ledger', () => {
  it('holds untouched, and says so', () => {
    const r = verify(file);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('in 1 incident verified');
    expect(r.output).toContain('Alert groups: 2 decision chains verified');
    expect(r.output).toMatch(/ALERT-1: 1 entry, head [0-9a-f]{64}/);
  });

  it('holds a database with alert decisions and no incident', () => {
    const r = verify(alertsOnly);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('in 0 incidents verified');
  });

  it('a decision entry rewritten, both chains recomputed, breaks the signed checkpoint', () => {
    const f = tampered(file, (db) => {
      const row = db.prepare("SELECT id, payload FROM decision_log WHERE incident_key = 'ALERT-1'").get() as {
        id: number;
        payload: string;
      };
      const p = { ...JSON.parse(row.payload), reason: 'real incident, hidden' };
      db.prepare('UPDATE decision_log SET payload = ? WHERE id = ?').run(JSON.stringify(p), row.id);
      rechain(db);
    });
    const r = verify(f);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toMatch(/checkpoint #\d+ signed global entry \d+ as/);
  });

  it('a deleted decision (the tail) is caught', () => {
    const f = tampered(file, (db) => {
      db.prepare("DELETE FROM decision_log WHERE incident_key = 'ALERT-2'").run();
    });
    const r = verify(f);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toMatch(/log ends at global entry|ALERT-2/);
  });

  it('an edited stored decision (alert_groups.state) is caught', () => {
    const r = verify(
      setDecision({ kind: 'dismissed', by: 'U_ANA', at: at(1).toISOString(), reason: 'something else' }),
    );
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain(
      'FAILED: ALERT-1: its stored decision (dismissed) is not the one its decision log recorded',
    );
  });

  it('a stored decision reverted to open is caught', () => {
    const r = verify(setDecision({ kind: 'open' }));
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain(
      'ALERT-1: its stored decision (open) is not the one its decision log recorded',
    );
  });

  it('a deleted alert group is caught', () => {
    const f = tampered(file, (db) => {
      db.exec('PRAGMA foreign_keys = OFF');
      db.prepare("DELETE FROM alert_notifications WHERE alert_id = 'ALERT-2'").run();
      db.prepare("DELETE FROM alert_lookup WHERE alert_id = 'ALERT-2'").run();
      db.prepare("DELETE FROM alert_groups WHERE id = 'ALERT-2'").run();
    });
    const r = verify(f);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain('the log has decisions for ALERT-2, which is not in the alert_groups table');
  });
});
