// `incident page [<role or service>]`: with a target, the page command (the core decides who may page and
// refuses a second page of the same target); without one, who can be paged and each one's page so far.
// Roles may be typed as people say them ("ic", "tl", "comms", a name); services by their name or its start.

import type { Command } from '../domain/commands.js';
import { roleName } from '../domain/decide/context.js';
import { holders, type Incident } from '../domain/incident.js';
import {
  openPage,
  PAGER_NAMES,
  type PagingMode,
  pageableRoles,
  pagesOf,
  pagingServices,
} from '../domain/paging.js';
import type { Playbook } from '../domain/playbook.js';
import { code, command, mention, strong, type Text, time, userText } from '../domain/text.js';

export type PageIntent = { verb: 'page'; target: string };

const norm = (s: string) =>
  s
    .toLowerCase()
    .trim()
    .replace(/[\s-]+/g, '_');

/** The role id or service name a typed word names, or null (the core then says who can be paged). */
export function resolvePageTarget(
  pb: Playbook,
  word: string,
  resolveRole: (pb: Playbook, text: string) => string | null,
): string | null {
  const w = norm(word);
  if (!w) return null;
  const services = pagingServices(pb).map(([id]) => id);
  if (services.includes(w)) return w;
  const role = resolveRole(pb, word);
  if (role) return role;
  const hits = services.filter((s) => s.startsWith(w) || s.split('_').includes(w));
  return hits.length === 1 ? hits[0]! : null;
}

function pageState(i: Incident, target: string): string {
  const standing = openPage(i, target);
  if (standing)
    return `paged ${time(standing.requestedAt)} by ${mention(standing.requestedBy)}${standing.status === 'requested' ? ' (answer awaited)' : ''}`;
  const last = pagesOf(i)
    .filter((p) => p.target === target)
    .at(-1);
  if (last?.status === 'failed') return `page failed: ${userText(last.answer?.error ?? 'no answer')}`;
  if (last?.status === 'resolved') return 'page resolved';
  return '';
}

/** Who can be paged for this incident, and how it stands. */
export function pageList(i: Incident, pb: Playbook, mode: PagingMode | undefined): Text {
  const how = !mode
    ? 'Paging is not configured (PAGERDUTY_ROUTING_KEY or OPSGENIE_API_KEY, see docs/configuration.md): nobody can be paged from here.'
    : mode === 'rehearsal'
      ? 'The local console pages nobody: a page is logged and shown in the room as a rehearsal.'
      : `Pages go through ${PAGER_NAMES[mode]}, once per incident and role or service (dedup key ${code(`${i.key}/<target>`)}).`;
  const roles = pageableRoles(pb).map((r) => {
    const held = holders(i, r);
    const state = pageState(i, r);
    return `• ${code(r)} ${strong(userText(roleName(pb, r)))}: ${held.length ? `held by ${held.map(mention).join(', ')}` : 'open'}${state ? `; ${state}` : ''}`;
  });
  const services = pagingServices(pb).map(([id, s]) => {
    const state = pageState(i, id);
    return `• ${code(id)} ${userText(s.description)}${state ? ` (${state})` : ''}`;
  });
  return [
    how,
    `Roles:`,
    ...roles,
    ...(services.length ? ['Services:', ...services] : []),
    `Page one with ${command('page <role or service>')} (incident commander or comms lead).`,
  ].join('\n');
}

/** What the verb asks for: the page command, or a sentence. */
export function pageStep(
  intent: PageIntent,
  o: {
    incident: Incident;
    playbook: Playbook;
    paging: PagingMode | undefined;
    resolveRole: (pb: Playbook, text: string) => string | null;
  },
): { kind: 'run'; command: Command } | { kind: 'text'; text: Text } {
  if (!intent.target.trim()) return { kind: 'text', text: pageList(o.incident, o.playbook, o.paging) };
  const target = resolvePageTarget(o.playbook, intent.target, o.resolveRole) ?? intent.target.trim();
  return { kind: 'run', command: { type: 'page', target } };
}
