// What every command handler shares: the context, the decision type, and small builders of effects.
import type { Command } from '../commands.js';
import type { Effect, LiveView, LogEffect, MessageEffect, NoticeEffect, Target } from '../effects.js';
import type { DomainError } from '../errors.js';
import type { Actor, Incident, TrackerName } from '../incident.js';
import { holders } from '../incident.js';
import type { PagingMode } from '../paging.js';
import type { Playbook } from '../playbook.js';

export interface DecideContext {
  actor: Actor;
  now: Date;
  playbook: Playbook;
  /** The version of the playbook a new incident runs under. */
  playbookRef?: { version: string; sha256: string };
  /** User ids with IC authority over every incident (a configured admin group). */
  admins?: string[];
  /** The request came from the incident's own room (so the person is in it: see membership.ts). */
  inRoom?: boolean;
  /** For a declaration: what the same person declared lately (the playbook's `limits`). */
  recentDeclarations?: { key: string; title: string; declaredAt: string }[];
  /** Who wrote in the incident's log (read from it by the application for a close: the debrief's invitees). */
  logWriters?: string[];
  /** Where debriefs are held (DEBRIEF_MEETING_URL), put in their invitations. */
  debriefMeetingUrl?: string;
  /** The issue tracker follow-ups are filed in (configured: src/config.ts); none: they stay in the bot. */
  tracker?: TrackerName;
  /** Whether an environment variable a playbook action references is set (absent: none is). */
  isSet?: (name: string) => boolean;
  /** How the on-call is paged (PagerDuty, Opsgenie, a local rehearsal); absent: paging is not configured. */
  paging?: PagingMode;
}

export type Decision =
  | { ok: true; incident: Incident; effects: Effect[] }
  | { ok: false; error: DomainError };

export type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;
export type Handler<T extends Command['type']> = (i: Incident, c: Cmd<T>, ctx: DecideContext) => Decision;

export function isCommander(
  i: Incident,
  user: string,
  ctx: Pick<DecideContext, 'playbook' | 'admins'>,
): boolean {
  return holders(i, ctx.playbook.commanderRole).includes(user) || (ctx.admins ?? []).includes(user);
}

export const ROOM: Target = { to: 'room' };
export const STAKEHOLDERS: Target = { to: 'stakeholders' };

export function log(
  kind: LogEffect['kind'],
  payload: Record<string, unknown>,
  extra: Partial<LogEffect> = {},
): LogEffect {
  return { type: 'log', kind, payload, ...extra };
}
export function post(
  key: string,
  target: Target,
  template: string,
  data: Record<string, unknown>,
): MessageEffect {
  return { type: 'message', key, target, body: { kind: 'post', template: template as never, data } };
}
export function view(v: LiveView): MessageEffect {
  return { type: 'message', key: `view:${v}`, target: ROOM, body: { kind: 'view', view: v } };
}
export function notice(text: string, level: NoticeEffect['level'] = 'info', user?: string): NoticeEffect {
  return user ? { type: 'notice', level, text, user } : { type: 'notice', level, text };
}
export function ok(incident: Incident, effects: Effect[]): Decision {
  return { ok: true, incident: { ...incident, version: incident.version + 1 }, effects };
}
export const iso = (d: Date) => d.toISOString();

export function roleName(pb: Playbook, id: string): string {
  return pb.roles.find((r) => r.id === id)?.name ?? id;
}
