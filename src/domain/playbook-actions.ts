// Actions with a record (the handbook's "Freeze deployments via the promotion gate" and "Trigger emergency
// switch-off or throttling"): what the playbook's `actions` say, and the pure questions asked about them.
// Secrets never live in the playbook: the webhook's url and header values name environment variables as
// `${NAME}`, resolved only when the call is made (src/integrations/action-webhook-sender.ts).
import type { ActionRun, Incident } from './incident.js';
import type { Playbook } from './playbook.js';

export const ACTION_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'] as const;
export type ActionMethod = (typeof ACTION_METHODS)[number];

/** A JSON value; strings may hold `{placeholder}`s (ACTION_PLACEHOLDERS). */
export type JsonTemplate = string | number | boolean | null | JsonTemplate[] | { [k: string]: JsonTemplate };

export interface ActionWebhook {
  method: ActionMethod;
  /** http(s) URL; may reference environment variables as `${NAME}` (e.g. `${PROMOTION_GATE_URL}/freeze`). */
  url: string;
  /** Header values may reference environment variables (`Bearer ${PROMOTION_GATE_TOKEN}`). Never logged. */
  headers?: Record<string, string>;
  /** The JSON body (absent: every placeholder under its own name). Not sent with GET. */
  body?: JsonTemplate;
}

export interface ActionDef {
  id: string;
  title: string;
  /** What it does to the world, in one sentence: shown in the confirmation step. */
  consequence: string;
  /** Roles allowed to run it (absent: the incident commander only). */
  roles?: string[];
  /** The checklist item it completes when it succeeds. */
  completes?: string | null;
  /** The action it undoes (unfreeze undoes freeze): offered once that one succeeded. */
  undoes?: string | null;
  webhook: ActionWebhook;
}

/** What a body template may say; a string that is exactly `{drill}` becomes a boolean. */
export const ACTION_PLACEHOLDERS = [
  'incident',
  'title',
  'actor',
  'actor_name',
  'reason',
  'action',
  'request',
  'requested_at',
  'drill',
  'platform',
] as const;
export type ActionPlaceholder = (typeof ACTION_PLACEHOLDERS)[number];

/** The body when the playbook gives none. */
export const DEFAULT_ACTION_BODY: JsonTemplate = Object.fromEntries(
  ACTION_PLACEHOLDERS.map((p) => [p, `{${p}}`]),
);

const VARIABLE = /\$\{([^}]*)\}/g;
export const VARIABLE_NAME = /^[A-Z_][A-Z0-9_]*$/;

export function actionsOf(pb: Pick<Playbook, 'actions'>): ActionDef[] {
  return pb.actions ?? [];
}

export function findAction(pb: Pick<Playbook, 'actions'>, id: string): ActionDef | undefined {
  return actionsOf(pb).find((a) => a.id === id);
}

/** The roles that may run it: its own list, else the incident commander's role. */
export function allowedRoles(pb: Pick<Playbook, 'commanderRole'>, a: ActionDef): string[] {
  return a.roles?.length ? a.roles : [pb.commanderRole];
}

/** Names of the environment variables an action's url and headers reference. */
export function variablesOf(a: ActionDef): string[] {
  const names = new Set<string>();
  for (const s of [a.webhook.url, ...Object.values(a.webhook.headers ?? {})])
    for (const m of s.matchAll(VARIABLE)) names.add(m[1]!);
  return [...names];
}

/** The variables of `a` that are not set (empty counts as not set). */
export function unsetVariables(a: ActionDef, isSet: ((name: string) => boolean) | undefined): string[] {
  return variablesOf(a).filter((n) => !isSet?.(n));
}

/** `s` with every `${NAME}` replaced by its value; `missing` lists the names with no value. */
export function substituteVariables(
  s: string,
  env: (name: string) => string | undefined,
): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = s.replace(VARIABLE, (_, name: string) => {
    const v = env(name);
    if (v === undefined || v === '') missing.push(name);
    return v ?? '';
  });
  return { value, missing };
}

/** The body template with its placeholders filled (a string exactly `{drill}` becomes true or false). */
export function fillTemplate(t: JsonTemplate, values: Record<ActionPlaceholder, string | boolean>): unknown {
  if (typeof t === 'string') {
    const whole = /^\{([a-z_]+)\}$/.exec(t);
    if (whole && Object.hasOwn(values, whole[1]!)) return values[whole[1] as ActionPlaceholder];
    return t.replace(/\{([a-z_]+)\}/g, (m, name: string) =>
      Object.hasOwn(values, name) ? String(values[name as ActionPlaceholder]) : m,
    );
  }
  if (Array.isArray(t)) return t.map((x) => fillTemplate(x, values));
  if (t && typeof t === 'object')
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, fillTemplate(v, values)]));
  return t;
}

/** The placeholders a body template uses (to check them against ACTION_PLACEHOLDERS). */
export function placeholdersIn(t: JsonTemplate | undefined): string[] {
  if (typeof t === 'string') return [...t.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
  if (Array.isArray(t)) return t.flatMap(placeholdersIn);
  if (t && typeof t === 'object') return Object.values(t).flatMap(placeholdersIn);
  return [];
}

/** The action that undoes `a`, if the playbook has one. */
export function undoOf(pb: Pick<Playbook, 'actions'>, a: ActionDef): ActionDef | undefined {
  return actionsOf(pb).find((x) => x.undoes === a.id);
}

export function runsOf(i: Incident): ActionRun[] {
  return i.actionRuns ?? [];
}

/** The run of `action` waiting for its answer, if any. */
export function pendingRun(i: Incident, action: string): ActionRun | undefined {
  return runsOf(i).find((r) => r.action === action && r.state === 'requested');
}

/** The last run of `action` that succeeded. */
export function lastSucceeded(i: Incident, action: string): ActionRun | undefined {
  return runsOf(i)
    .filter((r) => r.action === action && r.state === 'succeeded')
    .at(-1);
}

/**
 * Whether `a` is in effect now: it succeeded, and its undo has not succeeded since (an undo action is never
 * "in effect" itself; it only ends its target's).
 */
export function inEffect(pb: Pick<Playbook, 'actions'>, i: Incident, a: ActionDef): boolean {
  if (a.undoes) return false;
  const done = lastSucceeded(i, a.id);
  if (!done) return false;
  const undo = undoOf(pb, a);
  const undone = undo ? lastSucceeded(i, undo.id) : undefined;
  return !undone || Date.parse(undone.answeredAt ?? undone.at) < Date.parse(done.answeredAt ?? done.at);
}

/**
 * The actions worth offering now, in playbook order: an undo only while its target is in effect, any other
 * action while it is not; none waiting for an answer. Closed incidents are offered undos only.
 */
export function offeredActions(pb: Playbook, i: Incident): ActionDef[] {
  const closed = i.closedAt !== null;
  return actionsOf(pb).filter((a) => {
    if (pendingRun(i, a.id)) return false;
    if (a.undoes) {
      const target = findAction(pb, a.undoes);
      return target ? inEffect(pb, i, target) : false;
    }
    return !closed && !inEffect(pb, i, a);
  });
}

/** The host and path of a URL (never its query, user or password): what the decision log may keep. */
export function hostAndPath(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/**
 * What the log keeps of a webhook's address: the playbook's url as written, its `${NAME}`s left as names (a
 * variable may hold a whole URL with a secret in its path), without scheme, user, password, query or fragment.
 */
export function urlTarget(template: string): string {
  return template
    .split(/[?#]/)[0]!
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^[^/@]*@/, '');
}
