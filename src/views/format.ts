// Small pieces every view uses: the DRILL marker, names from the playbook, ages.
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { findPhase, findRole, findTrigger } from '../domain/playbook.js';

/** Every message about a drill says so. */
export function drillPrefix(i: Pick<Incident, 'drill'>): string {
  return i.drill ? '[DRILL] ' : '';
}

export const DRILL_BANNER = 'DRILL: this is an exercise, not a real incident.';

export const triggerName = (pb: Playbook, id: string) => findTrigger(pb, id)?.name ?? id;
export const phaseName = (pb: Playbook, id: string) => findPhase(pb, id)?.name ?? id;
export const roleName = (pb: Playbook, id: string) => findRole(pb, id)?.name ?? id;

export function severityText(severe: boolean): string {
  return severe ? '🔴 Severe customer impact' : 'No severe customer impact';
}

/** "12m", "3h 05m", "2d 4h": how long ago, for lists read once. */
export function age(fromIso: string, now: Date): string {
  const mins = Math.max(0, Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000));
  if (mins < 60) return `${mins}m`;
  const h = Math.floor(mins / 60);
  if (h < 48) return `${h}h ${String(mins % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Cuts `s` to `max` characters with a visible marker (user text in a list line, not a whole message). */
export function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

export function addMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}
