// Shared helpers for core and store tests: the default playbook and a scripted incident.
import type { Command } from '../../src/domain/commands.js';
import { type DecideContext, decide } from '../../src/domain/decide.js';
import type { Actor, Incident } from '../../src/domain/incident.js';
import type { Playbook } from '../../src/domain/playbook.js';
import { loadPlaybook } from '../../src/storage/playbook-file.js';

const loaded = loadPlaybook();
export const playbook: Playbook = loaded.playbook;
export const playbookRef = loaded.ref;

export const T0 = new Date('2026-11-26T10:00:00.000Z');
export const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

export const ic: Actor = { platform: 'slack', id: 'U_IC' };
export const alice: Actor = { platform: 'slack', id: 'U_ALICE' };
export const bob: Actor = { platform: 'slack', id: 'U_BOB' };

export const alertFields = {
  system: 'Ingest pipeline',
  summary: 'Kafka ingest is down. Market data is stale.',
  start_time: '2026-11-26T09:55Z',
  impact: 'Prices stale for all desks',
  actions: 'Failing over to the secondary cluster',
  next_update: '10:30 UTC in #inc',
  commander: 'U_IC',
};
export const updateFields = {
  status: 'investigating',
  developments: 'Secondary cluster is catching up',
  risks: 'Lag may grow',
  help: 'None',
  next_update: '11:00 UTC',
};
export const closureFields = {
  resolved_at: '2026-11-26T12:00Z',
  impact_summary: 'Stale prices for 2h',
  followups: 'INC follow-ups in backlog',
  review: 'Monday, facilitator U_IC',
};

export function ctx(actor: Actor, now: Date, extra: Partial<DecideContext> = {}): DecideContext {
  // Acting in the incident's room, as people do (membership tests say otherwise where it matters).
  return { actor, now, playbook, playbookRef, inRoom: true, ...extra };
}

export function must(incident: Incident | null, command: Command, c: DecideContext): Incident {
  const r = decide(incident, command, c);
  if (!r.ok) throw new Error(`${command.type} refused: ${r.error.code} ${r.error.message}`);
  return r.incident;
}

export function declared(over: Partial<Extract<Command, { type: 'declare' }>> = {}): Incident {
  return must(
    null,
    {
      type: 'declare',
      key: 'INC-2026-0001',
      title: 'Ingest down',
      triggerClass: 'service_outage',
      impact: 'No market data',
      severeImpact: false,
      drill: false,
      ...over,
    },
    ctx(ic, T0),
  );
}

export function criteria(phase: string): string[] {
  return playbook.phases.find((p) => p.id === phase)!.exitCriteria.map((c) => c.id);
}

type DeclareCommand = Extract<Command, { type: 'declare' }>;

/** A service request declaring an incident (the store allocates the key). */
export function declareRequest(
  key: string,
  o: { title?: string; triggerClass?: string; impact?: string; actor?: Actor; now?: Date } = {},
): { key: string; incidentKey: null; command: DeclareCommand; actor: Actor; now?: Date } {
  return {
    key,
    incidentKey: null,
    command: {
      type: 'declare',
      key: '',
      title: o.title ?? `x ${key}`,
      triggerClass: o.triggerClass ?? 'service_outage',
      impact: o.impact ?? 'y',
      severeImpact: false,
      drill: false,
    },
    actor: o.actor ?? ic,
    ...(o.now ? { now: o.now } : {}),
  };
}
