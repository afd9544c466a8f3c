// The alert prompt as data (issue 21): buttons only while nothing is decided, the decision by incident key
// only (a confidential incident's title never reaches the alerts channel), labels bounded, a failed
// declaration said, times and counts shown.
import { describe, expect, it } from 'vitest';
import { plainText } from '../../src/domain/text.js';
import { alertPromptView, PROMPT_LABELS_LIMIT } from '../../src/views/alert-prompt.js';
import { alertGroup } from '../helpers/alerts.js';

const at = '2026-03-02T09:10:00.000Z';
const all = (v: ReturnType<typeof alertPromptView>) =>
  [v.title, ...v.lines, ...v.labels.flatMap((f) => [f.label, f.value])].map(plainText).join('\n');

describe('alertPromptView', () => {
  it('an open group: summary first, firing since, the rule and its suggestion, three buttons', () => {
    const v = alertPromptView(alertGroup({ id: 'ALERT-7', version: 2 }));
    expect(plainText(v.title)).toBe('ALERT-7 · Firing');
    expect(plainText(v.lines[0]!)).toBe('Pricing API error rate above 5%');
    expect(all(v)).toContain('Firing since 2026-03-02 09:00 UTC.');
    expect(all(v)).toContain('Matched rule page: suggests severe customer impact.');
    expect(all(v)).toContain('1 notification, last at 2026-03-02 09:00 UTC.');
    expect(v.buttons).toBe(true);
    expect(v.decision).toBeNull();
  });

  it('decided: the decision by key and person, no buttons, whatever the incident is called', () => {
    const declared = alertPromptView(
      alertGroup({
        id: 'ALERT-7',
        status: 'resolved',
        resolvedAt: at,
        decision: { kind: 'attached', incident: 'INC-2026-0042', by: 'U_ALICE', at },
      }),
    );
    expect(declared.buttons).toBe(false);
    expect(plainText(declared.decision!)).toBe('Added to INC-2026-0042 by @U_ALICE at 2026-03-02 09:10 UTC.');
    expect(all(declared)).toContain('Resolved at 2026-03-02 09:10 UTC (fired at 2026-03-02 09:00 UTC).');
    const dismissed = alertPromptView(
      alertGroup({ decision: { kind: 'dismissed', by: 'U_BOB', at, reason: 'known noise' } }),
    );
    expect(plainText(dismissed.decision!)).toBe('Dismissed by @U_BOB at 2026-03-02 09:10 UTC: known noise');
  });

  it('bounds the labels, says what the bot could not do, and says when no rule matched', () => {
    const labels = Object.fromEntries(Array.from({ length: 30 }, (_, n) => [`l${n}`, `v${n}`]));
    const v = alertPromptView(
      alertGroup({
        commonLabels: labels,
        suggestion: { rule: null, severe: false, mode: 'prompt', notify: [] },
        declareError: 'You have declared 5 incidents in the last 10 minutes',
        notifications: 5,
      }),
    );
    expect(v.labels).toHaveLength(PROMPT_LABELS_LIMIT);
    expect(all(v)).toContain(`${30 - PROMPT_LABELS_LIMIT} more labels not shown.`);
    expect(all(v)).toContain('No playbook rule matched this alert');
    expect(all(v)).toContain('The bot could not declare it: You have declared 5 incidents');
    expect(all(v)).toContain('5 notifications');
    expect(v.buttons).toBe(true);
  });
  it('a confidential incident is not named, not even by key', () => {
    const declared = alertPromptView(
      alertGroup({
        decision: { kind: 'declared', incident: 'INC-2026-0042', by: 'U_ALICE', at, confidential: true },
      }),
    );
    expect(plainText(declared.decision!)).toBe(
      'Declared as a confidential incident by @U_ALICE at 2026-03-02 09:10 UTC.',
    );
    expect(all(declared)).not.toContain('INC-2026-0042');
    const again = alertPromptView(
      alertGroup({
        decision: {
          kind: 'attached',
          incident: 'INC-2026-0042',
          by: 'incident-bot',
          at,
          again: true,
          confidential: true,
        },
      }),
    );
    expect(plainText(again.decision!)).toContain(
      'Fired again while its incident is open: added to a confidential incident',
    );
    expect(again.buttons).toBe(false);
  });

  it('superseded by its next occurrence: no buttons, a pointer to it; the real alert count; cut fields said', () => {
    const v = alertPromptView(
      alertGroup({ id: 'ALERT-7', supersededBy: 'ALERT-9', alertCount: 250, truncated: true }),
    );
    expect(v.buttons).toBe(false);
    expect(all(v)).toContain('see ALERT-9, the newer prompt below');
    expect(all(v)).toContain('250 alerts in this group.');
    expect(all(v)).toContain('were too long and were cut');
  });
});
