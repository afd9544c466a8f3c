// The commands that work a template incident: who acts, what the alert and the status updates say, and
// how far it goes (open, closed awaiting review, reviewed). Values are realistic in size, since the
// clones copy them: a clone's state and log weigh what a real incident's would.
import type { Command } from '../../src/domain/commands.js';
import type { Actor } from '../../src/domain/incident.js';
import type { Playbook } from '../../src/domain/playbook.js';

export const IC: Actor = { platform: 'slack', id: 'U0IC', name: 'Irene Chen' };
const ALICE: Actor = { platform: 'slack', id: 'U0ALICE', name: 'Alice' };
const BOB: Actor = { platform: 'slack', id: 'U0BOB', name: 'Bob' };

/** One step: minutes after the declaration, who, what. */
export type Step = [number, Actor, Command];

const alert = (room: string) => ({
  system: 'Ingest pipeline',
  summary: 'Kafka ingest is down. Market data is stale.',
  start_time: '09:55 UTC',
  impact: 'Prices stale for all desks',
  actions: 'Failing over to the secondary cluster',
  next_update: `in 30 minutes in <#${room}>`,
  commander: 'U0IC',
});
const update = (n: number) => ({
  status: n % 2 ? 'investigating' : 'stabilizing',
  developments: `- Secondary cluster is catching up (${n})\n- Lag is ${n}.2M messages`,
  risks: 'Lag may grow',
  help: 'None',
  next_update: 'in 30 minutes',
});

function criteria(pb: Playbook, phase: string): string[] {
  return pb.phases.find((p) => p.id === phase)?.exitCriteria.map((c) => c.id) ?? [];
}

/** The steps of an incident worked to `until`: roles, alert, updates, logs, phases, close, review. */
export function lifecycle(
  pb: Playbook,
  until: 'open' | 'closed' | 'reviewed',
  o: { updates: number; logs: number; followups: boolean },
): (room: string) => Step[] {
  return (room) => {
    const s: Step[] = [
      [2, ALICE, { type: 'claim_role', role: 'technical_lead' }],
      [3, BOB, { type: 'claim_role', role: 'comms_lead' }],
      [8, BOB, { type: 'send_initial_alert', fields: alert(room) }],
      [12, ALICE, { type: 'check_item', item: 'stabilize.freeze_deploys' }],
      [
        14,
        IC,
        {
          type: 'decision',
          text: 'Fail over to the secondary Kafka cluster',
          rationale: 'Primary cluster cannot be recovered within 30 minutes, per the runbook',
          source: {
            messageId: `${room}:1795687980.000100`,
            permalink: `https://example.slack.com/archives/${room}/p1795687980000100`,
            author: 'U0IC',
          },
        },
      ],
      [15, IC, { type: 'advance_phase', to: 'containment', confirmed: criteria(pb, 'detection') }],
    ];
    let min = 16;
    for (let k = 0; k < o.logs; k++)
      s.push([
        min++,
        ALICE,
        {
          type: 'log',
          text: `Consumer lag at ${k + 1}.1M messages, trending down; restarted consumer group ${k}`,
          source: {
            messageId: `${room}:17956890${String(k).padStart(2, '0')}.000200`,
            permalink: `https://example.slack.com/archives/${room}/p17956890${k}000200`,
            author: 'U0ALICE',
          },
        },
      ]);
    for (let k = 0; k < o.updates; k++)
      s.push([30 + 30 * k, BOB, { type: 'post_status_update', fields: update(k) }]);
    min = 30 + 30 * o.updates;
    s.push([
      min,
      ALICE,
      { type: 'evidence', name: 'Grafana: consumer lag', link: 'https://grafana.example.com/d/lag' },
    ]);
    if (until === 'open') return s;
    s.push([
      min + 1,
      IC,
      { type: 'advance_phase', to: 'mitigation', confirmed: criteria(pb, 'containment') },
    ]);
    s.push([min + 20, IC, { type: 'advance_phase', to: 'closure', confirmed: criteria(pb, 'mitigation') }]);
    s.push([
      min + 30,
      IC,
      {
        type: 'close',
        confirmed: criteria(pb, 'closure'),
        fields: {
          resolved_at: 'today 12:00 UTC',
          impact_summary: 'Stale prices for two hours; no trades on stale prices.',
          followups: 'FU-1, FU-2 in the reliability backlog',
          review: 'Monday, facilitator Irene Chen',
        },
      },
    ]);
    if (o.followups) {
      s.push([
        min + 35,
        IC,
        {
          type: 'add_followup',
          id: 'FU-1',
          what: 'Alert on consumer lag above 500k',
          owner: 'U0ALICE',
          due: '2026-12-04',
          objective: 'resilience',
          acceptance: 'It is verified done.',
        },
      ]);
      s.push([
        min + 36,
        IC,
        {
          type: 'add_followup',
          id: 'FU-2',
          what: 'Document the cluster failover runbook',
          owner: 'U0BOB',
          due: '2026-12-10',
          objective: 'compliance',
          acceptance: 'It is verified done.',
        },
      ]);
    }
    if (until === 'closed') return s;
    s.push([
      min + 2 * 24 * 60,
      IC,
      {
        type: 'record_review',
        summary: 'A broker disk filled up and the primary cluster stopped accepting writes.',
        whys: [
          'Ingest stopped because the primary Kafka cluster rejected writes.',
          'It rejected writes because a broker disk was full.',
          'The disk was full because log retention was raised for a backfill and never reverted.',
        ],
        factors: 'No alert on broker disk usage; failover runbook out of date.',
        lessons: 'Temporary config changes need an owner and an expiry.',
        correctiveActions: o.followups
          ? 'Alert on broker disk usage above 80% (FU-1); rewrite the failover runbook (FU-2).'
          : 'None needed: the retention change now expires by itself.',
        verificationPlan: 'Fill a staging broker disk to 85% and confirm the alert pages the on-call.',
        // the shipped playbook's review questions (required)
        answers: {
          readiness: 'Disk alerts fire on staging; the failover drill met its threshold.',
          runbook_library: 'The failover runbook gains the disk-full case.',
        },
        ...(o.followups ? {} : { noFollowups: true }),
      },
    ]);
    if (o.followups) s.push([min + 3 * 24 * 60, ALICE, { type: 'complete_followup', id: 'FU-1' }]);
    return s;
  };
}
