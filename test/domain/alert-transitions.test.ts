// One notification's effect on its alert group (issue 21): a new group and prompt, the same group updated
// by repeats (never a declaration again), the incident told when the alert resolves, and a new occurrence
// whenever a resolved group fires again: superseding an undecided one, added to an incident still open.
import { describe, expect, it } from 'vitest';
import type { AlertGroup } from '../../src/domain/alert-group.js';
import { NO_RULE } from '../../src/domain/alert-rules.js';
import { type AlertContext, alertStep, summaryOf } from '../../src/domain/alert-transitions.js';
import { alertGroup, alertNotification } from '../helpers/alerts.js';

const NOW = new Date('2026-03-02T09:05:00Z');
const base: AlertContext = {
  match: { suggestion: NO_RULE },
  defaults: { platform: 'slack', channel: 'C_ALERTS' },
  now: NOW,
};
const declareRule: AlertContext = {
  ...base,
  match: {
    suggestion: { rule: 'd', triggerClass: 'service_outage', severe: true, mode: 'declare', notify: ['U1'] },
    channel: 'C_PAGE',
  },
};
const stored = (over: Partial<AlertGroup> = {}) => alertGroup({ id: 'ALERT-1', version: 3, ...over });
/** A firing notification of alerts that started at `at`. */
const startedAt = (at: string) =>
  alertNotification({ alerts: [{ ...alertNotification().alerts[0]!, startsAt: at }] });
const resolvedNote = alertNotification({
  status: 'resolved',
  alerts: [{ ...alertNotification().alerts[0]!, status: 'resolved', endsAt: '2026-03-02T09:04:00Z' }],
});

describe('alertStep', () => {
  it('a first notification is a new group in the default channel (no rule) or the rule’s channel', () => {
    const s = alertStep(null, alertNotification(), base);
    expect(s.declare).toBe(false);
    expect(s.group).toMatchObject({
      id: '',
      occurrence: 1,
      status: 'firing',
      summary: 'Pricing API error rate above 5%',
      startsAt: '2026-03-02T09:00:00.000Z',
      firstSeenAt: NOW.toISOString(),
      notifications: 1,
      channel: 'C_ALERTS',
      decision: { kind: 'open' },
      link: 'http://prometheus.example:9090/graph?g0.expr=up',
    });
    const d = alertStep(null, alertNotification(), declareRule);
    expect([d.declare, d.group.channel]).toEqual([true, 'C_PAGE']);
  });

  it('repeats update the same group, count notifications, and never declare again', () => {
    const s = alertStep(stored({ notifications: 4 }), alertNotification(), declareRule);
    expect(s.group).toMatchObject({ id: 'ALERT-1', version: 3, notifications: 5, channel: 'C_ALERTS' });
    expect(s.declare).toBe(false); // the stored group's own rule (prompt) stays
    // an undecided declare group (its declaration refused): a repeat does not try again
    const refused = stored({ suggestion: declareRule.match.suggestion, declareError: 'limit' });
    const again = alertStep(refused, alertNotification(), declareRule);
    expect([again.declare, again.group.declareError]).toEqual([false, 'limit']);
    const declared = stored({
      suggestion: declareRule.match.suggestion,
      decision: { kind: 'declared', incident: 'INC-2026-0001', by: 'incident-bot', at: NOW.toISOString() },
    });
    expect(alertStep(declared, alertNotification(), declareRule).declare).toBe(false);
  });

  it('a resolved notification resolves the group and tells its incident, once', () => {
    const attached = stored({
      decision: { kind: 'attached', incident: 'INC-2026-0002', by: 'U1', at: NOW.toISOString() },
    });
    const s = alertStep(attached, resolvedNote, base);
    expect(s.group).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-03-02T09:04:00.000Z',
      notifications: 2,
    });
    expect(s.resolvedIncident).toBe('INC-2026-0002');
    expect(alertStep(s.group, resolvedNote, base).resolvedIncident).toBeUndefined();
    expect(alertStep(stored(), resolvedNote, base).resolvedIncident).toBeUndefined();
  });

  it('an undecided group that resolved and fires again is a new occurrence, superseding the old prompt', () => {
    const was = stored({ status: 'resolved', resolvedAt: '2026-03-02T09:04:00.000Z' });
    const s = alertStep(was, startedAt('2026-03-02T09:04:30Z'), base);
    expect(s.group).toMatchObject({ id: '', occurrence: 2, notifications: 1, decision: { kind: 'open' } });
    expect(s.group.resolvedAt).toBeUndefined();
    expect(s.supersedes?.id).toBe('ALERT-1');
    expect(s.attachTo).toBeUndefined();
  });

  it('a settled, resolved group that fires again: added to its open incident, else declared again', () => {
    const done = stored({
      status: 'resolved',
      occurrence: 2,
      suggestion: declareRule.match.suggestion,
      decision: { kind: 'declared', incident: 'INC-2026-0001', by: 'incident-bot', at: NOW.toISOString() },
    });
    const s = alertStep(done, alertNotification(), declareRule);
    expect(s.group).toMatchObject({ id: '', occurrence: 3, notifications: 1, decision: { kind: 'open' } });
    expect([s.declare, s.attachTo, s.supersedes]).toEqual([true, undefined, undefined]);
    const open = alertStep(done, alertNotification(), { ...declareRule, openIncident: 'INC-2026-0001' });
    expect([open.declare, open.attachTo]).toEqual([false, 'INC-2026-0001']);
  });

  it('a group found by another route’s key keeps that key too; its new occurrence keeps both', () => {
    const other = alertNotification({ groupKey: '{}/{route="b"}:{alertname="HighErrorRate"}' });
    const s = alertStep(stored(), other, base);
    expect([s.group.id, s.group.groupKey, s.group.groupKeys]).toEqual([
      'ALERT-1',
      '{}:{alertname="HighErrorRate"}',
      [other.groupKey],
    ]);
    const next = alertStep({ ...s.group, status: 'resolved' }, alertNotification(), base);
    expect([next.group.groupKey, next.group.groupKeys]).toEqual([
      '{}:{alertname="HighErrorRate"}',
      [other.groupKey],
    ]);
  });

  it('keeps the real alert count and whether fields were cut', () => {
    const s = alertStep(null, alertNotification({ alertCount: 250, truncated: ['commonAnnotations'] }), base);
    expect([s.group.alertCount, s.group.truncated]).toEqual([250, true]);
    const later = alertStep({ ...s.group, id: 'ALERT-1' }, alertNotification(), base);
    expect([later.group.alertCount, later.group.truncated]).toEqual([1, undefined]);
  });

  it('summarises by the summary annotation, else the alert name and group labels', () => {
    expect(
      summaryOf(
        alertNotification({
          commonAnnotations: {},
          alerts: [],
          groupLabels: { alertname: 'DiskFull', instance: 'db1' },
          commonLabels: {},
        }),
      ),
    ).toBe('DiskFull (instance=db1)');
  });

  it('a late "firing" of alerts that started before the group resolved is only counted (an HA replica)', () => {
    const was = stored({ status: 'resolved', resolvedAt: '2026-03-02T09:04:00.000Z', notifications: 2 });
    const s = alertStep(was, startedAt('2026-03-02T09:00:00Z'), base);
    expect(s.group).toMatchObject({ id: 'ALERT-1', status: 'resolved', notifications: 3 });
    expect(s.group.resolvedAt).toBe('2026-03-02T09:04:00.000Z');
    expect([s.supersedes, s.attachTo, s.declare]).toEqual([undefined, undefined, false]);
  });

  it('a group that never resolved (send_resolved: false), settled, starts anew on an alert started since', () => {
    const dismissed = stored({
      lastSeenAt: '2026-03-02T09:02:00.000Z',
      decision: { kind: 'dismissed', by: 'U1', at: NOW.toISOString(), reason: 'noise' },
    });
    const fresh = startedAt('2026-03-02T09:03:00Z');
    expect(alertStep(dismissed, fresh, { ...base, settled: true }).group).toMatchObject({
      id: '',
      occurrence: 2,
      decision: { kind: 'open' },
    });
    // the same alert still firing (started before it was last seen), or the group not settled: the same one
    expect(alertStep(dismissed, startedAt('2026-03-02T09:00:00Z'), { ...base, settled: true }).group.id).toBe(
      'ALERT-1',
    );
    expect(alertStep(dismissed, fresh, base).group.id).toBe('ALERT-1');
  });

  it('a group with two keys resolves only once both have; its incident is told then', () => {
    const other = '{}/{route="b"}:{alertname="HighErrorRate"}';
    const attached = stored({
      decision: { kind: 'attached', incident: 'INC-2026-0002', by: 'U1', at: NOW.toISOString() },
    });
    const both = alertStep(attached, alertNotification({ groupKey: other }), base).group;
    const oneResolved = alertStep(both, { ...resolvedNote, groupKey: other }, base);
    expect(oneResolved.group.status).toBe('firing');
    expect(oneResolved.group.resolvedAt).toBeUndefined();
    expect(oneResolved.resolvedIncident).toBeUndefined();
    const allResolved = alertStep(oneResolved.group, resolvedNote, base);
    expect(allResolved.group).toMatchObject({ status: 'resolved', resolvedAt: '2026-03-02T09:04:00.000Z' });
    expect(allResolved.resolvedIncident).toBe('INC-2026-0002');
  });
});
