/**
 * The incident bot's Teams handlers: `@bot incident <verb>` messages, Action.Execute card actions,
 * dialogs (task/fetch + task/submit), and the "Add to incident log" message action. Each one validates
 * its input (the same zod schemas as Slack), builds a core Command, calls `service.handle`, kicks the
 * dispatcher, and answers the person: a reply in the conversation (Teams has no ephemeral messages), the
 * refreshed card as the invoke response, or the dialog's next step.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { App } from '@microsoft/teams.apps';
import { z } from 'zod';
import type { IncidentService } from '../../app/incident-service.js';
import { parseIncidentCommand, resolveRole } from '../../app/intents.js';
import { failureAnswer, isDatabaseBusy } from '../../app/storage-failure.js';
import { helpText, notInIncidentChannel, unknownVerb, usage } from '../../app/verbs.js';
import { type Command, type MessageSource, REVIEW_PROBE } from '../../domain/commands.js';
import { decide } from '../../domain/decide.js';
import { type DomainError, withHint } from '../../domain/errors.js';
import {
  declareFormSchema,
  type FieldErrors,
  LIMITS,
  validateTemplateFields,
  zodFieldErrors,
} from '../../domain/forms.js';
import type { Actor, Incident } from '../../domain/incident.js';
import { findPhase, findTemplate, findTrigger } from '../../domain/playbook.js';
import { exportFilesFor } from '../../export/export-files.js';
import { bindIncident } from '../../ops/request-log.js';
import type { CommandOutcome, IncidentStore } from '../../storage/sqlite/incident-store.js';
import type { OutboxStore } from '../../storage/sqlite/outbox-store.js';
import {
  cardActionCardResponse,
  cardActionErrorResponse,
  cardMessage,
  dialogContinue,
  dialogMessage,
  messageExtensionMessage,
} from './cards.js';
import { htmlToText } from './demo-handlers.js';
import { activityText, cardText, humaniseNotice, neutraliseMentions, utcStamp } from './escape.js';
import {
  COMMANDER_ME,
  checklistCard,
  communicationFormCard,
  confirmedCriteria,
  declareFormCard,
  decodeMove,
  doneCard,
  FORM_TEMPLATE,
  FORM_TITLES,
  type FormMode,
  type FormName,
  type FormValues,
  followupFormCard,
  followupListCard,
  naReasonId,
  OBJECTIVE_NAMES,
  OBJECTIVES,
  type Objective,
  type PersonChoice,
  phaseFormCard,
  phaseMoves,
  reclassifyFormCard,
  reviewFormCard,
  summaryCard,
  textCard,
  VERB,
  WHYS,
} from './incident-cards.js';
import { conversationRefFrom } from './proactive.js';
import { channelOf, type TeamsRefStore } from './refs-store.js';

export const MESSAGE_ACTION_ADD_TO_LOG = 'addToIncidentLog';
export { SOMETHING_WENT_WRONG } from '../../app/storage-failure.js';

export interface TeamsHandlerDeps {
  service: IncidentService;
  store: IncidentStore;
  outbox: OutboxStore;
  dispatcher: { kick(): void };
  refs: TeamsRefStore;
  admins: string[];
  /** False when TEAMS_STAKEHOLDER_CHANNEL is unset: people are told their post reached the room only. */
  stakeholders?: boolean;
  logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

// biome-ignore lint/suspicious/noExplicitAny: inbound activities are loosely typed JSON
type Json = any;

interface Mention {
  id: string;
  name: string;
}

const COMMAND_PREFIX = '@Incident Bot incident';

/** The command text with the bot's mention removed and other mentions as `<@UMENTIONn>` placeholders. */
export function commandTextWithMentions(a: Json): { text: string; mentions: Map<string, Mention> } {
  // a text or entities of the wrong type (a number, an object) is no command text / no mentions
  let text: string = typeof a.text === 'string' ? a.text : '';
  const mentions = new Map<string, Mention>();
  const botId = a.recipient?.id;
  let n = 0;
  for (const e of (Array.isArray(a.entities) ? a.entities : []) as Json[]) {
    if (e?.type !== 'mention' || typeof e.text !== 'string') continue;
    if (e.mentioned?.id === botId) {
      text = text.replace(e.text, ' ');
      continue;
    }
    // a placeholder without angle brackets survives the HTML-to-text step; it becomes `<@UMENTIONn>` after
    const token = `\u0001${n}\u0001`;
    mentions.set(`UMENTION${n++}`, {
      id: String(e.mentioned?.id ?? ''),
      name: String(e.mentioned?.name ?? ''),
    });
    text = text.replace(e.text, ` ${token} `);
  }
  // a link keeps its address: `<a href="U">label</a>` -> `label U` (or `U` when the label is the address)
  text = text.replace(
    /<a\b[^>]*\bhref="([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi,
    (_m, href: string, label: string) => {
      const l = htmlToText(label);
      return l && l !== href ? `${label} ${href}` : href;
    },
  );
  text = htmlToText(text.replace(/<\/?at>/g, ''))
    .replace(/\u0001(\d+)\u0001/g, '<@UMENTION$1>')
    .replace(/\s+/g, ' ')
    .trim();
  return { text, mentions };
}

function actorOf(a: Json): Actor {
  const id = String(a.from?.aadObjectId ?? a.from?.id ?? 'unknown');
  return a.from?.name ? { platform: 'teams', id, name: String(a.from.name) } : { platform: 'teams', id };
}

const stable = (o: Json): string =>
  JSON.stringify(
    Object.keys(o ?? {})
      .filter((k) => k !== 'action' && k !== 'msteams')
      .sort()
      .map((k) => [k, o[k]]),
  );

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A short follow-up id derived from the submitting request's idempotency key (one submit, one follow-up). */
export function followupIdFor(key: string): string {
  return `fu-${sha(key).slice(0, 8)}`;
}

/** `incident evidence <link or text>`: the first http(s) link is the link, the rest its name. */
export function evidenceCommand(text: string): Extract<Command, { type: 'evidence' }> {
  const m = /https?:\/\/[^\s<>"]+/.exec(text);
  if (!m) return { type: 'evidence', name: text.trim() };
  const link = m[0].replace(/[).,;]+$/, '');
  const rest = (text.slice(0, m.index) + text.slice(m.index + m[0].length)).replace(/\s+/g, ' ').trim();
  return { type: 'evidence', name: rest || link, link };
}

/** An id a person picker may submit: a known person's id, or an AAD object id from the people search. */
const AAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A mention of a person (a Teams user id or an AAD object id), not of a channel, tag, team or bot. */
export function isPersonMention(m: { id: string }): boolean {
  return /^(29:|8:orgid:)\S+$/.test(m.id) || AAD_ID.test(m.id);
}

const trimmed = (max: number, required?: string) =>
  required
    ? z
        .string({ message: required })
        .transform((s) => s.trim())
        .pipe(z.string().min(1, required).max(max, `At most ${max} characters`))
    : z
        .string()
        .optional()
        .transform((s) => (s ?? '').trim())
        .pipe(z.string().max(max, `At most ${max} characters`));

const followupSchema = z.object({
  what: trimmed(1000, 'Say what needs doing'),
  owner: z.string({ message: 'Choose the owner' }).min(1, 'Choose the owner').max(64, 'Choose the owner'),
  due: z
    .string({ message: 'Pick the due date' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Pick the due date')
    .refine((s) => !Number.isNaN(Date.parse(s)), 'Pick the due date'),
  objective: z.enum(OBJECTIVES, { message: 'Choose a control objective' }),
});

const reviewSchema = z.object({
  summary: trimmed(3000, 'The review needs a summary'),
  why_1: trimmed(500, 'Give at least the first why'),
  ...Object.fromEntries(Array.from({ length: WHYS - 1 }, (_, n) => [`why_${n + 2}`, trimmed(500)])),
  ...Object.fromEntries(OBJECTIVES.map((o) => [`factor_${o}`, trimmed(1000)])),
  corrective_actions: trimmed(3000, 'The review needs the corrective actions'),
  verification_plan: trimmed(
    3000,
    'The review needs the verification plans: how you will know the fixes work',
  ),
  lessons: trimmed(3000),
});

/** The review command's fields -> the review form's inputs (where a refusal about that field is shown). */
const REVIEW_FIELD_INPUT: Record<string, string> = {
  summary: 'summary',
  correctiveActions: 'corrective_actions',
  verificationPlan: 'verification_plan',
  noFollowups: 'no_followups',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A form rendering's nonce as submitted (a random id the bot put in the submit data), if well-formed. */
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
export function formNonce(data: Json): string | undefined {
  const n = data?.nonce;
  return typeof n === 'string' && NONCE.test(n) ? n : undefined;
}

/** Form values with the rendering's nonce: the one submitted (a form re-shown with errors), else a new one. */
function withNonce(values: FormValues): FormValues {
  return { ...values, nonce: formNonce(values) ?? randomUUID() };
}

/** Form values without the nonce: re-shown after a refusal, the form is a new request (a new nonce). */
function withoutNonce(values: FormValues): FormValues {
  const { nonce: _, ...rest } = values;
  return rest;
}

/**
 * The idempotency key of a form submit. A declare form is one declaration per rendering (its nonce),
 * whoever submits it and however often; a dialog is one command per rendering and person (each
 * task/submit is a new activity, so the activity id cannot be the key). Forms rendered before the nonce
 * existed keep the key they had.
 */
export function formSubmitKey(
  form: FormName,
  mode: FormMode,
  data: Json,
  actor: Actor,
  fallback: string,
): string {
  const nonce = formNonce(data);
  if (!nonce) return fallback;
  if (form === 'declare') return `teams:declare:${nonce}`;
  return mode === 'dialog' ? `teams:form:${form}:${nonce}:${actor.id}` : fallback;
}

/** An ISO instant from a date-time that may be missing or malformed, else null (never throws). */
export function isoOrNull(v: unknown): string | null {
  if (typeof v !== 'string' && typeof v !== 'number' && !(v instanceof Date)) return null;
  const t = typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : v.getTime();
  if (!Number.isFinite(t)) return null;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function registerIncidentHandlers(app: App, d: TeamsHandlerDeps): void {
  const now = () => d.service.now();
  const nameOf = (id: string | null | undefined) => (id ? d.refs.nameOf(id) : undefined);
  const human = (t: string) => humaniseNotice(t, (id) => nameOf(id)).replace(/`\/incident /g, '`incident ');

  /**
   * Runs a command. A failure (an exception: nothing was stored) is answered as the database being busy,
   * the database not being writable, or "something went wrong" (by the SQLite error code), and noted in
   * `scope`, so the caller can let a redelivery of the same request be handled.
   */
  function run(
    req: {
      key: string;
      incidentKey: string | null;
      command: Command;
      actor: Actor;
    },
    scope?: { failed: boolean },
  ): CommandOutcome | { ok: false; error: DomainError; replay: false; incident: null } {
    bindIncident(req.incidentKey);
    try {
      const o = d.service.handle(req);
      if (o.ok) bindIncident(o.incident.key);
      if (o.ok && !o.replay) d.dispatcher.kick();
      return o;
    } catch (e) {
      if (scope) scope.failed = true;
      const log = {
        err: e instanceof Error ? e.message : String(e),
        key: req.key,
        command: req.command.type,
      };
      if (isDatabaseBusy(e)) d.logger?.warn(log, 'database busy; teams command not saved');
      else d.logger?.error(log, 'teams command failed');
      return {
        ok: false,
        error: { code: 'conflict', message: failureAnswer(e) },
        replay: false,
        incident: null,
      };
    }
  }

  /** The actor's notices as one sentence (others' warnings are not shown: Teams has no ephemeral messages). */
  function noticeText(o: ReturnType<typeof run>, actor: Actor): string {
    if (!o.ok) return human(withHint(o.error));
    return human(
      o.notices
        .filter((n) => !n.user || n.user === actor.id)
        .map((n) => (n.level === 'warning' ? `⚠️ ${n.text}` : n.text))
        .join('\n'),
    );
  }

  function precheck(incident: Incident, command: Command, actor: Actor): DomainError | null {
    const r = decide(incident, command, {
      actor,
      now: now(),
      playbook: d.service.playbookFor(incident),
      admins: d.admins,
    });
    // illegal_transition: e.g. closing during triage, where no form can help (the answer names the way).
    if (!r.ok && ['forbidden', 'closed', 'illegal_transition'].includes(r.error.code)) return r.error;
    return null;
  }

  function incidentFor(conversationId: string | undefined, incidentKey?: unknown): Incident | null {
    if (typeof incidentKey === 'string' && incidentKey) return d.store.get(incidentKey);
    if (!conversationId) return null;
    return d.store.findByRoom('teams', conversationId);
  }

  // ------------------------------------------------------------------ forms

  function formCard(
    form: FormName,
    incident: Incident | null,
    mode: FormMode,
    values: FormValues = {},
    errors: FieldErrors = {},
  ) {
    const pb = d.service.playbookFor(incident);
    values = withNonce(values);
    if (form === 'declare' || !incident)
      return declareFormCard(pb, mode, values, errors, peopleFor(null, values.commander));
    switch (form) {
      case 'phase':
        return phaseFormCard(pb, incident, mode, values, errors);
      case 'reclassify':
        return reclassifyFormCard(pb, incident, mode, values, errors);
      case 'followup':
        return followupFormCard(
          incident,
          mode,
          { people: peopleFor(incident, values.owner), now: now() },
          values,
          errors,
        );
      case 'review':
        return reviewFormCard(incident, mode, values, errors);
      default:
        return communicationFormCard(pb, incident, form, mode, values, errors);
    }
  }

  /** People for a picker: the incident's role holders, a pre-selected person, then people seen recently. */
  function peopleFor(incident: Incident | null, selected?: unknown): PersonChoice[] {
    const out: PersonChoice[] = [];
    const add = (id: string | undefined) => {
      if (!id || out.some((p) => p.userId === id)) return;
      const name = nameOf(id);
      if (name) out.push({ userId: id, name });
    };
    if (typeof selected === 'string') add(selected);
    for (const held of Object.values(incident?.roles ?? {})) for (const id of held) add(id);
    for (const p of d.refs.people(20)) add(p.userId);
    return out;
  }

  /** Why the review cannot be recorded now, or null. */
  function reviewRefusal(i: Incident, actor: Actor): string | null {
    const pb = d.service.playbookFor(i);
    if (i.reviewedAt || i.review) return `The review of ${i.key} was already recorded.`;
    if (i.standDown && i.phase !== pb.reviewPhase)
      return `No post-incident review is owed: ${i.key} was stood down as a false alarm.`;
    if (i.phase !== pb.reviewPhase)
      return 'The post-incident review is recorded after the incident is closed ("incident close").';
    const r = precheck(i, REVIEW_PROBE, actor);
    return r ? human(r.message) : null;
  }

  /** Why this person cannot open the form now (permission / closed), or null. */
  function formRefusal(form: FormName, incident: Incident, actor: Actor): string | null {
    if (form === 'review') return reviewRefusal(incident, actor);
    if (form === 'phase' && phaseMoves(d.service.playbookFor(incident), incident).length === 0)
      return `${incident.key} cannot change phase from here${incident.closedAt ? ' (it is closed)' : ''}.`;
    const probe = probeCommand(form);
    const refusal = probe ? precheck(incident, probe, actor) : null;
    return refusal ? human(withHint(refusal)) : null;
  }

  function formDefaults(form: FormName, incident: Incident | null): FormValues {
    if (!incident || form !== 'alert') return {};
    const ic = incident.roles[d.service.playbookFor(incident).commanderRole]?.[0];
    return {
      start_time: utcStamp(incident.declaredAt),
      ...(ic && nameOf(ic) ? { commander: nameOf(ic) } : {}),
    };
  }

  /** The command a form would issue, for the permission pre-check before showing it. */
  function probeCommand(form: FormName): Command | null {
    if (form === 'phase') return { type: 'advance_phase', confirmed: [] };
    if (form === 'close') return { type: 'close', confirmed: [], fields: {} };
    if (form === 'reclassify') return { type: 'reclassify', reason: '-' };
    if (form === 'alert') return { type: 'send_initial_alert', fields: {} };
    if (form === 'update') return { type: 'post_status_update', fields: {} };
    return null;
  }

  type FormResult =
    | { ok: true; text: string }
    | { ok: false; values: FormValues; errors: FieldErrors; incident: Incident | null };

  function submitForm(
    form: FormName,
    mode: FormMode,
    data: Json,
    actor: Actor,
    conversationId: string,
    requestKey: string,
  ): FormResult {
    const key = formSubmitKey(form, mode, data, actor, requestKey);
    const values: FormValues = { ...data };
    delete values.action;
    delete values.msteams;
    if (form === 'declare') {
      const pb = d.service.playbookFor(null);
      const raw = {
        title: typeof data.title === 'string' ? data.title : '',
        triggerClass: typeof data.triggerClass === 'string' ? data.triggerClass : '',
        impact: typeof data.impact === 'string' ? data.impact : '',
        severeImpact: data.severeImpact === true || data.severeImpact === 'true',
        drill: data.drill === true || data.drill === 'true',
      };
      const cmdr = typeof data.commander === 'string' ? data.commander.trim() : '';
      const commander = cmdr && cmdr !== COMMANDER_ME && cmdr !== actor.id ? cmdr : undefined;
      const commanderId = commander ? (d.refs.user(commander)?.userId ?? commander) : undefined;
      const parsed = declareFormSchema(pb).safeParse(commanderId ? { ...raw, commander: commanderId } : raw);
      const errors = parsed.success ? {} : zodFieldErrors(parsed.error);
      if (commander && !d.refs.user(commander) && !AAD_ID.test(commander))
        errors.commander = 'Choose the incident commander from the list';
      if (!parsed.success || Object.keys(errors).length) return { ok: false, values, errors, incident: null };
      d.refs.setDeclaredIn(key, conversationId);
      const o = run({ key, incidentKey: null, actor, command: { type: 'declare', key: '', ...parsed.data } });
      if (!o.ok)
        return {
          ok: false,
          values: withoutNonce(values),
          errors: { _: human(o.error.message) },
          incident: null,
        };
      d.refs.setDeclaredIn(o.incident.key, conversationId);
      if (o.replay)
        // the same rendered form submitted again (double click, retried dialog submit): one incident
        return {
          ok: true,
          text: `${o.incident.drill ? 'DRILL: ' : ''}${o.incident.key} was already declared from this form: ${o.incident.title}.`,
        };
      return {
        ok: true,
        text: `${o.incident.drill ? 'DRILL: ' : ''}${o.incident.key} declared: ${o.incident.title}. ${noticeText(o, actor)}`,
      };
    }
    const incident = incidentFor(conversationId, data.incidentKey);
    if (!incident) return { ok: false, values, errors: { _: 'There is no such incident.' }, incident: null };
    const pb = d.service.playbookFor(incident);
    let command: Command;
    let what = '';
    if (form === 'phase') {
      const legacyTo = typeof data.to === 'string' && data.to ? data.to : undefined;
      const move =
        decodeMove(data.move) ??
        (legacyTo
          ? { dir: 'forward' as const, to: legacyTo }
          : phaseMoves(pb, incident).find((m) => m.dir === 'forward'));
      if (!move) return { ok: false, values, errors: { move: 'Choose where to move' }, incident };
      const reason = (str(data.reason) ?? '').trim();
      if (move.dir === 'back' && !reason)
        return { ok: false, values, errors: { reason: 'Say why the incident moves back' }, incident };
      if (reason.length > LIMITS.reason)
        return { ok: false, values, errors: { reason: `At most ${LIMITS.reason} characters` }, incident };
      command =
        move.dir === 'forward'
          ? { type: 'advance_phase', to: move.to, confirmed: confirmedCriteria(values) }
          : { type: 'revert_phase', to: move.to, reason };
    } else if (form === 'reclassify') {
      const r = z
        .object({
          triggerClass: z.enum(pb.triggers.map((t) => t.id) as [string, ...string[]], {
            message: 'Choose one of the trigger classes',
          }),
          reason: trimmed(LIMITS.reason, 'Say why the incident is re-classified'),
        })
        .safeParse({ triggerClass: data.triggerClass, reason: data.reason });
      if (!r.success) return { ok: false, values, errors: zodFieldErrors(r.error), incident };
      const severeImpact = data.severeImpact === true || data.severeImpact === 'true';
      command = {
        type: 'reclassify',
        triggerClass: r.data.triggerClass,
        severeImpact,
        reason: r.data.reason,
      };
      what = `${incident.key} re-classified: ${findTrigger(pb, r.data.triggerClass)?.name ?? r.data.triggerClass}, severe impact ${severeImpact ? 'yes' : 'no'}.`;
    } else if (form === 'followup') {
      const r = followupSchema.safeParse({
        what: data.what,
        owner: data.owner,
        due: data.due,
        objective: data.objective,
      });
      if (!r.success) return { ok: false, values, errors: zodFieldErrors(r.error), incident };
      const known = d.refs.user(r.data.owner)?.userId;
      if (!known && !AAD_ID.test(r.data.owner) && !personIn(incident, r.data.owner))
        return { ok: false, values, errors: { owner: 'Choose the owner from the list' }, incident };
      const id = followupIdFor(key);
      command = { type: 'add_followup', id, ...r.data, owner: known ?? r.data.owner };
      what = `Follow-up ${id} added to ${incident.key}: ${r.data.what} (${nameOf(r.data.owner) ?? 'owner'}, due ${r.data.due}, ${OBJECTIVE_NAMES[r.data.objective as Objective]}).`;
    } else if (form === 'review') {
      // no refusal check here: a re-submitted form must reach the service to be answered as a replay
      const r = reviewSchema.safeParse(data);
      if (!r.success) return { ok: false, values, errors: zodFieldErrors(r.error), incident };
      const v = r.data as Record<string, string>;
      const whys = Array.from({ length: WHYS }, (_, n) => v[`why_${n + 1}`] ?? '').filter(Boolean);
      const factors = OBJECTIVES.filter((o) => v[`factor_${o}`])
        .map((o) => `${OBJECTIVE_NAMES[o]}: ${v[`factor_${o}`]}`)
        .join('\n');
      command = {
        type: 'record_review',
        summary: v.summary!,
        whys,
        factors,
        lessons: v.lessons ?? '',
        correctiveActions: v.corrective_actions!,
        verificationPlan: v.verification_plan!,
        noFollowups: data.no_followups === true || data.no_followups === 'true',
      };
      what = `Review recorded; ${incident.key} is done. "incident export" shows the review document.`;
    } else {
      const template = FORM_TEMPLATE[form]!;
      const def = findTemplate(pb, template);
      const raw = Object.fromEntries(
        def.fields.map((f) => [f.id, typeof data[f.id] === 'string' ? data[f.id] : undefined]),
      );
      const v = validateTemplateFields(pb, template, raw);
      if (!v.ok) return { ok: false, values, errors: v.errors, incident };
      command =
        form === 'alert'
          ? { type: 'send_initial_alert', fields: v.fields }
          : form === 'update'
            ? { type: 'post_status_update', fields: v.fields }
            : { type: 'close', confirmed: confirmedCriteria(values), fields: v.fields };
    }
    const o = run({ key, incidentKey: incident.key, actor, command });
    if (!o.ok) {
      const field =
        form === 'followup' && /due/i.test(o.error.message)
          ? 'due'
          : form === 'review' && o.error.field
            ? (REVIEW_FIELD_INPUT[o.error.field] ?? '_')
            : '_';
      return {
        ok: false,
        values: withoutNonce(values),
        errors: { [field]: human(o.error.message) },
        incident: o.incident ?? incident,
      };
    }
    const done = noticeText(o, actor);
    if (!what)
      what =
        form === 'phase'
          ? command.type === 'revert_phase'
            ? `${incident.key} moved back to ${findPhase(pb, o.incident.phase)?.name ?? o.incident.phase}.`
            : `${incident.key} is now in ${findPhase(pb, o.incident.phase)?.name ?? o.incident.phase}.`
          : form === 'close'
            ? `${incident.key} is closed; the closure notice was sent.`
            : `${FORM_TITLES[form]} sent for ${incident.key}.`;
    return { ok: true, text: done ? `${what} ${done}` : what };
  }

  function personIn(i: Incident, id: string): boolean {
    return Object.values(i.roles).some((held) => held.includes(id));
  }

  // ------------------------------------------------------------------ every activity: remember where it came from

  app.on('activity', async (ctx) => {
    const a = ctx.activity as Json;
    const at = now();
    try {
      if (a.serviceUrl && a.conversation?.id) {
        const ref = conversationRefFrom(a);
        d.refs.remember(
          {
            ...ref,
            ...(a.conversation.conversationType ? { conversationType: a.conversation.conversationType } : {}),
          },
          at,
        );
      }
      const userId = a.from?.aadObjectId ?? a.from?.id;
      if (userId && a.from?.role !== 'bot') {
        const personal = a.conversation?.conversationType === 'personal' ? a.conversation.id : undefined;
        d.refs.rememberUser(
          {
            userId,
            ...(a.from.name ? { name: a.from.name } : {}),
            ...(a.from.id ? { teamsId: a.from.id } : {}),
            ...(personal ? { personalConversationId: personal } : {}),
          },
          at,
        );
      }
    } catch (e) {
      d.logger?.warn(
        { err: e instanceof Error ? e.message : String(e) },
        'teams: could not store the conversation reference',
      );
    }
    await ctx.next();
  });

  // ------------------------------------------------------------------ @bot incident <verb>

  function forgetSighting(id: string): void {
    try {
      d.outbox.forgetSighting(id);
    } catch (e) {
      d.logger?.warn(
        { err: e instanceof Error ? e.message : String(e), id },
        'teams: could not forget an inbound id; its redelivery will be dropped',
      );
    }
  }

  app.on('message', async (ctx) => {
    const a = ctx.activity as Json;
    if (a.value && !a.text) {
      // Action.Submit fallback of an Action.Execute (clients without Universal Actions)
      const card = await cardAction(a);
      if ('value' in card && card.type === 'application/vnd.microsoft.card.adaptive')
        await ctx.send(cardMessage(card.value as never));
      return;
    }
    // Inbound de-duplication: a redelivered message is dropped. The sighting is recorded before the
    // command commits, so it is forgotten again when handling fails (an exception, or a command that
    // could not be stored): the redelivery is then handled (commands are idempotent by key anyway).
    const sighting = a.id ? `teams:msg:${a.id}` : null;
    if (sighting && !d.outbox.firstSighting(sighting, now())) return; // a redelivered message
    const scope = { failed: false };
    try {
      const actor = actorOf(a);
      const conversationId: string = a.conversation?.id; // a malformed activity may have none
      const { text, mentions } = commandTextWithMentions(a);
      const rest = text.replace(/^incident\b\s*/i, '');
      const intent = parseIncidentCommand(rest);
      const send = async (activity: Parameters<typeof ctx.send>[0]) => {
        try {
          await ctx.send(activity);
        } catch (e) {
          // the command itself is stored; only the answer was lost (the outbox carries everything else)
          d.logger?.warn(
            { err: e instanceof Error ? e.message : String(e) },
            'teams: could not answer in the conversation',
          );
        }
      };
      const reply = (t: string) => send({ type: 'message', text: activityText(t, 4000) });
      const key = `teams:${a.id}`;
      const pb = d.service.playbookFor(null);

      if (intent.verb === 'help') {
        await send(cardMessage(helpCard(), 'Incident bot commands'));
        return;
      }
      if (intent.verb === 'unknown') {
        await reply(teamsText(unknownVerb(intent.word, COMMAND_PREFIX)));
        return;
      }
      if (intent.verb === 'usage') {
        await reply(`${intent.problem} Usage: ${teamsText(usage(intent.of, COMMAND_PREFIX))}`);
        return;
      }
      if (intent.verb === 'list') {
        const open = d.store.listOpen();
        const lines = open.map((i) => {
          const ipb = d.service.playbookFor(i);
          const ic = i.roles[ipb.commanderRole]?.[0];
          return `${i.drill ? 'DRILL ' : ''}**${i.key}** ${cardText(i.title, 150)}: ${findPhase(ipb, i.phase)?.name ?? i.phase}, IC ${cardText(nameOf(ic) ?? 'unknown', 80)}, declared ${utcStamp(i.declaredAt)}`;
        });
        await send(
          cardMessage(
            textCard('Open incidents', lines.length ? lines : ['No open incidents.']),
            `${open.length} open incidents`,
          ),
        );
        return;
      }
      if (intent.verb === 'declare') {
        // "incident declare <title> @person": the mentioned person is proposed as incident commander
        let title = intent.title;
        const values: FormValues = {};
        const mentioned = /<@(UMENTION\d+)>/.exec(title);
        if (mentioned) {
          const m = mentions.get(mentioned[1]!);
          if (m && isPersonMention(m)) values.commander = await resolveUser(m, conversationId, ctx);
          title = title
            .replace(/<@UMENTION\d+>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim();
        }
        if (title) values.title = title;
        await send(
          cardMessage(
            declareFormCard(pb, 'inline', withNonce(values), {}, peopleFor(null, values.commander)),
            'Declare an incident',
          ),
        );
        return;
      }
      const incident = incidentFor(conversationId);
      if (!incident) {
        await reply(
          teamsText(
            notInIncidentChannel(intent.verb === 'reclassify' ? 'reclassify' : intent.verb, COMMAND_PREFIX),
          ),
        );
        return;
      }
      const ipb = d.service.playbookFor(incident);
      switch (intent.verb) {
        case 'status':
          await send(cardMessage(summaryCard(incident, ipb, nameOf), `${incident.key} status`));
          return;
        case 'alert':
        case 'update':
        case 'phase':
        case 'close':
        case 'reclassify':
        case 'followup':
        case 'review': {
          const form: FormName = intent.verb === 'alert' && incident.initialAlertAt ? 'update' : intent.verb;
          const refusal = formRefusal(form, incident, actor);
          if (refusal) {
            await reply(refusal);
            return;
          }
          await send(
            cardMessage(formCard(form, incident, 'inline', formDefaults(form, incident)), FORM_TITLES[form]),
          );
          return;
        }
        case 'followups':
          await send(cardMessage(followupListCard(incident, nameOf), `${incident.key} follow-ups`));
          return;
        case 'evidence': {
          const o = run(
            { key, incidentKey: incident.key, actor, command: evidenceCommand(intent.text) },
            scope,
          );
          await reply(noticeText(o, actor) || 'Done.');
          return;
        }
        case 'export':
          await send(exportMessage(incident, actor, key, scope));
          return;
        case 'role': {
          const role = resolveRole(ipb, intent.role);
          if (!role) {
            await reply(
              `There is no role "${intent.role}". Roles: ${ipb.roles.map((r) => r.id).join(', ')}.`,
            );
            return;
          }
          let command: Command = { type: 'claim_role', role };
          if (intent.user) {
            // only a person @mentioned through Teams (not a channel, tag or bot mention, nor a typed
            // `<@id>`: that would make any string a role holder)
            const m = mentions.get(intent.user);
            if (!m || !isPersonMention(m)) {
              await reply('A role goes to a person: @mention them (pick them from the list Teams offers).');
              return;
            }
            const user = await resolveUser(m, conversationId, ctx);
            if (user !== actor.id) command = { type: 'assign_role', role, user };
          }
          const o = run({ key, incidentKey: incident.key, actor, command }, scope);
          await reply(noticeText(o, actor) || 'Done.');
          return;
        }
        case 'standdown': {
          const command: Command = { type: 'stand_down', reason: intent.reason };
          const o = run({ key, incidentKey: incident.key, actor, command }, scope);
          const roomOnly =
            o.ok && !o.replay && d.stakeholders === false
              ? '\n⚠️ No stakeholder channel is configured (TEAMS_STAKEHOLDER_CHANNEL): the all-clear reached this thread only. Forward it to the stakeholders yourself.'
              : '';
          await reply((noticeText(o, actor) || 'Done.') + roomOnly);
          return;
        }
        case 'log':
        case 'decision': {
          const command: Command =
            intent.verb === 'decision'
              ? {
                  type: 'decision',
                  text: intent.text,
                  ...(intent.rationale ? { rationale: intent.rationale } : {}),
                }
              : { type: 'log', text: intent.text };
          const o = run({ key, incidentKey: incident.key, actor, command }, scope);
          await reply(noticeText(o, actor) || 'Done.');
          return;
        }
      }
    } catch (e) {
      scope.failed = true;
      throw e; // answered 500: the Bot Connector may deliver the message again
    } finally {
      if (scope.failed && sighting) forgetSighting(sighting);
    }
  });

  /**
   * `incident export`: the review document is rendered (the same Markdown as the CLI and Slack) and
   * summarised in a card. A bot cannot upload a file to a channel through the Bot Connector (that needs
   * Microsoft Graph / OneDrive), so the card says where the full document comes from; the export is logged.
   */
  function exportMessage(incident: Incident, actor: Actor, key: string, scope?: { failed: boolean }) {
    const at = now().toISOString();
    let files: ReturnType<typeof exportFilesFor>;
    try {
      files = exportFilesFor(d.store.db, incident.key, {
        generatedAt: at,
        ...(incident.closedAt ? {} : { end: at }),
        fallbackPlaybook: () => d.service.playbookFor(incident),
      });
    } catch (e) {
      d.logger?.error(
        { err: e instanceof Error ? e.message : String(e), incident: incident.key },
        'teams: export rendering failed',
      );
      return {
        type: 'message' as const,
        text: 'I could not render the review document; nothing was exported.',
      };
    }
    if (!files) return { type: 'message' as const, text: 'This incident no longer exists.' };
    const o = run(
      { key, incidentKey: incident.key, actor, command: { type: 'export', format: 'md' } },
      scope,
    );
    if (!o.ok) return { type: 'message' as const, text: activityText(human(o.error.message), 1000) };
    const i = d.store.get(incident.key) ?? incident;
    const open = i.followups.filter((f) => f.state === 'open').length;
    const md = files.markdown.content;
    const lines = [
      i.review
        ? `**Review summary:** ${cardText(i.review.summary, 1500)}`
        : 'No post-incident review is recorded yet ("incident review").',
      ...(i.review?.lessons ? [`**Lessons learned:** ${cardText(i.review.lessons, 1000)}`] : []),
      `**Follow-ups:** ${i.followups.length} (${open} open) · **Log entries:** ${d.store.logEntries(i.key).length}`,
      `Teams bots cannot attach files to a channel without Microsoft Graph / OneDrive, so the document is not attached. The full review document (${files.markdown.name}, ${md.length} characters) and the phase timeline (${files.svg.name}): run "incident-bot export ${i.key} --format md" on the bot's host.`,
      `**Start of the document:**\n\n${cardText(md.split('\n').slice(0, 30).join('\n'), 2500)}`,
    ];
    return cardMessage(
      textCard(`${i.drill ? 'DRILL: ' : ''}${i.key}: review document`, lines, [], { drill: i.drill }),
      activityText(`${i.key}: review document exported`, 200),
    );
  }

  /** A mentioned person's id as actors carry it (AAD object id), via what we know or the connector. */
  async function resolveUser(m: Mention, conversationId: string, ctx: Json): Promise<string> {
    const known = d.refs.user(m.id);
    if (known) return known.userId;
    try {
      const member = await ctx.api.conversations.members(channelOf(conversationId)).getById(m.id);
      const id = member?.aadObjectId ?? m.id;
      d.refs.rememberUser({ userId: id, name: member?.name ?? m.name, teamsId: m.id }, now());
      return id;
    } catch {
      d.refs.rememberUser({ userId: m.id, name: m.name, teamsId: m.id }, now());
      return m.id;
    }
  }

  // ------------------------------------------------------------------ Action.Execute

  async function cardAction(a: Json) {
    const action = a.value?.action ?? { data: a.value };
    const data = (action.data ?? {}) as Json;
    const verb = String(data.action ?? action.verb ?? '');
    const actor = actorOf(a);
    const conversationId: string = a.conversation?.id;
    const key = `teams:card:${a.replyToId ?? ''}:${verb}:${stable(data)}:${actor.id}`;

    if (verb === VERB.formSubmit) {
      const form = String(data.form ?? '') as FormName;
      if (!Object.hasOwn(FORM_TITLES, form))
        return cardActionErrorResponse(400, 'BadRequest', 'unknown form');
      const r = submitForm(form, 'inline', data, actor, conversationId, key);
      if (r.ok) return cardActionCardResponse(doneCard(cardText(r.text, 1000)));
      return cardActionCardResponse(formCard(form, r.incident, 'inline', r.values, r.errors));
    }

    const incident = incidentFor(conversationId, data.incidentKey);
    if (!incident)
      return cardActionErrorResponse(400, 'BadRequest', 'This card is not about a known incident.');
    let command: Command | null = null;
    let view: 'summary' | 'checklist' = 'summary';
    const role = typeof data.role === 'string' ? data.role : '';
    switch (verb) {
      case VERB.claimRole:
        command = { type: 'claim_role', role };
        break;
      case VERB.releaseRole:
        command = { type: 'release_role', role };
        break;
      case VERB.handoverRole: {
        const user = data[`handover_${role}`];
        if (typeof user !== 'string' || !user) {
          const pb = d.service.playbookFor(incident);
          return cardActionCardResponse(
            summaryCard(incident, pb, nameOf, {
              note: 'Pick the person to hand the role over to.',
              noteIsError: true,
            }),
          );
        }
        command = user === actor.id ? { type: 'claim_role', role } : { type: 'assign_role', role, user };
        break;
      }
      case VERB.checkItem:
        view = 'checklist';
        command =
          data.state === 'uncheck'
            ? { type: 'uncheck_item', item: String(data.item) }
            : { type: 'check_item', item: String(data.item) };
        break;
      case VERB.itemNotApplicable: {
        view = 'checklist';
        const item = String(data.item ?? '');
        const reason = (str(data[naReasonId(item)]) ?? '').trim();
        if (!reason || reason.length > LIMITS.reason) {
          const pb = d.service.playbookFor(incident);
          return cardActionCardResponse(
            checklistCard(incident, pb, nameOf, {
              note: reason
                ? `Keep the reason under ${LIMITS.reason} characters.`
                : 'Say why the item does not apply.',
              noteIsError: true,
            }),
          );
        }
        command = { type: 'item_not_applicable', item, reason };
        break;
      }
      case VERB.snooze: {
        const minutes = Number(data.minutes);
        const kind = str(data.snoozeKind) ?? '';
        if (!kind || !Number.isInteger(minutes) || minutes <= 0 || minutes > 24 * 60)
          return cardActionErrorResponse(400, 'BadRequest', 'I could not read that snooze button.');
        // `due`: when the reminder carrying this button fell due (buttons rendered before it existed have none)
        const due = isoOrNull(data.due);
        const already = (until: string | undefined) =>
          cardActionCardResponse(
            doneCard(
              `🔕 ${incident.drill ? 'DRILL: ' : ''}${incident.key}: this reminder was already snoozed${until ? `, until ${utcStamp(until)}` : ''}. Nothing changed; newer reminders have their own buttons.`,
            ),
          );
        // A snooze of this family set since this reminder fell due, and still running, answers it: an old
        // button (clicked again, by someone else, or the other duration) does not snooze again. Once that
        // snooze has run out, the reminder that follows it (whose due time may be earlier than the snooze's
        // end) can be snoozed again.
        const current = incident.snoozes[kind];
        if (due && current && Date.parse(current) > Date.parse(due) && Date.parse(current) > now().getTime())
          return already(current);
        const until = new Date(now().getTime() + minutes * 60_000).toISOString();
        const o = run({
          // one snooze per reminder, whoever clicks which of its buttons (concurrent clicks: one command)
          key: due ? `teams:snooze:${incident.key}:${kind}:${due}` : key,
          incidentKey: incident.key,
          actor,
          command: { type: 'snooze', kind, until },
        });
        if (!o.ok) return cardActionCardResponse(doneCard(cardText(human(o.error.message), 500)));
        if (o.replay && due) return already(o.incident.snoozes[kind]);
        const snoozedUntil = o.incident.snoozes[kind] ?? until;
        return cardActionCardResponse(
          doneCard(
            `🔕 ${incident.drill ? 'DRILL: ' : ''}${incident.key}: reminders snoozed for ${minutes} minutes, until ${utcStamp(snoozedUntil)}, by ${cardText(actor.name ?? nameOf(actor.id) ?? 'someone', 80)}.`,
          ),
        );
      }
      case VERB.followupDone: {
        const id = str(data.id) ?? '';
        const o = run({ key, incidentKey: incident.key, actor, command: { type: 'complete_followup', id } });
        const current = d.store.get(incident.key) ?? incident;
        const note = noticeText(o, actor) || (o.ok ? 'Follow-up marked done.' : '');
        if (data.src === 'list')
          return cardActionCardResponse(followupListCard(current, nameOf, { note, noteIsError: !o.ok }));
        const f = current.followups.find((x) => x.id === id);
        return cardActionCardResponse(
          doneCard(
            `${o.ok || f?.state === 'done' ? '✅' : '⚠️'} ${cardText(note, 300)}`,
            f
              ? [
                  `${cardText(f.what, 1000)} (${cardText(nameOf(f.owner) ?? 'owner', 80)}, due ${cardText(f.due, 20)})`,
                ]
              : [],
          ),
        );
      }
      default:
        return cardActionErrorResponse(400, 'BadRequest', `unknown action "${verb}"`);
    }
    const o = run({ key, incidentKey: incident.key, actor, command });
    const current = d.store.get(incident.key) ?? incident;
    const pb = d.service.playbookFor(current);
    const note = noticeText(o, actor);
    const opts = { note, noteIsError: !o.ok };
    return cardActionCardResponse(
      view === 'summary' ? summaryCard(current, pb, nameOf, opts) : checklistCard(current, pb, nameOf, opts),
    );
  }

  app.on('card.action', async (ctx) => cardAction(ctx.activity as Json));

  // ------------------------------------------------------------------ dialogs

  app.on('dialog.open', async (ctx) => {
    const a = ctx.activity as Json;
    const data = (a.value?.data ?? {}) as Json;
    const form = String(data.dialog ?? 'declare') as FormName;
    if (!Object.hasOwn(FORM_TITLES, form)) return dialogMessage('Unknown form.');
    const actor = actorOf(a);
    if (form === 'declare') return dialogContinue(FORM_TITLES.declare, formCard('declare', null, 'dialog'));
    const incident = incidentFor(a.conversation?.id, data.incidentKey);
    if (!incident) return dialogMessage('This is not an incident room.');
    const refusal = formRefusal(form, incident, actor);
    if (refusal) return dialogMessage(refusal);
    return dialogContinue(
      FORM_TITLES[form],
      formCard(form, incident, 'dialog', formDefaults(form, incident)),
    );
  });

  app.on('dialog.submit', async (ctx) => {
    const a = ctx.activity as Json;
    const data = (a.value?.data ?? {}) as Json;
    const form = String(data.form ?? '') as FormName;
    if (!Object.hasOwn(FORM_TITLES, form)) return dialogMessage('Unknown form.');
    const r = submitForm(form, 'dialog', data, actorOf(a), a.conversation?.id, `teams:${a.id}`);
    // the answer may quote user text (a title): shown as text, never as a mention
    if (r.ok) return dialogMessage(neutraliseMentions(r.text));
    return dialogContinue(FORM_TITLES[form], formCard(form, r.incident, 'dialog', r.values, r.errors));
  });

  // ------------------------------------------------------------------ edits and deletions of logged messages

  /**
   * Teams sends `messageUpdate` (channelData.eventType editMessage / undeleteMessage) and `messageDelete`
   * (softDeleteMessage) for messages the bot can see (RSC ChannelMessage.Read.Group / ChatMessage.Read.Chat
   * in the manifest). A logged message (its id `{channel}:{message id}`, as the message action stores it)
   * gets a correction entry; other messages are ignored.
   */
  function correction(a: Json, change: 'edited' | 'deleted'): void {
    const conv: string | undefined = a.conversation?.id;
    if (!conv || !a.id) return;
    const channel = channelOf(conv);
    const messageId = `${channel}:${a.id}`;
    const incident =
      incidentFor(conv) ??
      (a.replyToId ? d.store.findByRoom('teams', `${channel};messageid=${a.replyToId}`) : null) ??
      d.store.findByRoom('teams', `${channel};messageid=${a.id}`);
    if (!incident?.loggedMessages.includes(messageId)) return;
    const text = change === 'edited' ? htmlToText(String(a.text ?? '')) : undefined;
    const key =
      change === 'deleted'
        ? `teams:delete:${messageId}`
        : `teams:edit:${messageId}:${sha(`${a.channelData?.eventType ?? ''}\u0000${text}`).slice(0, 16)}`;
    const o = run({
      key,
      incidentKey: incident.key,
      actor: actorOf(a),
      command: { type: 'correction', messageId, change, ...(text !== undefined ? { text } : {}) },
    });
    if (!o.ok && o.error.code !== 'not_found')
      d.logger?.warn({ err: o.error, messageId }, 'teams: correction not recorded');
  }

  app.on('messageUpdate', async (ctx) => {
    correction(ctx.activity as Json, 'edited');
  });
  app.on('messageDelete', async (ctx) => {
    correction(ctx.activity as Json, 'deleted');
  });

  // ------------------------------------------------------------------ message action: Add to incident log

  app.on('message.ext.submit', async (ctx) => {
    const a = ctx.activity as Json;
    const v = a.value ?? {};
    if (v.commandId !== MESSAGE_ACTION_ADD_TO_LOG) return messageExtensionMessage('Unknown command.');
    const p = v.messagePayload;
    if (!p?.id) return messageExtensionMessage('Use this on a message.');
    const conv: string = a.conversation?.id ?? '';
    const channel = channelOf(conv);
    const data = (v.data ?? {}) as Json;
    const incident =
      incidentFor(conv, data.incidentKey) ??
      (p.replyToId ? d.store.findByRoom('teams', `${channel};messageid=${p.replyToId}`) : null) ??
      d.store.findByRoom('teams', `${channel};messageid=${p.id}`);
    if (!incident)
      return messageExtensionMessage(
        "This message is not in an incident's thread, so I can't tell which incident to add it to.",
      );
    const text = htmlToText(typeof p.body?.content === 'string' ? p.body.content : '');
    // when the message was written; a missing or malformed createdDateTime leaves it unknown (the entry is
    // then dated when it was logged), never a made-up time and never a throw (RangeError: Invalid time value)
    const writtenAt = isoOrNull(p.createdDateTime);
    const source: MessageSource = {
      messageId: `${channel}:${p.id}`,
      ...(typeof p.linkToMessage === 'string' && p.linkToMessage ? { permalink: p.linkToMessage } : {}),
      ...(typeof p.from?.user?.displayName === 'string' && p.from.user.displayName
        ? { author: p.from.user.displayName }
        : {}),
      ...(writtenAt ? { writtenAt } : {}),
    };
    const kind = data.kind === 'decision' ? 'decision' : 'log';
    const note = typeof data.note === 'string' && data.note.trim() ? data.note.trim() : undefined;
    const command: Command =
      kind === 'decision'
        ? { type: 'decision', text: text || '(no text)', source, ...(note ? { rationale: note } : {}) }
        : { type: 'log', text, source, ...(note ? { note } : {}) };
    const o = run({ key: `teams:${a.id}`, incidentKey: incident.key, actor: actorOf(a), command });
    return messageExtensionMessage(
      activityText(`${incident.key}: ${noticeText(o, actorOf(a)) || 'Added to the incident log.'}`, 500),
    );
  });
}

/** Slack-flavoured help text (`*bold*`, `&lt;`) made readable in Teams. */
function teamsText(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\*([^*\n]+)\*/g, '$1');
}

export function helpCard() {
  const lines = helpText(COMMAND_PREFIX)
    .split('\n')
    .slice(1)
    .map((l) =>
      cardText(
        teamsText(l).replace(
          /Upload the review document \(Markdown \+ timeline SVG\) to this channel\./,
          'Show the review document (the full Markdown + timeline SVG: "incident-bot export KEY" on the bot host).',
        ),
        300,
      ),
    );
  lines.push(
    cardText('On any message in an incident thread: ... > More actions > "Add to incident log".', 300),
  );
  return textCard('Incident bot: runs the emergency procedures handbook', lines);
}
