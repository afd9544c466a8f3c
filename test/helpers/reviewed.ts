// An incident through to its recorded review (a comms lead, a follow-up filed), and a recap's fields: for
// the recap's core, form and end-to-end tests.
import type { Command } from '../../src/domain/commands.js';
import type { Incident } from '../../src/domain/incident.js';
import { alice, closureFields, criteria, ctx, declared, ic, must, T0 } from './scenario.js';

export const day = (iso: string) => new Date(iso);

export function roomed(over: Parameters<typeof declared>[0] = {}): Incident {
  return must(
    declared(over),
    { type: 'room_created', platform: 'slack', roomId: 'C_INC', name: 'inc-1' },
    ctx(ic, T0),
  );
}

/** Through containment and mitigation to closure, a follow-up filed, then the review recorded (Thursday). */
export function reviewed(over: Parameters<typeof declared>[0] = {}): Incident {
  let i = roomed(over);
  i = must(i, { type: 'claim_role', role: 'comms_lead' }, ctx(alice, T0));
  for (const phase of ['detection', 'containment'])
    i = must(i, { type: 'advance_phase', confirmed: criteria(phase) }, ctx(ic, T0));
  i = must(
    i,
    { type: 'close', confirmed: [...criteria('mitigation'), ...criteria('closure')], fields: closureFields },
    ctx(ic, day('2026-11-26T12:00:00Z')),
  );
  i = must(
    i,
    {
      type: 'add_followup',
      id: 'FU-1',
      what: 'Alert on broker disk usage',
      owner: 'U_BOB',
      due: '2026-12-10',
      objective: 'resilience',
      acceptance: 'A full disk pages the on-call',
    },
    ctx(ic, day('2026-11-26T13:00:00Z')),
  );
  return must(i, REVIEW, ctx(ic, day('2026-11-26T15:00:00Z')));
}

export const REVIEW: Extract<Command, { type: 'record_review' }> = {
  type: 'record_review',
  summary: 'The broker disk filled up and ingest stopped.',
  whys: ['Retention was too long', 'Nobody watched disk usage'],
  factors: 'Resilience: a single broker',
  lessons: 'Watch the disks of every stateful service.',
  correctiveActions: 'Alert on broker disk usage (FU-1)',
  verificationPlan: 'Fill a staging disk to 85% and see the page',
  answers: { readiness: 'Alerts meet policy', runbook_library: 'Broker runbook updated' },
};

export const RECAP = {
  summary: 'The broker disk filled up.',
  impact: 'Stale prices for 2h',
  root_cause: 'Retention too long',
  lessons: 'Watch the disks',
  improvements: 'Disk alerts',
  followups: 'FU-1, owner Bob, due 2026-12-10',
};
