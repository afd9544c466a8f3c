// Whom a page names and what its call carries: the target a typed word or a button names (the shared
// matchPageTarget, roles first), the pageable list people are shown, the call's data (what the on-call's
// phone shows; a confidential incident's title never leaves), and the outbox row owed to the pager sender.
// Used by decide/paging.ts (the page, its answers, the resolve at close).
import type { MessageEffect } from '../effects.js';
import type { Incident } from '../incident.js';
import {
  MIN_PAGE_PREFIX,
  matchPageTarget,
  type Page,
  type PageCallData,
  pageableRoles,
  pagingServices,
} from '../paging.js';
import { findPhase, findTrigger } from '../playbook.js';
import { code, userText } from '../text.js';
import { type DecideContext, roleName } from './context.js';

export type Target = { id: string; kind: 'role' | 'service'; name: string };

/** The role or service a page names (matchPageTarget, as the app resolves it), or why it cannot be paged. */
export function pageTarget(ctx: DecideContext, raw: string): Target | { error: string } {
  const pb = ctx.playbook;
  const m = matchPageTarget(pb, raw);
  const said = userText(raw).slice(0, 60);
  if ('error' in m)
    return {
      error:
        m.error === 'ambiguous'
          ? `"${said}" could mean ${m.choices.join(', ')}: say which. Pageable: ${targetList(ctx)}.`
          : `There is nobody to page as "${said}" (a role, or a service by its name or its first ${MIN_PAGE_PREFIX} letters or more). Pageable: ${targetList(ctx)}.`,
    };
  if (m.kind === 'service') return { id: m.id, kind: 'service', name: `${serviceName(m.id)} on-call` };
  const name = roleName(pb, m.id);
  if (!pageableRoles(pb).includes(m.id))
    return {
      error: `The ${userText(name)} role is not paged (the playbook's paging.roles). Pageable: ${targetList(ctx)}.`,
    };
  return { id: m.id, kind: 'role', name };
}

/** The pageable roles and services, as people type them. */
export function targetList(ctx: Pick<DecideContext, 'playbook'>): string {
  return [...pageableRoles(ctx.playbook), ...pagingServices(ctx.playbook).map(([id]) => id)]
    .map((x) => code(x))
    .join(', ');
}

/** The call's data: what the on-call's phone shows. A confidential incident's title and impact stay inside. */
export function callData(i: Incident, t: Target, ctx: DecideContext, by: string, byName: string, at: string) {
  const pb = ctx.playbook;
  const who = t.name;
  const summary = i.confidential
    ? `[${i.key}] ${who} needed (confidential incident)`
    : `[${i.key}] ${who} needed: ${userText(i.title)}`;
  const service = t.kind === 'service' ? pb.paging?.services?.[t.id] : undefined;
  const details: Record<string, string> = {
    incident: i.key,
    [t.kind]: t.id,
    requested_by: byName,
    ...(i.confidential
      ? { confidential: 'true' }
      : {
          title: userText(i.title),
          impact: userText(i.impact),
          trigger: findTrigger(pb, i.triggerClass)?.name ?? i.triggerClass,
          phase: findPhase(pb, i.phase)?.name ?? i.phase,
        }),
  };
  const data: PageCallData = {
    incident: i.key,
    summary: summary.slice(0, 1000),
    severity: i.severeImpact ? 'critical' : 'error',
    targetKind: t.kind,
    targetName: who,
    requestedBy: by,
    requestedByName: byName,
    requestedAt: at,
    drill: i.drill,
    ...(service?.routingKey ? { routingKey: service.routingKey } : {}),
    ...(service?.team ? { team: service.team } : {}),
    ...(i.room?.link && !i.confidential ? { link: i.room.link } : {}),
    details,
  };
  return data;
}

/** "ingest_pipeline" -> "Ingest pipeline": a service's name as people read it. */
export function serviceName(id: string): string {
  const words = id.replace(/[_.-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function targetOfPage(p: Page, ctx: DecideContext): Target {
  const name = p.kind === 'role' ? roleName(ctx.playbook, p.target) : `${serviceName(p.target)} on-call`;
  return { id: p.target, kind: p.kind, name };
}

export function pageRow(p: Page, action: 'trigger' | 'resolve', data: PageCallData): MessageEffect {
  return {
    type: 'message',
    key: `page:${p.request}:${action}`,
    // One lane per target: its trigger and resolve in order, other targets' pages not held behind it.
    target: { to: 'service', service: 'pager', lane: p.target },
    body: { kind: 'page', request: p.request, action, dedupKey: p.dedupKey, provider: p.provider, data },
  };
}
