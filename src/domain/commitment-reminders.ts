// The reminder family of stakeholder commitments: one family per open commitment, nudged once when it
// falls due, in the incident room with its owners mentioned (the comms lead, or the IC while that role is
// open). Nothing once the commitment is kept or dropped, or the incident closed (the closure notice is the
// last word to stakeholders; an open promise then shows in the export). Hooked into reminder-families.ts.
import { openCommitments, stakeholderOwners } from './commitments.js';
import type { Incident } from './incident.js';
import type { Playbook } from './playbook.js';
import type { Family } from './reminder-families.js';

export function commitmentFamilies(i: Incident, pb: Playbook, now: number): Family[] {
  if (i.closedAt !== null) return [];
  const held = (k: string) => {
    const until = i.snoozes?.[k];
    return until !== undefined && Date.parse(until) > now;
  };
  if (held('commitment')) return [];
  const owners = stakeholderOwners(i, pb);
  return openCommitments(i)
    .filter((c) => !held(`commitment:${c.id}`))
    .map((c) => ({
      snooze: 'commitment' as const,
      id: c.id,
      candidates: [
        {
          kind: 'commitment-due' as const,
          at: Date.parse(c.due),
          target: { to: 'room' as const },
          data: { commitmentId: c.id, what: c.what, due: c.due, mention: owners },
        },
      ],
    }));
}
