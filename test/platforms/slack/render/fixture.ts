// Incidents for the Slack renderer tests, built through IncidentService.handle with the real playbook.
import type { Command } from '../../../../src/domain/commands.js';
import type { Actor, Incident } from '../../../../src/domain/incident.js';
import { openStack, type Stack } from '../../../helpers/store.js';
import { tempDbPath } from '../../../support/temp-db.js';

export const T0 = new Date('2026-11-26T10:00:00.000Z');
export const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
export const IC: Actor = { platform: 'slack', id: 'U0IC' };
export const ALICE: Actor = { platform: 'slack', id: 'U0ALICE' };

export class Scenario {
  readonly stack: Stack;
  key = '';
  private n = 0;

  constructor() {
    this.stack = openStack(tempDbPath());
  }

  declare(over: Partial<Extract<Command, { type: 'declare' }>> = {}): Incident {
    const r = this.stack.service.handle({
      key: `test:declare:${this.n++}`,
      incidentKey: null,
      command: {
        type: 'declare',
        key: '',
        title: 'Ingest pipeline hard down',
        triggerClass: 'service_outage',
        impact: 'No market data for any desk',
        severeImpact: false,
        drill: false,
        ...over,
      },
      actor: IC,
      now: T0,
    });
    if (!r.ok) throw new Error(`declare refused: ${r.error.message}`);
    this.key = r.incident.key;
    return r.incident;
  }

  run(command: Command, actor: Actor = IC, now: Date = at(1)): Incident {
    const r = this.stack.service.handle({
      key: `test:${this.n++}`,
      incidentKey: this.key,
      command,
      actor,
      now,
    });
    if (!r.ok) throw new Error(`${command.type} refused: ${r.error.code} ${r.error.message}`);
    return r.incident;
  }

  get playbook() {
    return this.stack.service.playbookFor(null);
  }

  close(): void {
    this.stack.close();
  }
}

export const alertFields = {
  system: 'Ingest pipeline',
  summary: 'Kafka ingest is down. Market data is stale.',
  start_time: '2026-11-26T09:55Z',
  impact: 'Prices stale for all desks',
  actions: 'Failing over to the secondary cluster',
  next_update: '10:30 UTC in #inc',
  commander: 'U0IC',
};

export const closureFields = {
  resolved_at: '2026-11-26T12:00Z',
  impact_summary: 'Stale prices for 2h',
  followups: 'INC follow-ups in backlog',
  review: 'Monday, facilitator U0IC',
};

/** Walks an incident to closure (every phase's exit criteria confirmed). */
export function closeIncident(s: Scenario): Incident {
  const pb = s.playbook;
  const crit = (id: string) => pb.phases.find((p) => p.id === id)!.exitCriteria.map((c) => c.id);
  s.run({ type: 'advance_phase', confirmed: crit('detection') });
  s.run({ type: 'advance_phase', confirmed: crit('containment') });
  return s.run(
    { type: 'close', confirmed: [...crit('mitigation'), ...crit('closure')], fields: closureFields },
    IC,
    at(90),
  );
}
