// Paging the on-call (issue 21, "people paged"): the playbook's `paging` section, the pages an incident keeps,
// and the pure questions asked about them. A page goes out once per incident and target: its dedup key is
// `<incident key>.<declared, 20261130T140203Z>.<role or service>` (dedupKeyOf), the same on every retry, so
// PagerDuty (dedup_key) and Opsgenie (alias) keep one alert however often the call is made. Secrets never
// live in the playbook: a service's routing key is a `${NAME}` reference, resolved when the call is made
// (src/integrations/pager-sender.ts).
import type { Incident } from './incident.js';
import type { Playbook } from './playbook.js';
import { requiredRoles } from './roles.js';

/** The paging services the bot can page through (one is configured at a time). */
export type PagerName = 'pagerduty' | 'opsgenie';
export const PAGER_NAMES: Record<PagerName, string> = { pagerduty: 'PagerDuty', opsgenie: 'Opsgenie' };

/**
 * How this bot pages: through a provider, or as a rehearsal (the local console: the page is logged and said
 * in the room, nobody is paged). Absent from the context: paging is not configured.
 */
export type PagingMode = PagerName | 'rehearsal';

/** A system with its own on-call (the playbook's `paging.services`). */
export interface PagingService {
  /** What the service is, for people choosing whom to page. */
  description: string;
  /** PagerDuty: the service's Events API v2 routing key, as `${ENV_NAME}` (absent: PAGERDUTY_ROUTING_KEY). */
  routingKey?: string;
  /** Opsgenie: the responder team (its name); absent: the API key's own team. */
  team?: string;
}

export interface PagingDef {
  /** A required role still open this many minutes after declaration: the roles nudge offers to page it. */
  pageAfterMinutes: number;
  /** Roles that may be paged (absent: the activation roles and the trigger classes' initial owners). */
  roles?: string[];
  /** Services with their own on-call, by name (id). */
  services?: Record<string, PagingService>;
}

export type PageStatus = 'requested' | 'paged' | 'failed' | 'resolved';

/** One page of a role or service and its answers. */
export interface Page {
  /** Unique within the incident: `<target>.<n>`. */
  request: string;
  /** The role id or service name paged. */
  target: string;
  kind: 'role' | 'service';
  /** One alert at the provider per page: see dedupKeyOf (older pages: `<incident key>/<target>`). */
  dedupKey: string;
  status: PageStatus;
  provider: PagerName;
  requestedBy: string;
  requestedAt: string;
  /** Calls made so far (the trigger). */
  attempts: number;
  /** The provider's last answer to the trigger (`final`: no further attempt); status absent: none, e.g. a timeout. */
  answer?: { ok: boolean; final: boolean; at: string; status?: number; error?: string };
  /**
   * A trigger attempt may have reached the provider though it failed (a timeout, 408, 429, 5xx): a page that
   * failed with this set may have opened an alert, so closing the incident resolves it too.
   */
  mayHaveApplied?: boolean;
  /** Closing the incident resolves the page: requested, then done or failed. */
  resolve?: {
    state: 'requested' | 'done' | 'failed';
    at: string;
    by: string;
    attempts?: number;
    error?: string;
  };
}

/** The roles that may be paged under this playbook. */
export function pageableRoles(pb: Playbook): string[] {
  if (pb.paging?.roles?.length) return pb.paging.roles;
  const all = new Set<string>(pb.activationRoles ?? []);
  for (const t of pb.triggers) for (const r of requiredRoles(pb, t.id)) all.add(r);
  return pb.roles.map((r) => r.id).filter((r) => all.has(r));
}

export function pagingServices(pb: Playbook): [string, PagingService][] {
  return Object.entries(pb.paging?.services ?? {});
}

export function pagesOf(i: Incident): Page[] {
  return i.pages ?? [];
}

/** PagerDuty's limit on dedup_key (Opsgenie's alias allows 512). */
export const MAX_DEDUP_KEY = 255;

/** "2026-11-30T14:02:03.000Z" -> "20261130T140203Z" (ISO 8601 basic format: no ":" or "/" for URL paths). */
function compactInstant(iso: string): string {
  return iso.replace(/\.\d+(?=Z$)/, '').replace(/[-:]/g, '');
}

/**
 * A page's dedup key: `INC-2026-0001.20261130T140203Z.technical_lead`, and `.<n>` for the target's n-th page
 * (a re-page after a failed one is a new alert, not folded into an alert the failed attempts may have opened).
 * The declaration instant keeps keys unique across installs sharing a service (staging and prod) and after a
 * rebuilt database restarts the numbering. No "/": Opsgenie's close path carries the key, and an encoded
 * slash is refused by many front ends.
 */
export function dedupKeyOf(i: Pick<Incident, 'key' | 'declaredAt'>, target: string, n = 1): string {
  const suffix = n > 1 ? `.${n}` : '';
  return (
    `${i.key}.${compactInstant(i.declaredAt)}.${target}`.slice(0, MAX_DEDUP_KEY - suffix.length) + suffix
  );
}

/** Names as people type them: lower case, spaces and dashes as "_" (`Technical lead` -> `technical_lead`). */
export const normName = (s: string) =>
  s
    .toLowerCase()
    .trim()
    .replace(/[\s-]+/g, '_');

/** A prefix names a role or service only from this many characters (`page m` must not page market data). */
export const MIN_PAGE_PREFIX = 3;

export type PageTargetMatch =
  | { kind: 'role' | 'service'; id: string }
  | { error: 'unknown' }
  | { error: 'ambiguous'; choices: string[] };

/**
 * Whom `page <word>` names, for the app (typed words) and the core alike: roles first (id, name, or an alias
 * the app knows, e.g. "tl"), then a paging service by its name, then a unique prefix of at least
 * MIN_PAGE_PREFIX characters of a role's or a service's name. Several matches are refused with the choices.
 * Whether the role may be paged is the core's question (pageableRoles).
 */
export function matchPageTarget(
  pb: Playbook,
  raw: string,
  alias?: (word: string) => string | null,
): PageTargetMatch {
  const w = normName(raw);
  if (!w) return { error: 'unknown' };
  const aliased = alias?.(raw);
  const role =
    pb.roles.find((r) => normName(r.id) === w || normName(r.name) === w) ??
    pb.roles.find((r) => r.id === aliased);
  if (role) return { kind: 'role', id: role.id };
  const services = pagingServices(pb).map(([id]) => id);
  const service = services.find((s) => normName(s) === w);
  if (service) return { kind: 'service', id: service };
  if (w.length < MIN_PAGE_PREFIX) return { error: 'unknown' };
  const hits: { kind: 'role' | 'service'; id: string }[] = [
    ...pb.roles
      .filter((r) => normName(r.id).startsWith(w) || normName(r.name).startsWith(w))
      .map((r) => ({ kind: 'role' as const, id: r.id })),
    ...services.filter((s) => normName(s).startsWith(w)).map((id) => ({ kind: 'service' as const, id })),
  ];
  if (hits.length === 1) return hits[0]!;
  return hits.length ? { error: 'ambiguous', choices: hits.map((h) => h.id) } : { error: 'unknown' };
}

/** A page being resolved (the incident closed): its trigger is no longer sent, its answers no longer told. */
export function isResolving(p: Page): boolean {
  return p.resolve !== undefined || p.status === 'resolved';
}

/** The page of `target` still standing (requested or paged, not resolved): a second one is refused. */
export function openPage(i: Incident, target: string): Page | undefined {
  return pagesOf(i).find((p) => p.target === target && (p.status === 'requested' || p.status === 'paged'));
}

/** What a routing key reference names: `${NAME}` -> NAME; null when it is not one reference alone. */
export function routingKeyVariable(ref: string | undefined): string | null {
  const m = /^\$\{([A-Z_][A-Z0-9_]*)\}$/.exec(ref ?? '');
  return m ? m[1]! : null;
}

/** What a page's call is built from, as it was when the page was requested (a confidential title left out). */
export interface PageCallData {
  incident: string;
  /** One line for the on-call's phone: `[INC-…] <who> needed: <title>` (no title when confidential). */
  summary: string;
  severity: 'critical' | 'error';
  targetKind: 'role' | 'service';
  /** The role's or service's name as people read it. */
  targetName: string;
  requestedBy: string;
  requestedByName: string;
  requestedAt: string;
  drill: boolean;
  /** PagerDuty: the service's routing key reference (`${NAME}`); absent: PAGERDUTY_ROUTING_KEY. */
  routingKey?: string;
  /** Opsgenie: the responder team. */
  team?: string;
  /** The incident's room, when it has a link (not for a confidential incident). */
  link?: string;
  /** Shown with the alert (PagerDuty custom_details, Opsgenie details): never the title when confidential. */
  details: Record<string, string>;
}
