// Paging the on-call: the incident commander or the comms lead pages a role or a service; the core logs the
// page and owes one call to the pager service (PagerDuty or Opsgenie) with the page's dedup key (dedupKeyOf),
// so a second page of the same target is refused here and a retried call never pages twice there; a re-page
// after a failed page gets a fresh key. The sender reports every answer back (`page_answered`): logged, and
// the room hears the first failure, any wait the provider asks for, and the outcome, unless the incident
// closed meanwhile. Closing (or standing down) resolves every page still open, and every failed page whose
// attempts may have reached the provider. Drills and the local console page nobody: logged and said in the
// room as a rehearsal.

import type { Effect } from '../effects.js';
import { fail } from '../errors.js';
import type { Incident } from '../incident.js';
import { holders } from '../incident.js';
import {
  dedupKeyOf,
  isResolving,
  openPage,
  PAGER_NAMES,
  type Page,
  type PagerName,
  pagesOf,
  routingKeyVariable,
} from '../paging.js';
import { BOT_ID, code, command, mention, time, userText } from '../text.js';
import {
  type DecideContext,
  type Decision,
  type Handler,
  isCommander,
  iso,
  log,
  notice,
  ok,
  post,
  ROOM,
  roleName,
} from './context.js';
import { callData, pageRow, pageTarget, targetOfPage } from './page-call.js';
import { commsRole } from './recap.js';

/** What the room post about a page carries (views/page-post.ts renders it). */
export interface PagePostData {
  request?: string;
  target: string;
  targetName: string;
  kind: 'role' | 'service';
  state: 'requested' | 'retrying' | 'paged' | 'failed' | 'resolve_failed' | 'rehearsed';
  by: string;
  dedupKey: string;
  /** A re-page after a failed page: the failed page's key (this one is a new alert). */
  previousKey?: string;
  /** Retrying: the provider asked to wait this long (Retry-After, capped). */
  waitSeconds?: number;
  provider?: PagerName;
  drill: boolean;
  /** A page in the local console: nobody is paged. */
  rehearsal?: boolean;
  attempt?: number;
  status?: number;
  error?: string;
}

export const NOT_CONFIGURED =
  'Paging is not configured: set PAGERDUTY_ROUTING_KEY (PagerDuty) or OPSGENIE_API_KEY (Opsgenie) in the bot\'s environment (see docs/configuration.md, "Paging"). Nobody was paged.';

function mayPage(i: Incident, ctx: DecideContext): boolean {
  return isCommander(i, ctx.actor.id, ctx) || holders(i, commsRole(ctx)).includes(ctx.actor.id);
}

function forbidden(i: Incident, ctx: DecideContext) {
  const comms = roleName(ctx.playbook, commsRole(ctx));
  const ic = holders(i, ctx.playbook.commanderRole)[0];
  const r = fail('forbidden', `Only the incident commander or the ${comms} can page the on-call.`);
  r.error.hint = ic
    ? `Ask ${mention(ic)} to page them.`
    : `Nobody holds the incident commander role: take it with ${command('role commander')}.`;
  return r;
}

export const page: Handler<'page'> = (i, c, ctx) => {
  if (!mayPage(i, ctx)) return forbidden(i, ctx);
  const t = pageTarget(ctx, c.target);
  if ('error' in t) return fail('not_found', t.error, 'target');
  const n = pagesOf(i).filter((p) => p.target === t.id).length + 1;
  const previous = pagesOf(i)
    .filter((x) => x.target === t.id)
    .at(-1);
  // After a failed page whose attempts may have opened an alert after all, the same dedup key: the
  // provider folds the re-page into that alert instead of paging twice. One that certainly did not apply
  // gets a fresh key (`.n`), so the provider does not take it for a repeat of a closed alert.
  const dedupKey =
    previous?.status === 'failed' && previous.mayHaveApplied && !previous.resolve
      ? previous.dedupKey
      : dedupKeyOf(i, t.id, n);
  const base = { target: t.id, targetName: t.name, kind: t.kind, by: ctx.actor.id, dedupKey, drill: i.drill };
  // A drill rehearses the page, and the local console pages nobody: logged and said in the room only.
  if (i.drill || ctx.paging === 'rehearsal') {
    const rehearsal = !i.drill;
    const data: PagePostData = { ...base, state: 'rehearsed', ...(rehearsal ? { rehearsal } : {}) };
    return ok(i, [
      log('page', {
        target: t.id,
        kind: t.kind,
        dedupKey,
        state: 'not_paged',
        ...(i.drill ? { drill: true } : { rehearsal: true }),
      }),
      post(`page:${t.id}:rehearsed:${i.version}`, ROOM, 'page', { ...data }),
      notice(
        i.drill
          ? `DRILL: nobody was paged (a drill never pages). The room shows what would have happened.`
          : 'The local console pages nobody: the page is logged and shown in the room as a rehearsal.',
      ),
    ]);
  }
  const provider = ctx.paging;
  if (!provider) return fail('not_configured', NOT_CONFIGURED);
  const service = t.kind === 'service' ? ctx.playbook.paging?.services?.[t.id] : undefined;
  const variable = routingKeyVariable(service?.routingKey);
  if (provider === 'pagerduty' && variable && !ctx.isSet?.(variable))
    return fail(
      'not_configured',
      `Paging the ${userText(t.name)} needs its PagerDuty routing key: set ${variable} in the bot's environment (see docs/configuration.md, "Paging"). Nobody was paged.`,
    );
  const standing = openPage(i, t.id);
  if (standing)
    return fail(
      'invalid',
      `The ${userText(t.name)} was already paged at ${time(standing.requestedAt)} by ${mention(standing.requestedBy)} (dedup key ${code(standing.dedupKey)})${standing.status === 'requested' ? '; its answer is awaited' : ''}. Nobody is paged twice; the page is resolved when the incident closes.`,
    );
  const at = iso(ctx.now);
  const p: Page = {
    request: `${t.id}.${n}`,
    target: t.id,
    kind: t.kind,
    dedupKey,
    status: 'requested',
    provider,
    requestedBy: ctx.actor.id,
    requestedAt: at,
    attempts: 0,
  };
  const data = callData(i, t, ctx, ctx.actor.id, ctx.actor.name ?? ctx.actor.id, at);
  const postData: PagePostData = {
    ...base,
    request: p.request,
    state: 'requested',
    provider,
    ...(previous && previous.dedupKey !== dedupKey ? { previousKey: previous.dedupKey } : {}),
  };
  return ok({ ...i, pages: [...pagesOf(i), p] }, [
    log('page', {
      request: p.request,
      target: t.id,
      kind: t.kind,
      dedupKey,
      provider,
      action: 'trigger',
      state: 'requested',
      summary: data.summary,
      severity: data.severity,
      // the playbook's reference by name, never the key
      ...(data.routingKey ? { routingKey: data.routingKey } : {}),
      ...(data.team ? { team: data.team } : {}),
    }),
    pageRow(p, 'trigger', data),
    post(`page:${p.request}:requested`, ROOM, 'page', { ...postData }),
    {
      ...notice(
        `Paging the ${userText(t.name)} through ${PAGER_NAMES[provider]}. The answer is posted in the room.`,
      ),
      ...(ctx.inRoom ? { shownInRoom: true as const } : {}),
    },
  ]);
};

export const pageAnswered: Handler<'page_answered'> = (i, c, ctx) => {
  if (ctx.actor.id !== BOT_ID)
    return fail('forbidden', 'Only the bot reports what the paging service answered.');
  const p = pagesOf(i).find((x) => x.request === c.request);
  if (!p) return fail('not_found', `There is no page ${userText(c.request)}.`);
  const at = iso(ctx.now);
  const error = c.ok ? undefined : (c.error ?? (c.status ? `HTTP ${c.status}` : 'no answer')).slice(0, 200);
  const state = c.ok ? 'done' : c.final ? 'failed' : 'attempt_failed';
  const entry = log('page', {
    request: p.request,
    target: p.target,
    dedupKey: p.dedupKey,
    provider: p.provider,
    action: c.action,
    state: c.action === 'trigger' && c.skipped ? 'skipped' : c.action === 'trigger' && c.ok ? 'paged' : state,
    status: c.status,
    attempt: c.attempt,
    latencyMs: c.latencyMs,
    excerpt: c.excerpt.slice(0, 500),
    ...(error ? { error } : {}),
    ...(c.mayHaveApplied ? { mayHaveApplied: true } : {}),
    ...(c.retryInMs !== undefined ? { retryInMs: c.retryInMs } : {}),
  });
  const t = targetOfPage(p, ctx);
  const base = {
    request: p.request,
    target: p.target,
    targetName: t.name,
    kind: p.kind,
    by: p.requestedBy,
    dedupKey: p.dedupKey,
    provider: p.provider,
    drill: i.drill,
    attempt: c.attempt,
    ...(c.status ? { status: c.status } : {}),
    ...(error ? { error } : {}),
  };
  if (c.action === 'resolve') {
    if (p.resolve?.state !== 'requested')
      return fail('invalid', `Page ${userText(c.request)} is not being resolved.`);
    const attempts = Math.max(p.resolve.attempts ?? 0, c.attempt);
    const resolve = {
      ...p.resolve,
      attempts,
      ...(c.ok || c.final ? { state: c.ok ? ('done' as const) : ('failed' as const) } : {}),
      ...(error ? { error } : {}),
    };
    const effects: Effect[] = [entry];
    // Resolving is logged; the room hears only when it failed for good (resolve it by hand then).
    if (!c.ok && c.final)
      effects.push(
        post(`page:${p.request}:resolve_failed`, ROOM, 'page', { ...base, state: 'resolve_failed' }),
      );
    return ok(replace(i, { ...p, resolve }), effects);
  }
  if (p.answer?.final) return fail('invalid', `Page ${userText(c.request)} was already answered.`);
  const status =
    p.status !== 'requested'
      ? p.status
      : c.ok
        ? ('paged' as const)
        : c.final
          ? ('failed' as const)
          : p.status;
  const updated: Page = {
    ...p,
    status,
    ...(p.mayHaveApplied || c.mayHaveApplied ? { mayHaveApplied: true } : {}),
    attempts: Math.max(p.attempts, c.attempt),
    answer: {
      at,
      ok: c.ok,
      final: c.ok || c.final,
      ...(c.status ? { status: c.status } : {}),
      ...(error ? { error } : {}),
    },
  };
  // The incident closed meanwhile (the call was under way, or skipped): logged only, the room is not told
  // that anyone is paged for a closed incident; the queued resolve closes any alert an attempt opened.
  if (isResolving(p)) return ok(replace(i, updated), [entry]);
  const effects: Effect[] = [entry];
  // The room hears the outcome, the first failed attempt and any wait the provider asks for (Retry-After);
  // other retries are only logged.
  const waits = !c.ok && !c.final && c.retryInMs !== undefined;
  if (c.ok || c.final || c.attempt === 1 || waits) {
    const shown = c.ok ? 'paged' : c.final ? 'failed' : 'retrying';
    const wait = waits ? { waitSeconds: Math.ceil(c.retryInMs! / 1000) } : {};
    effects.push(
      post(`page:${p.request}:${shown}:${c.attempt}`, ROOM, 'page', { ...base, ...wait, state: shown }),
    );
  }
  return ok(replace(i, updated), effects);
};

function replace(i: Incident, p: Page): Incident {
  return { ...i, pages: pagesOf(i).map((x) => (x.request === p.request ? p : x)) };
}

/**
 * Closing the incident resolves its pages: when this decision closes it (close, stand-down), every page still
 * standing gets a `resolve` call, logged, in the same transaction.
 */
export function withPagesResolved(d: Decision, before: Incident, ctx: DecideContext): Decision {
  if (!d.ok || before.closedAt !== null || d.incident.closedAt === null) return d;
  // A failed page stays failed, but is resolved when an attempt may have opened an alert after all.
  const standing = pagesOf(d.incident).filter(
    (p) =>
      !p.resolve &&
      (p.status === 'requested' || p.status === 'paged' || (p.status === 'failed' && p.mayHaveApplied)),
  );
  if (!standing.length) return d;
  const at = iso(ctx.now);
  const effects: Effect[] = [];
  const resolved = new Map<string, Page>();
  for (const p of standing) {
    const r: Page = {
      ...p,
      status: p.status === 'failed' ? 'failed' : 'resolved',
      resolve: { state: 'requested', at, by: ctx.actor.id },
    };
    resolved.set(p.request, r);
    const t = targetOfPage(p, ctx);
    effects.push(
      log('page', {
        request: p.request,
        target: p.target,
        dedupKey: p.dedupKey,
        provider: p.provider,
        action: 'resolve',
        state: 'requested',
        ...(p.status === 'failed' ? { afterFailed: true } : {}),
      }),
      pageRow(r, 'resolve', callData(d.incident, t, ctx, p.requestedBy, p.requestedBy, p.requestedAt)),
    );
  }
  const pages = pagesOf(d.incident).map((p) => resolved.get(p.request) ?? p);
  return { ...d, incident: { ...d.incident, pages }, effects: [...d.effects, ...effects] };
}
