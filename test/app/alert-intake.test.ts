// The alert intake (issue 21) over real storage: a `declare` rule declares once per group occurrence as the
// bot; a declaration the core refuses leaves the prompt open and says why; a group firing again after it
// resolved and was settled is a new occurrence, only prompted while its incident is still open.
import { describe, expect, it } from 'vitest';
import { AlertIntake } from '../../src/app/alert-intake.js';
import { IncidentService } from '../../src/app/incident-service.js';
import type { AlertRuleDef } from '../../src/domain/alert-rules.js';
import { BOT_ID } from '../../src/domain/text.js';
import { SqliteAlertStore } from '../../src/storage/sqlite/alert-store.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { openDatabase } from '../../src/storage/sqlite/open-database.js';
import { OutboxStore } from '../../src/storage/sqlite/outbox-store.js';
import { alertNotification } from '../helpers/alerts.js';
import { testSigner } from '../helpers/audit-key.js';
import { playbook, playbookRef } from '../helpers/scenario.js';
import { tempDb } from '../helpers/store.js';
import { incidentApp } from '../support/incident-app.js';

const declareRule: AlertRuleDef = {
  name: 'pricing',
  match: { service: 'pricing' },
  triggerClass: 'service_outage',
  severe: true,
  mode: 'declare',
  notify: ['U_ONCALL', 'U_SECOND'],
};

function setup() {
  const db = openDatabase(tempDb());
  const store = new IncidentStore(db, {}, testSigner);
  const outbox = new OutboxStore(db);
  const service = new IncidentService(store, {
    playbook: { ...playbook, alertRules: [declareRule] },
    ref: playbookRef,
  });
  const app = incidentApp({ db, service, outbox, dispatcher: { kick() {} } });
  const alerts = new SqliteAlertStore(db);
  const intake = new AlertIntake({
    store: alerts,
    app,
    platform: 'slack',
    channel: 'C_ALERTS',
    dispatcher: { kick() {} },
  });
  return { db, store, alerts, intake };
}

describe('AlertIntake', () => {
  it('declares once as the bot, the first to notify commanding, the others invited', () => {
    const s = setup();
    const first = s.intake.receive(alertNotification());
    const again = s.intake.receive(alertNotification());
    expect(again).toEqual(first);
    expect(s.store.listOpen()).toHaveLength(1);
    const inc = s.store.get(first.incident!)!;
    expect([inc.declaredBy, inc.roles.commander, inc.members]).toEqual([
      BOT_ID,
      ['U_ONCALL'],
      [BOT_ID, 'U_ONCALL', 'U_SECOND'],
    ]);
    expect(s.alerts.get(first.alert)?.decision).toMatchObject({
      kind: 'declared',
      incident: inc.key,
      by: BOT_ID,
    });
    s.db.close();
  });

  it('a refused declaration keeps the prompt open and says why', () => {
    const s = setup();
    s.intake.receive(alertNotification());
    // another group with the same summary within minutes: the core refuses a second incident of that title
    const r = s.intake.receive(alertNotification({ groupKey: 'other-group' }));
    expect(r.incident).toBeUndefined();
    const g = s.alerts.get(r.alert)!;
    expect(g.decision).toEqual({ kind: 'open' });
    expect(g.declareError).toMatch(/with this title/);
    expect(s.store.listOpen()).toHaveLength(1);
    s.db.close();
  });

  it('fires again after it resolved: a new occurrence, prompted (not declared) while the incident is open', () => {
    const s = setup();
    const first = s.intake.receive(alertNotification());
    const resolved = alertNotification({
      status: 'resolved',
      alerts: [{ ...alertNotification().alerts[0]!, status: 'resolved', endsAt: '2026-03-02T09:30:00Z' }],
    });
    expect(s.intake.receive(resolved)).toEqual(first);
    expect(s.store.get(first.incident!)!.alerts?.[0]).toMatchObject({ status: 'resolved' });
    const next = s.intake.receive(alertNotification());
    expect(next.alert).not.toBe(first.alert);
    expect(next.incident).toBeUndefined();
    expect(s.alerts.get(next.alert)).toMatchObject({ occurrence: 2, decision: { kind: 'open' } });
    expect(s.alerts.get(next.alert)?.suggestion.mode).toBe('prompt');
    expect(s.store.listOpen()).toHaveLength(1);
    s.db.close();
  });
});
