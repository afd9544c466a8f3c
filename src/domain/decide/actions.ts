// Actions with a record: a person asks for a playbook action (freeze deployments, master switch off), the
// core logs the request and owes one call to the actions service; the sender reports every answer back
// (`action_answered`), which is logged, posted to the room, and on success ticks the checklist item the
// action completes. A refusal changes nothing and calls nothing.
import type { ActionCallData, Effect } from '../effects.js';
import { fail } from '../errors.js';
import type { ActionRun, Incident } from '../incident.js';
import { holders, isClosed, rolesOf } from '../incident.js';
import { allChecklistItems } from '../playbook.js';
import {
  type ActionDef,
  actionsOf,
  allowedRoles,
  findAction,
  pendingRun,
  runsOf,
  unsetVariables,
  urlTarget,
} from '../playbook-actions.js';
import { LIMITS } from '../template-fields.js';
import { BOT_ID, code, command, mention, userText } from '../text.js';
import {
  type DecideContext,
  type Handler,
  isCommander,
  iso,
  log,
  notice,
  ok,
  post,
  ROOM,
  roleName,
  view,
} from './context.js';

/** What the room post about an action carries (views/action-post.ts renders it). */
export interface ActionPostData {
  action: string;
  title: string;
  request: string;
  state: 'requested' | 'retrying' | 'succeeded' | 'failed';
  by: string;
  reason: string;
  drill: boolean;
  status?: number;
  error?: string;
  attempt?: number;
  latencyMs?: number;
  /** The checklist item it completed (its text). */
  completed?: string;
}

/** The sentence for an action whose environment variables are not set (nothing is called). */
export function notConfiguredText(a: ActionDef, unset: string[]): string {
  return `"${userText(a.title)}" is not configured: set ${unset.join(', ')} in the bot's environment (see docs/configuration.md, "Playbook actions"). Nothing was called.`;
}

function mayRun(i: Incident, a: ActionDef, ctx: DecideContext): boolean {
  const roles = allowedRoles(ctx.playbook, a);
  if (roles.includes(ctx.playbook.commanderRole) && isCommander(i, ctx.actor.id, ctx)) return true;
  return rolesOf(i, ctx.actor.id).some((r) => roles.includes(r));
}

function forbidden(i: Incident, a: ActionDef, ctx: DecideContext) {
  const names = allowedRoles(ctx.playbook, a).map((r) => roleName(ctx.playbook, r));
  const who =
    names.length === 1 ? `the ${names[0]}` : `the ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  const ic = holders(i, ctx.playbook.commanderRole)[0];
  return {
    ok: false as const,
    error: {
      code: 'forbidden' as const,
      message: `Only ${who} can run "${userText(a.title)}".`,
      hint: ic
        ? `Ask ${mention(ic)}, or take a role that may (${command('role <role>')}).`
        : `Nobody holds the incident commander role: take it with ${command('role commander')}.`,
    },
  };
}

export const runAction: Handler<'run_action'> = (i, c, ctx) => {
  const a = findAction(ctx.playbook, c.action);
  if (!a) {
    const known = actionsOf(ctx.playbook).map((x) => code(x.id));
    return fail(
      'not_found',
      `There is no action "${userText(c.action).slice(0, 60)}". ${known.length ? `Actions: ${known.join(', ')}.` : 'The playbook defines none.'}`,
      'action_id',
    );
  }
  if (!mayRun(i, a, ctx)) return forbidden(i, a, ctx);
  if (isClosed(i) && !a.undoes)
    return fail('closed', `${i.key} is closed; only an undo (such as unfreezing deployments) can still run.`);
  const unset = unsetVariables(a, ctx.isSet);
  if (unset.length) return fail('not_configured', notConfiguredText(a, unset));
  const waiting = pendingRun(i, a.id);
  if (waiting)
    return fail(
      'invalid',
      `"${userText(a.title)}" was already requested by ${mention(waiting.by)}; its answer is awaited (it is retried until the system answers).`,
    );
  const reason = c.reason.trim();
  if (!reason) return fail('invalid', 'Say why: the reason is kept in the decision log.', 'reason');
  if (reason.length > LIMITS.reason) return fail('invalid', `At most ${LIMITS.reason} characters.`, 'reason');
  if (!c.confirmed) return fail('invalid', `Confirm first: ${userText(a.consequence)}`, 'confirm');

  const n = runsOf(i).filter((r) => r.action === a.id).length + 1;
  const at = iso(ctx.now);
  const run: ActionRun = {
    request: `${a.id}.${n}`,
    action: a.id,
    by: ctx.actor.id,
    at,
    reason,
    state: 'requested',
    attempts: 0,
  };
  const data: ActionCallData = {
    incident: i.key,
    // a confidential incident's title stays inside the incident (its key identifies it to the system)
    title: i.confidential ? `${i.key} (confidential)` : i.title,
    actor: ctx.actor.id,
    actorName: ctx.actor.name ?? ctx.actor.id,
    reason,
    requestedAt: at,
    drill: i.drill,
    platform: i.platform,
  };
  const postData: ActionPostData = {
    action: a.id,
    title: a.title,
    request: run.request,
    state: 'requested',
    by: ctx.actor.id,
    reason,
    drill: i.drill,
  };
  return ok({ ...i, actionRuns: [...runsOf(i), run] }, [
    log('action', {
      action: a.id,
      title: a.title,
      request: run.request,
      state: 'requested',
      reason,
      consequence: a.consequence,
      // the playbook's url names its variables, never their values; user, query and fragment are left out
      webhook: `${a.webhook.method} ${urlTarget(a.webhook.url)}`,
      ...(i.drill ? { drill: true } : {}),
    }),
    {
      type: 'message',
      key: `action:${run.request}`,
      target: { to: 'service', service: 'actions' },
      body: { kind: 'action', action: a.id, request: run.request, data },
    },
    post(`action:${run.request}:requested`, ROOM, 'action', { ...postData }),
    view('summary'),
    {
      ...notice(`Requested: ${userText(a.title)}. The answer is posted in the room.`),
      ...(ctx.inRoom ? { shownInRoom: true as const } : {}),
    },
  ]);
};

export const actionAnswered: Handler<'action_answered'> = (i, c, ctx) => {
  if (ctx.actor.id !== BOT_ID) return fail('forbidden', 'Only the bot reports what an action answered.');
  const run = runsOf(i).find((r) => r.request === c.request && r.action === c.action);
  if (!run) return fail('not_found', `There is no request ${userText(c.request)}.`);
  if (run.state !== 'requested')
    return fail('invalid', `Request ${userText(c.request)} was already answered.`);
  const a = findAction(ctx.playbook, c.action);
  const title = a?.title ?? c.action;
  const at = iso(ctx.now);
  const state: ActionRun['state'] = c.ok ? 'succeeded' : c.final ? 'failed' : 'requested';
  const error = c.ok ? undefined : (c.error ?? (c.status ? `HTTP ${c.status}` : 'no answer')).slice(0, 200);
  const updated: ActionRun = {
    ...run,
    state,
    attempts: Math.max(run.attempts, c.attempt),
    ...(c.status ? { status: c.status } : {}),
    ...(error ? { error } : {}),
    ...(state !== 'requested' ? { answeredAt: at } : {}),
  };
  let incident: Incident = {
    ...i,
    actionRuns: runsOf(i).map((r) => (r.request === run.request ? updated : r)),
  };
  const effects: Effect[] = [
    log('action', {
      action: c.action,
      title,
      request: c.request,
      state: c.ok ? 'succeeded' : c.final ? 'failed' : 'attempt_failed',
      status: c.status,
      latencyMs: c.latencyMs,
      attempt: c.attempt,
      excerpt: c.excerpt.slice(0, 500),
      ...(c.target ? { target: c.target } : {}),
      ...(error ? { error } : {}),
    }),
  ];
  const item =
    c.ok && a?.completes ? allChecklistItems(ctx.playbook).find((x) => x.id === a.completes) : undefined;
  if (item && i.checklist[item.id]?.state !== 'done') {
    incident = {
      ...incident,
      checklist: { ...incident.checklist, [item.id]: { state: 'done', by: run.by, at } },
    };
    effects.push(
      log('checklist', {
        item: item.id,
        text: item.text,
        state: 'done',
        action: c.action,
        request: c.request,
      }),
      view('checklist'),
    );
  }
  // The room hears of every final answer and of the first failed attempt (later retries are only logged).
  if (state !== 'requested' || c.attempt === 1) {
    const data: ActionPostData = {
      action: c.action,
      title,
      request: c.request,
      state: state === 'requested' ? 'retrying' : state,
      by: run.by,
      reason: run.reason,
      drill: i.drill,
      attempt: c.attempt,
      latencyMs: c.latencyMs,
      ...(c.status ? { status: c.status } : {}),
      ...(error ? { error } : {}),
      ...(item ? { completed: item.text } : {}),
    };
    effects.push(post(`action:${c.request}:${data.state}:${c.attempt}`, ROOM, 'action', { ...data }));
  }
  if (state !== 'requested') effects.push(view('summary'));
  return ok(incident, effects);
};
