// `incident page [<role or service>]`: with a target, the page command (the core decides who may page and
// refuses a second page of the same target); without one, who can be paged and each one's page so far.
// Whom a word names is the core's own resolver (matchPageTarget: roles first, then services, a prefix only
// from 3 letters), with the app's role abbreviations ("ic", "tl", "comms") on top.

import type { Command } from '../domain/commands.js';
import { roleName } from '../domain/decide/context.js';
import { holders, type Incident } from '../domain/incident.js';
import {
  dedupKeyOf,
  matchPageTarget,
  openPage,
  PAGER_NAMES,
  type PagingMode,
  pageableRoles,
  pagesOf,
  pagingServices,
} from '../domain/paging.js';
import type { Playbook } from '../domain/playbook.js';
import { code, command, mention, strong, type Text, time, userText } from '../domain/text.js';
import { roleAlias } from './intents.js';

export type PageIntent = { verb: 'page'; target: string };

/** The role id or service name a typed word names, or null (the core then says why, with the choices). */
export function resolvePageTarget(pb: Playbook, word: string): string | null {
  const m = matchPageTarget(pb, word, (w) => roleAlias(pb, w));
  return 'error' in m ? null : m.id;
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
      : `Pages go through ${PAGER_NAMES[mode]}, once per incident and role or service (dedup key ${code(dedupKeyOf(i, '<target>'))}).`;
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
  },
): { kind: 'run'; command: Command } | { kind: 'text'; text: Text } {
  if (!intent.target.trim()) return { kind: 'text', text: pageList(o.incident, o.playbook, o.paging) };
  const target = resolvePageTarget(o.playbook, intent.target) ?? intent.target.trim();
  return { kind: 'run', command: { type: 'page', target } };
}
