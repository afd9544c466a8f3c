// The procedure as data. The zod schema that validates a playbook file lives in
// ./playbook-schema.ts; these are the types the rest of the core reads.

import type { AlertRuleDef } from './alert-rules.js';
import type { PagingDef } from './paging.js';
import type { ActionDef } from './playbook-actions.js';
import { DEFAULT_RECAP_TEMPLATE } from './recap-template.js';

export interface Link {
  title: string;
  url: string;
}

export interface TriggerClass {
  id: string;
  name: string;
  /** One-line description of when this trigger applies. */
  description: string;
  examples: string[];
  /** Role ids that must be filled at activation (the incident commander is always one). */
  initialOwners: string[];
  runbooks: Link[];
  /** Optional regulatory clock, e.g. notify the regulator within N hours. */
  regulatoryClock?: { label: string; hours: number } | null;
  /** Incidents of this class are confidential unless the declarer says otherwise (e.g. security exposure). */
  confidential?: boolean;
}

/** Limits on declaring, against mistakes and abuse (absent: DEFAULT_LIMITS). */
export interface Limits {
  /** At most `count` declarations by one person in `minutes`. */
  declarePerPerson: { count: number; minutes: number };
  /** The same person declaring the same title within this many minutes is asked first. */
  duplicateTitleMinutes: number;
}

export const DEFAULT_LIMITS: Limits = {
  declarePerPerson: { count: 5, minutes: 10 },
  duplicateTitleMinutes: 10,
};

export interface RoleDef {
  id: string;
  name: string;
  /** What the role does: shown when someone claims it. */
  description: string;
  /** Several people may hold it at once (domain specialists). */
  multiple: boolean;
  /** Holding this role together with incident commander is an overload warning. */
  conflictsWithCommander: boolean;
}

export interface ChecklistItemDef {
  id: string;
  text: string;
  /** Minutes after activation by which the item is due. */
  deadlineMinutes: number;
  /** Role expected to do it. */
  ownerRole: string;
  links: Link[];
  /** When set, the item is ticked by an event rather than by hand ("initial_alert_sent", "room_created"). */
  completedBy?: 'initial_alert_sent' | 'room_created' | null;
}

export interface ChecklistGroupDef {
  id: string;
  name: string;
  items: ChecklistItemDef[];
}

export interface Criterion {
  id: string;
  text: string;
}

export interface PhaseDef {
  id: string;
  name: string;
  description: string;
  exitCriteria: Criterion[];
  /** Allowed moves: `next` are forward moves (exit criteria must be confirmed), `back` are reverts. */
  next: string[];
  back: string[];
  terminal: boolean;
}

/** `recap`: the communication recap after the review (optional in a playbook: DEFAULT_RECAP_TEMPLATE). */
export type TemplateId = 'initial_alert' | 'status_update' | 'closure_notice' | 'recap';
export type Audience = 'incident' | 'stakeholders';

export interface TemplateField {
  id: string;
  label: string;
  required: boolean;
  kind: 'text' | 'multiline' | 'select' | 'datetime';
  options?: string[];
  maxLength: number;
  /** Shown as the input's hint. */
  hint?: string;
}

export interface TemplateDef {
  id: TemplateId;
  name: string;
  audiences: Audience[];
  /** Subject line, may use {field} placeholders and {system}. */
  subject?: string;
  fields: TemplateField[];
  /** Render order, each line `Label: {field}`; placeholders refer to field ids. */
  lines: string[];
}

export interface Clocks {
  statusUpdateMinutes: number;
  severeStatusUpdateMinutes: number;
  initialAlertMinutes: number;
  initialAlertNudgeMinutes: number;
  goldenHourMinutes: number;
  goldenHourWarningMinutes: number;
  requiredRolesNudgeMinutes: number;
  reviewBusinessDays: number;
  nudgeGraceMinutes: number;
}

export interface Playbook {
  id: string;
  version: string;
  title: string;
  triggers: TriggerClass[];
  roles: RoleDef[];
  /** The role that commands the incident; has the authority to move phases and close. */
  commanderRole: string;
  /** The role nudged for stakeholder communications (alert, status updates). Absent: `comms_lead`. */
  communicationsRole?: string;
  /**
   * Roles every incident needs from activation (the handbook: "Assign the following roles at activation
   * time"), on top of the trigger class's initial owners. Absent: only the initial owners are required.
   */
  activationRoles?: string[];
  checklist: ChecklistGroupDef[];
  phases: PhaseDef[];
  /** The first phase of a new incident. */
  initialPhase: string;
  /** The phase left by the `close` command (its exit criteria are the closure criteria). */
  closurePhase: string;
  /** The phase in which the post-incident review is held; recording the review leaves it. */
  reviewPhase: string;
  /**
   * A false alarm is stood down (the handbook: "err on the side of activating the procedures and downgrading
   * later during triage"): from these phases, by the commander, with a reason, straight to `toPhase` (a
   * terminal phase: no review; or the review phase: the review is scheduled as on close). Absent: no stand-down.
   */
  standDown?: { fromPhases: string[]; toPhase: string };
  templates: TemplateDef[];
  clocks: Clocks;
  limits?: Limits;
  links: Record<string, Link>;
  /** How the post-incident review is held (absent: the handbook's method, DEFAULT_REVIEW). */
  review?: ReviewMethod;
  /** Where relative links resolve (the playbook's `links.base`); absent: they stay as written. */
  linkBase?: string;
  /** The workstreams that each need a named lead (absent: the playbook tracks none). */
  workstreams?: WorkstreamsDef;
  /** Actions with a record: webhooks the bot calls on confirmation (./playbook-actions.ts; absent: none). */
  actions?: ActionDef[];
  /** Alerts from monitoring: which mean what, prompted or declared (./alert-rules.ts; absent: all prompted). */
  alertRules?: AlertRuleDef[];
  /** Paging the on-call: which roles and services, and when the roles nudge offers it (./paging.ts). */
  paging?: PagingDef;
}

/** A workstream of the response (containment, investigation...): it needs a named lead. */
export interface WorkstreamDef {
  id: string;
  name: string;
  /** What the workstream covers: shown with it. */
  description: string;
}

export interface WorkstreamsDef {
  /** The checklist item done by the bot once every workstream has a lead (reopened when one is released). */
  completes?: string;
  items: WorkstreamDef[];
}

/** A link as people can follow it: a relative one resolved against the playbook's `links.base`. */
export function resolveLink(pb: Pick<Playbook, 'linkBase'>, l: Link): Link {
  if (!pb.linkBase || isAbsolute(l.url)) return l;
  const base = pb.linkBase.endsWith('/') ? pb.linkBase : `${pb.linkBase}/`;
  try {
    return { title: l.title, url: new URL(l.url, base).href };
  } catch {
    return l;
  }
}

/** A URL with a scheme (https:, mailto:...) or protocol-relative: not resolved against the base. */
export function isAbsolute(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:|^\/\//i.test(url);
}

/** Every link of the playbook with where it is (for `playbook check`): triggers' runbooks, items, named. */
export function allLinks(pb: Playbook): { path: string; link: Link }[] {
  return [
    ...pb.triggers.flatMap((t, i) =>
      t.runbooks.map((l, j) => ({ path: `triggers[${i}].runbooks[${j}]`, link: l })),
    ),
    ...pb.checklist.flatMap((g, i) =>
      g.items.flatMap((it, j) =>
        it.links.map((l, k) => ({ path: `checklist[${i}].items[${j}].links[${k}]`, link: l })),
      ),
    ),
    ...Object.entries(pb.links).map(([name, l]) => ({ path: `links.${name}`, link: l })),
  ];
}

/** The review method as data: the five whys, the control objectives, and the questions it must answer. */
export interface ReviewMethod {
  /** How many "why" lines the review offers (the first is required). */
  whys: number;
  /** The control objectives contributing factors and follow-ups map to. */
  objectives: { id: string; name: string }[];
  /** Further questions the review answers (the handbook's readiness check, the runbook library). */
  questions: { id: string; label: string; hint?: string; required: boolean }[];
  /** The debrief's default hour (UTC) on the review's due date, and its length (absent: DEFAULT_DEBRIEF). */
  debrief?: { hour: number; minutes: number };
}

/** The handbook's method: a five-whys analysis mapped to risk, compliance and resilience. */
export const DEFAULT_REVIEW: ReviewMethod = {
  whys: 5,
  objectives: [
    { id: 'risk', name: 'Risk' },
    { id: 'compliance', name: 'Compliance' },
    { id: 'resilience', name: 'Resilience' },
  ],
  questions: [],
};

export function reviewMethod(pb: Pick<Playbook, 'review'>): ReviewMethod {
  return pb.review ?? DEFAULT_REVIEW;
}

/** An objective's name in this playbook (its id when unknown). */
export function objectiveName(pb: Pick<Playbook, 'review'>, id: string): string {
  return reviewMethod(pb).objectives.find((o) => o.id === id)?.name ?? id;
}

export interface PlaybookRef {
  version: string;
  sha256: string;
}

export function findPhase(pb: Playbook, id: string): PhaseDef | undefined {
  return pb.phases.find((p) => p.id === id);
}

export function findRole(pb: Playbook, id: string): RoleDef | undefined {
  return pb.roles.find((r) => r.id === id);
}

export function findTrigger(pb: Playbook, id: string): TriggerClass | undefined {
  return pb.triggers.find((t) => t.id === id);
}

export function findTemplate(pb: Playbook, id: TemplateId): TemplateDef {
  const t = pb.templates.find((x) => x.id === id);
  // Playbooks older than the recap (and incidents pinned to them) have none: the handbook's own is used.
  if (!t && id === 'recap') return DEFAULT_RECAP_TEMPLATE;
  if (!t) throw new Error(`playbook has no template ${id}`);
  return t;
}

export function allChecklistItems(pb: Playbook): ChecklistItemDef[] {
  return pb.checklist.flatMap((g) => g.items);
}

/**
 * What closing confirms. From the closure phase: its exit criteria. From the phase before it (closing
 * straight out of mitigation & recovery), that phase's exit criteria first: the close passes through it, and
 * an auditor must see "normal service restored" confirmed by someone, not assumed.
 */
/** Whether an incident in `phase` can be closed now: in the closure phase or the one just before it. */
export function closableFrom(pb: Playbook, phase: string): boolean {
  return phase === pb.closurePhase || (findPhase(pb, phase)?.next.includes(pb.closurePhase) ?? false);
}

export function closureCriteria(pb: Playbook, fromPhase: string = pb.closurePhase): Criterion[] {
  const closure = findPhase(pb, pb.closurePhase)?.exitCriteria ?? [];
  if (fromPhase === pb.closurePhase) return closure;
  const seen = new Set(closure.map((k) => k.id));
  const before = (findPhase(pb, fromPhase)?.exitCriteria ?? []).filter((k) => !seen.has(k.id));
  return [...before, ...closure];
}
