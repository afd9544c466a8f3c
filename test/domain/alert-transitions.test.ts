// One notification's effect on its alert group (issue 21): a new group and prompt, the same group updated
// by repeats, a declare only while undecided and firing, the incident told when the alert resolves, and a
// new occurrence when a settled, resolved group fires again.
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

  it('repeats update the same group, count notifications, and never declare a decided group again', () => {
    const s = alertStep(stored({ notifications: 4 }), alertNotification(), declareRule);
    expect(s.group).toMatchObject({ id: 'ALERT-1', version: 3, notifications: 5, channel: 'C_ALERTS' });
    expect(s.declare).toBe(false); // the stored group's own rule (prompt) stays
    const open = stored({ suggestion: declareRule.match.suggestion });
    expect(alertStep(open, alertNotification(), declareRule).declare).toBe(true); // not declared yet: now
    const declared = stored({
      suggestion: declareRule.match.suggestion,
      decision: { kind: 'declared', incident: 'INC-2026-0001', by: 'incident-bot', at: NOW.toISOString() },
    });
    expect(alertStep(declared, alertNotification(), declareRule).declare).toBe(false);
  });

  it('a resolved notification resolves the group and tells its incident', () => {
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
    expect(alertStep(stored(), resolvedNote, base).resolvedIncident).toBeUndefined();
    // firing again before anyone decided: the same group, no longer resolved
    const again = alertStep(stored({ status: 'resolved', resolvedAt: 'x' }), alertNotification(), base);
    expect(again.group.id).toBe('ALERT-1');
    expect(again.group.resolvedAt).toBeUndefined();
  });

  it('a settled, resolved group that fires again is a new occurrence; declared again only if its incident is over', () => {
    const done = stored({
      status: 'resolved',
      occurrence: 2,
      suggestion: declareRule.match.suggestion,
      decision: { kind: 'declared', incident: 'INC-2026-0001', by: 'incident-bot', at: NOW.toISOString() },
    });
    const s = alertStep(done, alertNotification(), declareRule);
    expect(s.group).toMatchObject({ id: '', occurrence: 3, notifications: 1, decision: { kind: 'open' } });
    expect(s.declare).toBe(true);
    const still = alertStep(done, alertNotification(), { ...declareRule, previousIncidentOpen: true });
    expect([still.declare, still.group.suggestion.mode]).toEqual([false, 'prompt']);
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
});
