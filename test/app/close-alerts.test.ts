// The close form's alerts (issue 21): resolved ones are evidence for the closure criterion "impact has
// ceased" with their times, one still firing is a warning; an incident without alerts shows nothing more.
import { describe, expect, it } from 'vitest';
import { closeAlertLines, impactCeasedCriterion, withCloseAlerts } from '../../src/app/forms/close-alerts.js';
import type { Incident } from '../../src/domain/incident.js';
import { plainText } from '../../src/domain/text.js';
import type { FormView } from '../../src/views/form.js';
import { declared, playbook } from '../helpers/scenario.js';

const withAlerts = (): Incident => ({
  ...declared(),
  alerts: [
    {
      id: 'ALERT-3',
      summary: 'Kafka lag',
      status: 'resolved',
      startsAt: '2026-11-26T09:55:00.000Z',
      resolvedAt: '2026-11-26T14:02:00.000Z',
    },
    { id: 'ALERT-4', summary: 'Stale prices', status: 'firing', startsAt: '2026-11-26T10:00:00.000Z' },
  ],
});

describe('the close form and the incident alerts', () => {
  it('finds the playbook criterion about impact having ceased', () => {
    expect(impactCeasedCriterion(playbook)).toEqual(expect.objectContaining({ id: 'impact_ceased' }));
  });

  it('resolved alerts as evidence with their time, a firing one as a warning', () => {
    expect(closeAlertLines(withAlerts(), playbook).map((l) => plainText(l))).toEqual([
      'Evidence for "Impact has ceased":',
      '✅ ALERT-3 (Kafka lag) resolved at 2026-11-26 14:02 UTC.',
      '⚠️ ALERT-4 (Stale prices) is still firing (since 2026-11-26 10:00 UTC): is the impact really over?',
    ]);
  });

  it('shown right after the criteria; nothing without alerts', () => {
    const form: FormView = {
      name: 'close',
      title: 'Close incident',
      submit: 'Close',
      intro: [],
      fields: [
        {
          kind: 'checks',
          id: 'criteria',
          label: 'Closure criteria',
          required: true,
          options: [],
          values: [],
        },
        { kind: 'text', id: 'x', label: 'x', required: false, maxLength: 10 },
      ],
    };
    expect(withCloseAlerts(form, withAlerts(), playbook).fields.map((f) => f.id)).toEqual([
      'criteria',
      'alerts',
      'x',
    ]);
    expect(withCloseAlerts(form, declared(), playbook)).toBe(form);
  });
});
