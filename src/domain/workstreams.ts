// Workstreams and their leads (the handbook's "Verify each workstream (containment, investigation,
// stakeholder comms, compliance) has a named lead"). The playbook names the workstreams and the checklist
// item that is done once each has a lead; an incident keeps who leads which, and every change. Pure.
import type { Incident } from './incident.js';
import type { Playbook, WorkstreamDef } from './playbook.js';

/** One change of a workstream's lead, kept on the incident for the record (like RoleChange). */
export interface WorkstreamChange {
  at: string;
  workstream: string;
  /** take: the actor leads it; assign: the IC names someone; handover: a lead passes it on; release: no lead. */
  kind: 'take' | 'assign' | 'handover' | 'release';
  from: string | null;
  to: string | null;
  by: string;
}

/** The playbook's workstreams (none when the playbook has no `workstreams` section). */
export function workstreamDefs(pb: Pick<Playbook, 'workstreams'>): WorkstreamDef[] {
  return pb.workstreams?.items ?? [];
}

export function findWorkstream(pb: Pick<Playbook, 'workstreams'>, id: string): WorkstreamDef | undefined {
  return workstreamDefs(pb).find((w) => w.id === id);
}

export function workstreamName(pb: Pick<Playbook, 'workstreams'>, id: string): string {
  return findWorkstream(pb, id)?.name ?? id;
}

/** Who leads the workstream now, or null. */
export function leadOf(i: Pick<Incident, 'workstreams'>, id: string): string | null {
  return i.workstreams?.[id] ?? null;
}

/** The playbook's workstreams nobody leads yet, in playbook order. */
export function unledWorkstreams(i: Pick<Incident, 'workstreams'>, pb: Pick<Playbook, 'workstreams'>) {
  return workstreamDefs(pb).filter((w) => !leadOf(i, w.id));
}

/** Workstreams `user` leads now (ids, in playbook order). */
export function workstreamsLedBy(
  i: Pick<Incident, 'workstreams'>,
  pb: Pick<Playbook, 'workstreams'>,
  user: string,
): string[] {
  return workstreamDefs(pb)
    .filter((w) => leadOf(i, w.id) === user)
    .map((w) => w.id);
}

/** Whether `user` leads, or has led, a workstream of the incident (that makes them a member). */
export function leadsOrLed(i: Pick<Incident, 'workstreams' | 'workstreamHistory'>, user: string): boolean {
  return (
    Object.values(i.workstreams ?? {}).includes(user) ||
    (i.workstreamHistory ?? []).some((c) => c.to === user)
  );
}

/** The checklist item the playbook completes once every workstream has a lead (null: none). */
export function workstreamsItem(pb: Pick<Playbook, 'workstreams'>): string | null {
  return pb.workstreams?.completes ?? null;
}
