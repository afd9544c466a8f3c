// The alert intake (issue 21) over real storage: a `declare` rule declares once per group occurrence as the
// bot, with the people to notify members from the declaration itself, all in one transaction with the
// group's decision; a refused declaration leaves the prompt open, says why, and is not tried again; a group
// firing again is a new occurrence, added by the bot to its incident while that is open; the same alert
// through another route updates the same group; repeats keep no raw body; a flood of new groups is refused.
import { describe, expect, it } from 'vitest';
import { AlertFloodError, AlertIntake } from '../../src/app/alert-intake.js';
import type { AlertStore } from '../../src/app/alert-ports.js';
import { IncidentService } from '../../src/app/incident-service.js';
import type { AlertGroup } from '../../src/domain/alert-group.js';
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

function setup(
  o: { rules?: AlertRuleDef[]; maxNewGroupsPerMinute?: number; store?: (s: AlertStore) => AlertStore } = {},
) {
  const db = openDatabase(tempDb());
  const store = new IncidentStore(db, {}, testSigner);
  const outbox = new OutboxStore(db);
  const service = new IncidentService(store, {
    playbook: { ...playbook, alertRules: o.rules ?? [declareRule] },
    ref: playbookRef,
  });
  const app = incidentApp({ db, service, outbox, dispatcher: { kick() {} } });
  const alerts = new SqliteAlertStore(db, { ledger: store });
  const intake = new AlertIntake({
    store: o.store ? o.store(alerts) : alerts,
    app,
    platform: 'slack',
    channel: 'C_ALERTS',
    dispatcher: { kick() {} },
    ...(o.maxNewGroupsPerMinute ? { maxNewGroupsPerMinute: o.maxNewGroupsPerMinute } : {}),
  });
  return { db, store, alerts, intake, outbox };
}

/** The alert firing again: started after it resolved (09:30; a late copy of the old "firing" is counted). */
const firingAgain = () =>
  alertNotification({ alerts: [{ ...alertNotification().alerts[0]!, startsAt: '2026-03-02T09:40:00Z' }] });

const resolvedNote = () =>
  alertNotification({
    status: 'resolved',
    alerts: [{ ...alertNotification().alerts[0]!, status: 'resolved', endsAt: '2026-03-02T09:30:00Z' }],
  });

/** Another alert of its own (its own group key and fingerprint). */
const otherAlert = (name: string) => {
  const n = alertNotification();
  return alertNotification({
    groupKey: `{}:{alertname="${name}"}`,
    alerts: [{ ...n.alerts[0]!, fingerprint: `fp-${name}` }],
  });
};

describe('AlertIntake', () => {
  it('declares once as the bot: the first to notify commanding, the others members by the declaration itself', () => {
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
    // one command: declared, the alert as evidence, the commander, the member added (and invited)
    const log = s.store.logEntries(inc.key);
    expect(new Set(log.map((e) => e.command_key))).toEqual(new Set([`alert:${first.alert}:declare`]));
    expect(log.filter((e) => e.kind === 'member').map((e) => JSON.parse(e.payload))).toEqual([
      { kind: 'added', user: 'U_SECOND', by: BOT_ID },
    ]);
    expect(s.outbox.pending().some((r) => r.body.kind === 'invite' && r.body.user === 'U_SECOND')).toBe(true);
    expect(s.alerts.get(first.alert)?.decision).toMatchObject({
      kind: 'declared',
      incident: inc.key,
      by: BOT_ID,
    });
    s.db.close();
  });

  it('stores the declaration and the group’s decision together: a failure leaves neither', () => {
    let failDecision = true;
    const s = setup({
      store: (real) => ({
        ...real,
        get: (id) => real.get(id),
        byGroupKey: (src, key) => real.byGroupKey(src, key),
        byFingerprints: (src, fps) => real.byFingerprints!(src, fps),
        latestNotification: (id) => real.latestNotification!(id),
        createdSince: (at) => real.createdSince!(at),
        save: (g: AlertGroup, now, o) => {
          if (failDecision && g.decision.kind === 'declared') throw new Error('disk full');
          return real.save(g, now, o);
        },
      }),
    });
    expect(() => s.intake.receive(alertNotification())).toThrow('disk full');
    expect(s.store.listOpen()).toHaveLength(0);
    expect(s.alerts.byGroupKey('alertmanager', alertNotification().groupKey)).toBeNull();
    expect(s.outbox.pending()).toHaveLength(0);
    // retried by Alertmanager (a 503): declared once, the group settled
    failDecision = false;
    const r = s.intake.receive(alertNotification());
    expect(r.incident).toMatch(/^INC-/);
    expect(s.alerts.get(r.alert)?.decision.kind).toBe('declared');
    s.db.close();
  });

  it('a refused declaration keeps the prompt open, says why, and is not tried again on repeats', () => {
    const s = setup();
    s.intake.receive(alertNotification());
    // another alert with the same summary within minutes: the core refuses a second incident of that title
    const r = s.intake.receive(otherAlert('Twin'));
    expect(r.incident).toBeUndefined();
    const g = s.alerts.get(r.alert)!;
    expect(g.decision).toEqual({ kind: 'open' });
    expect(g.declareError).toMatch(/with this title/);
    const version = g.version;
    s.intake.receive(otherAlert('Twin'));
    // one save for the repeat (no declaration run and refused again, no second save)
    expect(s.alerts.get(r.alert)).toMatchObject({ version: version + 1, notifications: 2 });
    expect(s.store.listOpen()).toHaveLength(1);
    s.db.close();
  });

  it('fires again while its incident is open: a new occurrence the bot adds to that incident', () => {
    const s = setup();
    const first = s.intake.receive(alertNotification());
    expect(s.intake.receive(resolvedNote())).toEqual(first);
    expect(s.store.get(first.incident!)!.alerts?.[0]).toMatchObject({ status: 'resolved' });
    const next = s.intake.receive(firingAgain());
    expect(next.alert).not.toBe(first.alert);
    expect(next.incident).toBe(first.incident);
    expect(s.alerts.get(next.alert)).toMatchObject({
      occurrence: 2,
      decision: { kind: 'attached', incident: first.incident, by: BOT_ID, again: true },
    });
    const inc = s.store.get(first.incident!)!;
    expect(inc.alerts?.map((a) => [a.id, a.status])).toEqual([
      [first.alert, 'resolved'],
      [next.alert, 'firing'],
    ]);
    const entry = s.store
      .logEntries(inc.key)
      .map((e) => ({ kind: e.kind, payload: JSON.parse(e.payload) }))
      .find((e) => e.kind === 'alert' && e.payload.kind === 'firing_again');
    expect(entry?.payload).toMatchObject({ alert: next.alert, previous: first.alert, status: 'firing' });
    expect(s.outbox.pending().some((r) => r.key.endsWith(`alert:${next.alert}:firing_again`))).toBe(true);
    expect(s.store.listOpen()).toHaveLength(1);
    s.db.close();
  });

  it('an undecided alert that resolved and fires again is a new prompt; the old one points to it', () => {
    const s = setup({ rules: [] });
    const first = s.intake.receive(alertNotification());
    s.intake.receive(resolvedNote());
    const next = s.intake.receive(firingAgain());
    expect(next.alert).not.toBe(first.alert);
    expect(s.alerts.get(first.alert)?.supersededBy).toBe(next.alert);
    expect(s.alerts.get(next.alert)).toMatchObject({
      occurrence: 2,
      status: 'firing',
      decision: { kind: 'open' },
    });
    s.db.close();
  });

  it('the same alert through another route updates the same group (its key remembered), no second incident', () => {
    const s = setup();
    const first = s.intake.receive(alertNotification());
    const other = alertNotification({ groupKey: '{}/{team="b"}:{alertname="HighErrorRate"}' });
    expect(s.intake.receive(other)).toEqual(first);
    expect(s.alerts.get(first.alert)?.groupKeys).toEqual([other.groupKey]);
    // and the other route's next notification finds it by that key
    expect(s.alerts.byGroupKey('alertmanager', other.groupKey)?.id).toBe(first.alert);
    expect(s.store.listOpen()).toHaveLength(1);
    s.db.close();
  });

  it('merges another route only when all its alerts are among the group’s current ones', () => {
    const s = setup({ rules: [] });
    const first = s.intake.receive(alertNotification());
    const fp = (f: string) => ({ ...alertNotification().alerts[0]!, fingerprint: f });
    // one alert shared, one not: unrelated enough to be prompted on its own
    const mixed = alertNotification({ groupKey: 'route-b', alerts: [fp('fp1'), fp('fpX')] });
    expect(s.intake.receive(mixed).alert).not.toBe(first.alert);
    // the group's alerts change (fp1 left it): fp1 through a third route no longer finds it
    s.intake.receive(alertNotification({ alerts: [fp('fp2')] }));
    const lookups = s.db
      .prepare("SELECT value FROM alert_lookup WHERE alert_id = ? AND kind = 'fingerprint'")
      .all(first.alert);
    expect(lookups).toEqual([{ value: 'fp2' }]);
    const third = alertNotification({ groupKey: 'route-c', alerts: [fp('fp1')] });
    const r = s.intake.receive(third);
    expect([r.alert === first.alert, r.alert === s.intake.receive(mixed).alert]).toEqual([false, true]);
    s.db.close();
  });

  it('keeps the raw body on the first notification and each change of status, not on repeats', () => {
    const s = setup({ rules: [] });
    const { alert } = s.intake.receive(alertNotification());
    for (let n = 0; n < 3; n++) s.intake.receive(alertNotification());
    expect(s.alerts.notifications(alert)).toHaveLength(1);
    expect(s.alerts.get(alert)?.notifications).toBe(4);
    s.intake.receive(resolvedNote());
    expect(s.alerts.notifications(alert).map((n) => n.status)).toEqual(['firing', 'resolved']);
    s.db.close();
  });

  it('refuses new groups beyond the limit per minute (nothing stored); repeats still count', () => {
    const s = setup({ rules: [], maxNewGroupsPerMinute: 2 });
    const a = s.intake.receive(otherAlert('A'));
    s.intake.receive(otherAlert('B'));
    expect(() => s.intake.receive(otherAlert('C'))).toThrow(AlertFloodError);
    expect(s.alerts.byGroupKey('alertmanager', otherAlert('C').groupKey)).toBeNull();
    expect(s.intake.receive(otherAlert('A'))).toEqual(a);
    s.db.close();
  });

  it('never refuses (nor counts) the alerts that matter: a severe or declare rule’s, one into an open incident', () => {
    const severe = {
      name: 'sev',
      match: { service: 'pricing' },
      severe: true,
      mode: 'prompt' as const,
      notify: [],
    };
    const s = setup({ rules: [severe], maxNewGroupsPerMinute: 1 });
    const minor = (name: string) => ({ ...otherAlert(name), commonLabels: { alertname: name } });
    s.intake.receive(minor('A'));
    expect(() => s.intake.receive(minor('B'))).toThrow(AlertFloodError);
    // severe (the rule matches service=pricing): taken beyond the limit, several times
    for (const name of ['S1', 'S2']) expect(s.intake.receive(otherAlert(name)).alert).toMatch(/^ALERT-\d+$/);
    expect(() => s.intake.receive(minor('C'))).toThrow(AlertFloodError);
    s.db.close();
    // a declare rule's alert firing again into its open incident, beyond the limit
    const d = setup({ maxNewGroupsPerMinute: 1 });
    const first = d.intake.receive(alertNotification());
    d.intake.receive(resolvedNote());
    expect(d.intake.receive(firingAgain()).incident).toBe(first.incident);
    d.db.close();
  });
});
