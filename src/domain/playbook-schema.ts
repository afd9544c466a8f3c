// Validation of a playbook file (the procedure as reviewed data). Pure: takes the parsed value,
// never touches the file system. Two passes: the zod schema checks shapes and types, then
// semantic checks look at references, uniqueness and the phase graph. Every error names its
// path in the file, e.g. `phases[2].next[0]: unknown phase "recovery"`. It runs over 400 lines: the core
// sections and their cross-checks are read together; newer sections live in playbook-*-schema.ts.

import { z } from 'zod';
import type { Playbook, TemplateId } from './playbook.js';
import { actionIssues, actionSchema } from './playbook-actions-schema.js';
import { alertRuleIssues, alertRuleSchema } from './playbook-alerts-schema.js';
import { pagingIssues, pagingSchema } from './playbook-paging-schema.js';
import { id, linkSchema, linksSchema, positiveInt, reviewSchema, text } from './playbook-schema-kit.js';
import { workstreamIssues, workstreamsSchema } from './playbook-workstreams-schema.js';

const triggerSchema = z.strictObject({
  id,
  name: text,
  description: text,
  examples: z.array(text).min(1, 'needs at least one example'),
  initialOwners: z.array(id).min(1, 'needs at least one role'),
  runbooks: z.array(linkSchema),
  regulatoryClock: z
    .strictObject({ label: text, hours: z.number().positive('must be positive') })
    .nullable()
    .optional(),
  confidential: z.boolean().optional(),
});

const roleSchema = z.strictObject({
  id,
  name: text,
  description: text,
  multiple: z.boolean(),
  conflictsWithCommander: z.boolean(),
});

const checklistItemSchema = z.strictObject({
  id,
  text,
  deadlineMinutes: positiveInt,
  ownerRole: id,
  links: z.array(linkSchema),
  completedBy: z.enum(['initial_alert_sent', 'room_created']).nullable().optional(),
});

const checklistGroupSchema = z.strictObject({
  id,
  name: text,
  items: z.array(checklistItemSchema).min(1, 'needs at least one item'),
});

const criterionSchema = z.strictObject({ id, text });

const phaseSchema = z.strictObject({
  id,
  name: text,
  description: text,
  exitCriteria: z.array(criterionSchema),
  next: z.array(id),
  back: z.array(id),
  terminal: z.boolean(),
});

const TEMPLATE_IDS = [
  'initial_alert',
  'status_update',
  'closure_notice',
  'recap',
] as const satisfies readonly TemplateId[];
const OPTIONAL_TEMPLATES = new Set<TemplateId>(['recap']); // left out: DEFAULT_RECAP_TEMPLATE is used

const templateFieldSchema = z.strictObject({
  id,
  label: text,
  required: z.boolean(),
  kind: z.enum(['text', 'multiline', 'select', 'datetime']),
  options: z.array(text).optional(),
  maxLength: positiveInt,
  hint: z.string().optional(),
});

const templateSchema = z.strictObject({
  id: z.enum(TEMPLATE_IDS),
  name: text,
  audiences: z.array(z.enum(['incident', 'stakeholders'])).min(1, 'needs at least one audience'),
  subject: z.string().optional(),
  fields: z.array(templateFieldSchema).min(1, 'needs at least one field'),
  lines: z.array(z.string()).min(1, 'needs at least one line'),
});

const clocksSchema = z.strictObject({
  statusUpdateMinutes: positiveInt,
  severeStatusUpdateMinutes: positiveInt,
  initialAlertMinutes: positiveInt,
  initialAlertNudgeMinutes: positiveInt,
  goldenHourMinutes: positiveInt,
  goldenHourWarningMinutes: positiveInt,
  requiredRolesNudgeMinutes: positiveInt,
  reviewBusinessDays: positiveInt,
  nudgeGraceMinutes: positiveInt,
});

export const playbookSchema = z
  .strictObject({
    id,
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, 'must be a semantic version like "1.0.0" (quote it)'),
    title: text,
    triggers: z.array(triggerSchema).min(1, 'needs at least one trigger'),
    roles: z.array(roleSchema).min(1, 'needs at least one role'),
    commanderRole: id,
    communicationsRole: id.optional(),
    activationRoles: z.array(id).optional(),
    checklist: z.array(checklistGroupSchema),
    phases: z.array(phaseSchema).min(1, 'needs at least one phase'),
    initialPhase: id,
    closurePhase: id,
    reviewPhase: id,
    standDown: z
      .strictObject({ fromPhases: z.array(id).min(1, 'name at least one phase'), toPhase: id })
      .optional(),
    templates: z.array(templateSchema),
    clocks: clocksSchema,
    limits: z
      .strictObject({
        declarePerPerson: z.strictObject({ count: positiveInt, minutes: positiveInt }),
        duplicateTitleMinutes: positiveInt,
      })
      .optional(),
    links: linksSchema,
    review: reviewSchema.optional(),
    workstreams: workstreamsSchema.optional(),
    actions: z.array(actionSchema).optional(),
    alertRules: z.array(alertRuleSchema).optional(),
    paging: pagingSchema.optional(),
  })
  .transform(({ links: { base, ...named }, ...pb }) => ({
    ...pb,
    links: named as Record<string, z.output<typeof linkSchema>>,
    ...(base ? { linkBase: base } : {}),
  }));

/** Compile-time check: what the schema produces is a `Playbook`. */
type AssertPlaybook<T extends Playbook> = T;
export type PlaybookSchemaOutput = AssertPlaybook<z.output<typeof playbookSchema>>;

/** The field ids each template must have (other code fills and renders them by id). */
export const REQUIRED_TEMPLATE_FIELDS: Record<TemplateId, readonly string[]> = {
  initial_alert: ['system', 'summary', 'start_time', 'impact', 'actions', 'next_update', 'commander'],
  status_update: ['status', 'developments', 'risks', 'help', 'next_update'],
  closure_notice: ['resolved_at', 'impact_summary', 'followups', 'review'],
  recap: ['summary', 'impact', 'root_cause', 'lessons', 'improvements', 'followups'],
};

/** Placeholders a template may use besides its own fields (filled from the incident). */
const INCIDENT_PLACEHOLDERS = new Set(['system']);

export type PathSegment = string | number;

export interface PlaybookIssue {
  path: PathSegment[];
  message: string;
}

export type ValidateResult = { ok: true; playbook: Playbook } | { ok: false; errors: string[] };

/** `['phases', 2, 'next', 0]` -> `phases[2].next[0]`; an empty path is `(root)`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '(root)';
}

export function formatIssue(issue: PlaybookIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/** Like `validatePlaybook`, but returns errors with their path kept apart (to add line numbers). */
export function checkPlaybook(
  raw: unknown,
): { ok: true; playbook: Playbook } | { ok: false; issues: PlaybookIssue[] } {
  const parsed = playbookSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({
        path: i.path.filter((s): s is PathSegment => typeof s !== 'symbol'),
        message: i.message,
      })),
    };
  }
  const playbook: Playbook = parsed.data;
  const issues = semanticIssues(playbook);
  return issues.length ? { ok: false, issues } : { ok: true, playbook };
}

export function validatePlaybook(raw: unknown): ValidateResult {
  const r = checkPlaybook(raw);
  return r.ok ? r : { ok: false, errors: r.issues.map(formatIssue) };
}

function semanticIssues(pb: Playbook): PlaybookIssue[] {
  const issues: PlaybookIssue[] = [];
  const add = (path: PathSegment[], message: string) => issues.push({ path, message });

  const unique = (list: { id: string }[], base: PathSegment[], what: string) => {
    const seen = new Map<string, number>();
    list.forEach((x, i) => {
      const first = seen.get(x.id);
      if (first !== undefined)
        add([...base, i, 'id'], `duplicate ${what} id "${x.id}" (first at index ${first})`);
      else seen.set(x.id, i);
    });
  };

  // Uniqueness.
  if (pb.review) {
    unique(pb.review.objectives, ['review', 'objectives'], 'objective');
    unique(pb.review.questions, ['review', 'questions'], 'question');
  }
  unique(pb.triggers, ['triggers'], 'trigger');
  unique(pb.roles, ['roles'], 'role');
  unique(pb.phases, ['phases'], 'phase');
  unique(pb.checklist, ['checklist'], 'checklist group');
  unique(pb.templates, ['templates'], 'template');
  const itemSeen = new Map<string, string>();
  pb.checklist.forEach((g, gi) => {
    g.items.forEach((item, ii) => {
      const first = itemSeen.get(item.id);
      if (first !== undefined)
        add(
          ['checklist', gi, 'items', ii, 'id'],
          `duplicate checklist item id "${item.id}" (first at ${first})`,
        );
      else itemSeen.set(item.id, formatPath(['checklist', gi, 'items', ii]));
    });
  });
  pb.phases.forEach((p, pi) => {
    unique(p.exitCriteria, ['phases', pi, 'exitCriteria'], 'exit criterion');
  });
  pb.templates.forEach((t, ti) => {
    unique(t.fields, ['templates', ti, 'fields'], 'template field');
  });

  // Role references.
  const roleIds = new Set(pb.roles.map((r) => r.id));
  const roleRef = (path: PathSegment[], ref: string) => {
    if (!roleIds.has(ref)) add(path, `unknown role "${ref}"`);
  };
  roleRef(['commanderRole'], pb.commanderRole);
  pb.triggers.forEach((t, ti) => {
    t.initialOwners.forEach((r, ri) => {
      roleRef(['triggers', ti, 'initialOwners', ri], r);
    });
    if (roleIds.has(pb.commanderRole) && !t.initialOwners.includes(pb.commanderRole))
      add(['triggers', ti, 'initialOwners'], `must include the commander role "${pb.commanderRole}"`);
  });
  pb.checklist.forEach((g, gi) => {
    g.items.forEach((item, ii) => {
      roleRef(['checklist', gi, 'items', ii, 'ownerRole'], item.ownerRole);
    });
  });
  if (pb.communicationsRole && !pb.roles.some((x) => x.id === pb.communicationsRole))
    add(['communicationsRole'], `unknown role "${pb.communicationsRole}"`);
  (pb.activationRoles ?? []).forEach((r, ri) => {
    if (!pb.roles.some((x) => x.id === r)) add(['activationRoles', ri], `unknown role "${r}"`);
  });
  const commander = pb.roles.find((r) => r.id === pb.commanderRole);
  if (commander?.multiple)
    add(['roles', pb.roles.indexOf(commander), 'multiple'], 'the commander role is held by one person');

  // Phase references and graph.
  const phaseById = new Map(pb.phases.map((p) => [p.id, p]));
  let brokenRefs = false;
  const phaseRef = (path: PathSegment[], ref: string): boolean => {
    if (phaseById.has(ref)) return true;
    add(path, `unknown phase "${ref}"`);
    brokenRefs = true;
    return false;
  };
  pb.phases.forEach((p, pi) => {
    p.next.forEach((n, ni) => {
      phaseRef(['phases', pi, 'next', ni], n);
    });
    p.back.forEach((b, bi) => {
      phaseRef(['phases', pi, 'back', bi], b);
    });
    if (p.terminal && p.next.length)
      add(['phases', pi, 'next'], `terminal phase "${p.id}" must have no next phases`);
    if (!p.terminal && !p.next.length)
      add(['phases', pi, 'next'], `phase "${p.id}" is not terminal but has no next phase (dead end)`);
  });
  const initialOk = phaseRef(['initialPhase'], pb.initialPhase);
  const closureOk = phaseRef(['closurePhase'], pb.closurePhase);
  const reviewOk = phaseRef(['reviewPhase'], pb.reviewPhase);
  if (!pb.phases.some((p) => p.terminal)) add(['phases'], 'no terminal phase');
  // With a broken reference the graph checks below would only repeat it.
  if (initialOk && !brokenRefs) {
    const reached = new Set<string>([pb.initialPhase]);
    const queue = [pb.initialPhase];
    while (queue.length) {
      const cur = phaseById.get(queue.shift()!);
      for (const n of cur?.next ?? []) {
        if (phaseById.has(n) && !reached.has(n)) {
          reached.add(n);
          queue.push(n);
        }
      }
    }
    if (!pb.phases.some((p) => p.terminal && reached.has(p.id)))
      add(['initialPhase'], `no terminal phase is reachable from "${pb.initialPhase}" by next moves`);
    if (closureOk && !reached.has(pb.closurePhase))
      add(['closurePhase'], `phase "${pb.closurePhase}" is not reachable from "${pb.initialPhase}"`);
    if (reviewOk && !reached.has(pb.reviewPhase))
      add(['reviewPhase'], `phase "${pb.reviewPhase}" is not reachable from "${pb.initialPhase}"`);
  }
  if (closureOk && phaseById.get(pb.closurePhase)?.terminal)
    add(
      ['closurePhase'],
      `phase "${pb.closurePhase}" is terminal; the closure phase must be left by closing`,
    );
  if (pb.standDown) {
    const sd = pb.standDown;
    sd.fromPhases.forEach((f, fi) => {
      if (!phaseRef(['standDown', 'fromPhases', fi], f)) return;
      if (phaseById.get(f)?.terminal || f === pb.closurePhase || f === pb.reviewPhase)
        add(
          ['standDown', 'fromPhases', fi],
          `phase "${f}" is closed or closing; stand-down is for the phases before it`,
        );
    });
    if (
      phaseRef(['standDown', 'toPhase'], sd.toPhase) &&
      !phaseById.get(sd.toPhase)?.terminal &&
      sd.toPhase !== pb.reviewPhase
    )
      add(['standDown', 'toPhase'], `phase "${sd.toPhase}" must be a terminal phase or the review phase`);
  }
  if (reviewOk && phaseById.get(pb.reviewPhase)?.terminal)
    add(
      ['reviewPhase'],
      `phase "${pb.reviewPhase}" is terminal; the review phase must be left by recording the review`,
    );

  // Templates.
  for (const tid of TEMPLATE_IDS) {
    const ti = pb.templates.findIndex((t) => t.id === tid);
    if (ti < 0) {
      if (!OPTIONAL_TEMPLATES.has(tid)) add(['templates'], `missing template "${tid}"`);
      continue;
    }
    const ids = new Set(pb.templates[ti]!.fields.map((f) => f.id));
    for (const fid of REQUIRED_TEMPLATE_FIELDS[tid]) {
      if (!ids.has(fid)) add(['templates', ti, 'fields'], `template "${tid}" is missing field "${fid}"`);
    }
  }
  pb.templates.forEach((t, ti) => {
    const ids = new Set(t.fields.map((f) => f.id));
    t.fields.forEach((f, fi) => {
      if (f.kind === 'select' && !f.options?.length)
        add(['templates', ti, 'fields', fi, 'options'], 'a select field needs options');
      if (f.kind !== 'select' && f.options !== undefined)
        add(
          ['templates', ti, 'fields', fi, 'options'],
          `options are only for select fields (kind is "${f.kind}")`,
        );
      for (const [oi, o] of (f.options ?? []).entries()) {
        if (o.length > f.maxLength)
          add(
            ['templates', ti, 'fields', fi, 'options', oi],
            `option is longer than maxLength ${f.maxLength}`,
          );
      }
    });
    const checkPlaceholders = (s: string, path: PathSegment[]) => {
      for (const m of s.matchAll(/\{([^{}]*)\}/g)) {
        const name = m[1]!;
        if (!ids.has(name) && !INCIDENT_PLACEHOLDERS.has(name)) add(path, `unknown placeholder "{${name}}"`);
      }
    };
    if (t.subject !== undefined) checkPlaceholders(t.subject, ['templates', ti, 'subject']);
    t.lines.forEach((l, li) => {
      checkPlaceholders(l, ['templates', ti, 'lines', li]);
    });
  });

  issues.push(...workstreamIssues(pb), ...actionIssues(pb), ...alertRuleIssues(pb), ...pagingIssues(pb));

  // Clocks: warnings must come before what they warn about.
  const c = pb.clocks;
  if (c.severeStatusUpdateMinutes > c.statusUpdateMinutes)
    add(['clocks', 'severeStatusUpdateMinutes'], 'must not be longer than statusUpdateMinutes');
  if (c.initialAlertNudgeMinutes >= c.initialAlertMinutes)
    add(['clocks', 'initialAlertNudgeMinutes'], 'must be shorter than initialAlertMinutes');
  if (c.goldenHourWarningMinutes >= c.goldenHourMinutes)
    add(['clocks', 'goldenHourWarningMinutes'], 'must be shorter than goldenHourMinutes');

  return issues;
}
