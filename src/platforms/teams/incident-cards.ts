/**
 * The incident's Adaptive Cards (version 1.5): the live summary and checklist views, the forms (declare,
 * initial alert / status update / closure notice built from the playbook's template fields, phase move with
 * exit-criteria toggles), and the posts the core asks for. Every user-provided string goes through
 * `cardText` (markdown and `<at>` neutralised); ids never reach people, names do.
 *
 * Buttons:
 * - Action.Execute (Universal Actions, routed on `data.action`): role claim/release/hand over, checklist
 *   toggles, inline form submits. Answered with the refreshed card in the invoke response.
 * - Action.Submit with `msteams: { type: 'task/fetch' }`: opens a dialog (the analogue of a Slack modal).
 */
import type { CardElement, CardElementArray, IAdaptiveCard } from '@microsoft/teams.cards';
import type { FieldErrors } from '../../domain/forms.js';
import { LIMITS } from '../../domain/forms.js';
import type { Incident } from '../../domain/incident.js';
import type { Playbook, TemplateDef, TemplateId } from '../../domain/playbook.js';
import {
  allChecklistItems,
  closureCriteria,
  findPhase,
  findRole,
  findTemplate,
  findTrigger,
} from '../../domain/playbook.js';
import { requiredRoles } from '../../domain/roles.js';
import { cardText, truncate, utcStamp } from './escape.js';

// biome-ignore lint/suspicious/noExplicitAny: Adaptive Card JSON is free-form
type El = Record<string, any>;

export const VERB = {
  claimRole: 'role_claim',
  releaseRole: 'role_release',
  handoverRole: 'role_handover',
  checkItem: 'checklist_toggle',
  formSubmit: 'form_submit',
  itemNotApplicable: 'checklist_na',
  snooze: 'nudge_snooze',
  followupDone: 'followup_done',
} as const;

export type FormName =
  | 'declare'
  | 'alert'
  | 'update'
  | 'phase'
  | 'close'
  | 'reclassify'
  | 'followup'
  | 'review';
export const FORM_TITLES: Record<FormName, string> = {
  declare: 'Declare an incident',
  alert: 'Initial stakeholder alert',
  update: 'Status update',
  phase: 'Change phase',
  close: 'Close the incident',
  reclassify: 'Re-classify the incident',
  followup: 'Follow-up action',
  review: 'Post-incident review',
};

/** A person offered in a form's people picker (value: the id actors carry, the AAD object id). */
export interface PersonChoice {
  userId: string;
  name: string;
}

export const OBJECTIVES = ['risk', 'compliance', 'resilience'] as const;
export type Objective = (typeof OBJECTIVES)[number];
export const OBJECTIVE_NAMES: Record<Objective, string> = {
  risk: 'Risk',
  compliance: 'Compliance',
  resilience: 'Resilience',
};
export const WHYS = 5;
/** The "me" choice of the declare form's commander picker. */
export const COMMANDER_ME = 'me';
export const FORM_TEMPLATE: Partial<Record<FormName, TemplateId>> = {
  alert: 'initial_alert',
  update: 'status_update',
  close: 'closure_notice',
};

export type NameOf = (id: string | null | undefined) => string | undefined;

function card(body: CardElementArray, actions: El[] = []): IAdaptiveCard {
  const c: El = { type: 'AdaptiveCard', version: '1.5', body };
  if (actions.length) c.actions = actions;
  c.msteams = { width: 'Full' };
  return c as IAdaptiveCard;
}

const el = (o: El) => o as CardElement;

function text(t: string, extra: El = {}): CardElement {
  return el({ type: 'TextBlock', text: t.trim() ? t : ' ', wrap: true, ...extra });
}

export function execute(verb: string, title: string, data: El, style?: 'positive' | 'destructive'): El {
  const payload = { ...data, action: verb };
  return {
    type: 'Action.Execute',
    title,
    verb,
    data: payload,
    ...(style ? { style } : {}),
    fallback: { type: 'Action.Submit', title, data: payload },
  };
}

/** A button that opens a dialog (task/fetch) with the named form. */
export function openDialog(form: FormName, title: string, incidentKey?: string): El {
  return {
    type: 'Action.Submit',
    title,
    data: { msteams: { type: 'task/fetch' }, dialog: form, ...(incidentKey ? { incidentKey } : {}) },
  };
}

export function drillPrefix(i: Pick<Incident, 'drill'>): string {
  return i.drill ? 'DRILL: ' : '';
}

export function incidentHeading(i: Incident): string {
  return `${drillPrefix(i)}${i.key}: ${cardText(i.title, LIMITS.title + 40)}`;
}

function person(nameOf: NameOf, id: string | null | undefined): string {
  if (!id) return 'nobody';
  return cardText(nameOf(id) ?? 'unknown person', 80);
}

function errorBlock(msg: string): CardElement {
  return text(cardText(msg, 500), { color: 'Attention', weight: 'Bolder', spacing: 'None' });
}

// ------------------------------------------------------------------ summary

export interface SummaryOptions {
  /** Shown to whoever clicked (invoke responses only). */
  note?: string;
  noteIsError?: boolean;
  now?: Date;
}

export function summaryCard(
  i: Incident,
  pb: Playbook,
  nameOf: NameOf,
  o: SummaryOptions = {},
): IAdaptiveCard {
  const phase = findPhase(pb, i.phase);
  const trigger = findTrigger(pb, i.triggerClass);
  const closed = i.closedAt !== null;
  const body: CardElementArray = [];
  if (i.drill)
    body.push(
      text('DRILL: this is an exercise, not a real incident.', { color: 'Warning', weight: 'Bolder' }),
    );
  body.push(text(incidentHeading(i), { size: 'Large', weight: 'Bolder' }));
  body.push(
    el({
      type: 'FactSet',
      facts: [
        { title: 'Phase', value: phase?.name ?? i.phase },
        { title: 'Trigger', value: trigger?.name ?? i.triggerClass },
        { title: 'Severe impact', value: i.severeImpact ? 'Yes (updates every 15 min)' : 'No' },
        { title: 'Declared', value: `${utcStamp(i.declaredAt)} by ${person(nameOf, i.declaredBy)}` },
        {
          title: 'Initial alert',
          value: i.initialAlertAt ? `sent ${utcStamp(i.initialAlertAt)}` : 'not sent yet',
        },
        { title: 'Last update', value: i.lastStatusUpdateAt ? utcStamp(i.lastStatusUpdateAt) : 'none yet' },
        ...(closed
          ? [
              i.standDown
                ? {
                    title: 'Stood down',
                    value: `false alarm, ${utcStamp(i.closedAt)}: ${cardText(i.standDown.reason, 300)}`,
                  }
                : { title: 'Closed', value: utcStamp(i.closedAt) },
            ]
          : []),
        ...(i.reviewDueOn ? [{ title: 'Review due', value: i.reviewDueOn }] : []),
      ],
    }),
  );
  body.push(text(`**Impact:** ${cardText(i.impact, 1500)}`));
  if (o.note) body.push(o.noteIsError ? errorBlock(o.note) : text(cardText(o.note, 500), { isSubtle: true }));

  body.push(text('**Roles**', { spacing: 'Medium', separator: true }));
  const required = new Set(requiredRoles(pb, i.triggerClass));
  for (const role of pb.roles) {
    const held = i.roles[role.id] ?? [];
    const who = held.length
      ? held.map((u) => person(nameOf, u)).join(', ')
      : required.has(role.id)
        ? '**open (required)**'
        : 'open';
    body.push(text(`${role.name}: ${who}`, { spacing: 'Small' }));
    if (closed) continue;
    const data = { incidentKey: i.key, role: role.id, v: i.version };
    const buttons: El[] = [];
    if (held.length === 0 || role.multiple)
      buttons.push(execute(VERB.claimRole, `Claim ${truncate(role.name, 40)}`, data));
    if (held.length > 0 && role.id !== pb.commanderRole)
      buttons.push(execute(VERB.releaseRole, 'Release', data));
    if (held.length > 0) {
      buttons.push({
        type: 'Action.ShowCard',
        title: 'Hand over',
        card: {
          type: 'AdaptiveCard',
          version: '1.5',
          body: [
            {
              type: 'Input.ChoiceSet',
              id: `handover_${role.id}`,
              label: `New ${role.name}`,
              isRequired: true,
              errorMessage: 'Pick a person',
              choices: [],
              'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
            },
          ],
          actions: [execute(VERB.handoverRole, 'Hand over', data)],
        },
      });
    }
    body.push(el({ type: 'ActionSet', actions: buttons, spacing: 'None' }));
  }
  if (i.room?.link) body.push(text(`[Open the incident thread](${i.room.link})`, { spacing: 'Medium' }));

  const actions: El[] = [];
  if (!closed) {
    actions.push(
      i.initialAlertAt
        ? openDialog('update', 'Post status update', i.key)
        : openDialog('alert', 'Send initial alert', i.key),
    );
    if (phase && !phase.terminal && phaseMoves(pb, i).length > 0) {
      actions.push(openDialog('phase', 'Change phase', i.key));
    }
    if (i.phase === pb.closurePhase || phase?.next.includes(pb.closurePhase))
      actions.push(openDialog('close', 'Close', i.key));
    actions.push(openDialog('reclassify', 'Re-classify', i.key));
  } else if (i.phase === pb.reviewPhase && !i.review) {
    actions.push(openDialog('review', 'Record review', i.key));
  }
  actions.push(openDialog('followup', 'Add follow-up', i.key));
  return card(body, actions);
}

// ------------------------------------------------------------------ checklist

export function checklistCard(
  i: Incident,
  pb: Playbook,
  nameOf: NameOf,
  o: SummaryOptions = {},
): IAdaptiveCard {
  const body: CardElementArray = [
    text(`${drillPrefix(i)}${i.key} golden hour checklist`, { size: 'Medium', weight: 'Bolder' }),
  ];
  if (o.note) body.push(o.noteIsError ? errorBlock(o.note) : text(cardText(o.note, 500), { isSubtle: true }));
  const closed = i.closedAt !== null;
  for (const g of pb.checklist) {
    body.push(text(`**${cardText(g.name, 150)}**`, { spacing: 'Medium' }));
    for (const item of g.items) {
      const mark = i.checklist[item.id];
      const due = new Date(Date.parse(i.declaredAt) + item.deadlineMinutes * 60_000).toISOString();
      const state = mark
        ? mark.state === 'done'
          ? `✅ ${cardText(item.text, 300)} (done by ${person(nameOf, mark.by)})`
          : `➖ ${cardText(item.text, 300)} (not applicable: ${cardText(mark.reason ?? '', 200)})`
        : `⬜ ${cardText(item.text, 300)} (due ${utcStamp(due)}, ${findRole(pb, item.ownerRole)?.name ?? item.ownerRole})`;
      body.push(text(state, { spacing: 'Small' }));
      if (closed || item.completedBy) continue;
      const data = { incidentKey: i.key, item: item.id, state: mark ? 'uncheck' : 'check', v: i.version };
      const buttons: El[] = [execute(VERB.checkItem, mark ? 'Untick' : 'Tick', data)];
      if (!mark) {
        buttons.push({
          type: 'Action.ShowCard',
          title: 'Not applicable',
          card: {
            type: 'AdaptiveCard',
            version: '1.5',
            body: [
              {
                type: 'Input.Text',
                id: naReasonId(item.id),
                label: 'Why does it not apply?',
                maxLength: LIMITS.reason,
                isRequired: true,
                errorMessage: 'Say why the item does not apply',
              },
            ],
            actions: [
              execute(VERB.itemNotApplicable, 'Mark not applicable', { incidentKey: i.key, item: item.id }),
            ],
          },
        });
      }
      body.push(el({ type: 'ActionSet', spacing: 'None', actions: buttons }));
    }
  }
  const done = allChecklistItems(pb).filter((x) => i.checklist[x.id]).length;
  body.push(text(`${done} of ${allChecklistItems(pb).length} done`, { isSubtle: true }));
  return card(body);
}

/** The input id of a checklist item's "not applicable" reason (unique per item within the card). */
export function naReasonId(item: string): string {
  return `na_reason_${item}`;
}

// ------------------------------------------------------------------ forms

export type FormMode = 'inline' | 'dialog';
export type FormValues = Record<string, unknown>;

/**
 * A form's submit button. `nonce` (values.nonce, set by the handlers when they render the form) is a random
 * id of this rendering: two submits of the same form (a double click, a retried dialog submit) carry it and
 * are one command.
 */
function submitAction(
  mode: FormMode,
  form: FormName,
  label: string,
  values: FormValues,
  incidentKey?: string,
): El {
  const nonce = str(values.nonce);
  const data = { form, ...(incidentKey ? { incidentKey } : {}), ...(nonce ? { nonce } : {}) };
  return mode === 'inline'
    ? execute(VERB.formSubmit, label, data, 'positive')
    : { type: 'Action.Submit', title: label, style: 'positive', data: { ...data, action: VERB.formSubmit } };
}

function inputWithError(body: CardElementArray, input: El, errors: FieldErrors): void {
  body.push(el(input));
  const e = errors[input.id as string];
  if (e) body.push(errorBlock(e));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const toggled = (v: unknown): boolean => v === true || v === 'true';

/**
 * A people picker: the known people as static choices, plus the Teams client's people search
 * (`choices.data`, Teams desktop/web only; other hosts show the static choices). Values are AAD ids.
 */
function peoplePicker(
  id: string,
  label: string,
  people: PersonChoice[],
  o: { value?: string | undefined; required?: boolean; first?: { title: string; value: string } },
): El {
  const seen = new Set<string>();
  const choices: { title: string; value: string }[] = o.first ? [o.first] : [];
  for (const p of people) {
    if (seen.has(p.userId) || choices.length >= 25) continue;
    seen.add(p.userId);
    choices.push({ title: truncate(p.name, 100), value: p.userId });
  }
  return {
    type: 'Input.ChoiceSet',
    id,
    label,
    style: 'filtered',
    choices,
    'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
    ...(o.required ? { isRequired: true, errorMessage: `Choose the ${label.toLowerCase()}` } : {}),
    ...(o.value ? { value: o.value } : {}),
  };
}

export function declareFormCard(
  pb: Playbook,
  mode: FormMode,
  values: FormValues = {},
  errors: FieldErrors = {},
  people: PersonChoice[] = [],
): IAdaptiveCard {
  const body: CardElementArray = [text(FORM_TITLES.declare, { size: 'Medium', weight: 'Bolder' })];
  if (errors._) body.push(errorBlock(errors._));
  inputWithError(
    body,
    {
      type: 'Input.Text',
      id: 'title',
      label: 'Title',
      placeholder: 'What is happening, in a few words',
      maxLength: LIMITS.title,
      isRequired: true,
      errorMessage: 'A title is required',
      ...(str(values.title) ? { value: str(values.title) } : {}),
    },
    errors,
  );
  inputWithError(
    body,
    {
      type: 'Input.ChoiceSet',
      id: 'triggerClass',
      label: 'Trigger class',
      style: 'expanded',
      isRequired: true,
      errorMessage: 'Choose one of the trigger classes',
      choices: pb.triggers.map((t) => ({
        title: truncate(`${t.name}: ${t.examples.join(', ') || t.description}`, 200),
        value: t.id,
      })),
      ...(str(values.triggerClass) ? { value: str(values.triggerClass) } : {}),
    },
    errors,
  );
  body.push(
    text(
      'If there is uncertainty, err on the side of activating the procedures and downgrading later during triage.',
      { isSubtle: true, size: 'Small', spacing: 'None' },
    ),
  );
  inputWithError(
    body,
    {
      type: 'Input.Text',
      id: 'impact',
      label: 'Impact',
      placeholder: 'Customer / system impact as known now',
      isMultiline: true,
      maxLength: LIMITS.impact,
      isRequired: true,
      errorMessage: 'Describe the impact',
      ...(str(values.impact) ? { value: str(values.impact) } : {}),
    },
    errors,
  );
  inputWithError(
    body,
    {
      type: 'Input.Toggle',
      id: 'severeImpact',
      title: 'Severe customer impact (status updates every 15 minutes)',
      valueOn: 'true',
      valueOff: 'false',
      value: toggled(values.severeImpact) ? 'true' : 'false',
    },
    errors,
  );
  inputWithError(
    body,
    {
      type: 'Input.Toggle',
      id: 'drill',
      title: 'This is a drill (an exercise, not a real incident)',
      valueOn: 'true',
      valueOff: 'false',
      value: toggled(values.drill) ? 'true' : 'false',
    },
    errors,
  );
  inputWithError(
    body,
    peoplePicker('commander', 'Incident commander', people, {
      value: str(values.commander) ?? COMMANDER_ME,
      first: { title: 'Me (whoever declares)', value: COMMANDER_ME },
    }),
    errors,
  );
  body.push(
    text(
      'Or mention the person when declaring: "incident declare <title> @name". Default: whoever declares.',
      { isSubtle: true, size: 'Small', spacing: 'None' },
    ),
  );
  return card(body, [submitAction(mode, 'declare', 'Declare', values)]);
}

function templateInputs(
  def: TemplateDef,
  values: FormValues,
  errors: FieldErrors,
  body: CardElementArray,
): void {
  for (const f of def.fields) {
    const value = str(values[f.id]);
    const common = {
      id: f.id,
      label: f.label,
      isRequired: f.required,
      ...(f.required ? { errorMessage: `${f.label} is required` } : {}),
      ...(value ? { value } : {}),
    };
    if (f.kind === 'select' && f.options?.length) {
      inputWithError(
        body,
        {
          type: 'Input.ChoiceSet',
          style: 'compact',
          ...common,
          choices: f.options.map((o) => ({ title: o, value: o })),
        },
        errors,
      );
    } else {
      inputWithError(
        body,
        {
          type: 'Input.Text',
          ...common,
          maxLength: f.maxLength,
          ...(f.kind === 'multiline' ? { isMultiline: true } : {}),
          ...(f.kind === 'datetime' ? { placeholder: 'YYYY-MM-DD HH:MM UTC' } : {}),
        },
        errors,
      );
    }
    if (f.hint) body.push(text(cardText(f.hint, 300), { isSubtle: true, size: 'Small', spacing: 'None' }));
  }
}

function criteriaToggles(
  criteria: { id: string; text: string }[],
  values: FormValues,
  errors: FieldErrors,
  body: CardElementArray,
): void {
  for (const c of criteria) {
    inputWithError(
      body,
      {
        type: 'Input.Toggle',
        id: `crit_${c.id}`,
        title: truncate(c.text, 300),
        valueOn: 'true',
        valueOff: 'false',
        value: toggled(values[`crit_${c.id}`]) ? 'true' : 'false',
      },
      errors,
    );
  }
}

/** Initial alert / status update / closure notice form, from the playbook's template fields. */
export function communicationFormCard(
  pb: Playbook,
  i: Incident,
  form: 'alert' | 'update' | 'close',
  mode: FormMode,
  values: FormValues = {},
  errors: FieldErrors = {},
): IAdaptiveCard {
  const def = findTemplate(pb, FORM_TEMPLATE[form]!);
  const body: CardElementArray = [
    text(`${drillPrefix(i)}${i.key}: ${FORM_TITLES[form]}`, { size: 'Medium', weight: 'Bolder' }),
    text(cardText(i.title, LIMITS.title), { isSubtle: true, spacing: 'None' }),
  ];
  if (errors._) body.push(errorBlock(errors._));
  if (form === 'close') {
    body.push(text('**Closure criteria** (confirm each)'));
    // closing straight out of the phase before closure confirms that phase's exit criteria too
    criteriaToggles(closureCriteria(pb, i.phase), values, errors, body);
    body.push(text(`**${cardText(def.name, 100)}**`, { spacing: 'Medium' }));
  }
  templateInputs(def, values, errors, body);
  return card(body, [submitAction(mode, form, form === 'close' ? 'Close incident' : 'Send', values, i.key)]);
}

export interface PhaseMove {
  dir: 'forward' | 'back';
  to: string;
}

/**
 * The moves the phase form offers: forward along `next` (moving into the closure phase is the close
 * form's job, and into the review phase the closure's), and back along `back` (with a reason).
 */
export function phaseMoves(pb: Playbook, i: Incident): PhaseMove[] {
  const p = findPhase(pb, i.phase);
  if (!p || p.terminal) return [];
  const forward =
    i.phase === pb.closurePhase || i.phase === pb.reviewPhase
      ? []
      : p.next.filter((to) => to !== pb.closurePhase && to !== pb.reviewPhase);
  return [
    ...forward.map((to) => ({ dir: 'forward' as const, to })),
    ...p.back.map((to) => ({ dir: 'back' as const, to })),
  ];
}

export const encodeMove = (m: PhaseMove): string => `${m.dir}:${m.to}`;

export function decodeMove(v: unknown): PhaseMove | null {
  const m = typeof v === 'string' ? /^(forward|back):(.+)$/.exec(v) : null;
  return m ? { dir: m[1] as PhaseMove['dir'], to: m[2]! } : null;
}

/** Phase move: forward (the current phase's exit criteria as toggles) or back (a reason). */
export function phaseFormCard(
  pb: Playbook,
  i: Incident,
  mode: FormMode,
  values: FormValues = {},
  errors: FieldErrors = {},
): IAdaptiveCard {
  const current = findPhase(pb, i.phase);
  const name = (id: string) => findPhase(pb, id)?.name ?? id;
  const body: CardElementArray = [
    text(`${drillPrefix(i)}${i.key} is in ${current?.name ?? i.phase}`, {
      size: 'Medium',
      weight: 'Bolder',
    }),
  ];
  if (errors._) body.push(errorBlock(errors._));
  const moves = phaseMoves(pb, i);
  const forward = moves.find((m) => m.dir === 'forward');
  const first = forward ?? moves[0];
  const selected = str(values.move) ?? (first ? encodeMove(first) : undefined);
  inputWithError(
    body,
    {
      type: 'Input.ChoiceSet',
      id: 'move',
      label: 'Move',
      style: 'expanded',
      isRequired: true,
      errorMessage: 'Choose where to move',
      ...(selected ? { value: selected } : {}),
      choices: moves.map((m) => ({
        title: m.dir === 'forward' ? `Move on to ${name(m.to)}` : `Move back to ${name(m.to)}`,
        value: encodeMove(m),
      })),
    },
    errors,
  );
  if (forward && current?.exitCriteria.length) {
    body.push(text(`**Exit criteria of ${current.name}** (confirm each to move on)`));
    criteriaToggles(current.exitCriteria, values, errors, body);
  }
  inputWithError(
    body,
    {
      type: 'Input.Text',
      id: 'reason',
      label: 'Reason (required when moving back; logged)',
      placeholder: 'e.g. mitigation failed',
      isMultiline: true,
      maxLength: LIMITS.reason,
      ...(str(values.reason) ? { value: str(values.reason) } : {}),
    },
    errors,
  );
  return card(body, [submitAction(mode, 'phase', 'Move', values, i.key)]);
}

/** Re-classify: trigger class, severe impact, and why (incident commander). */
export function reclassifyFormCard(
  pb: Playbook,
  i: Incident,
  mode: FormMode,
  values: FormValues = {},
  errors: FieldErrors = {},
): IAdaptiveCard {
  const body: CardElementArray = [
    text(`${drillPrefix(i)}${i.key}: ${FORM_TITLES.reclassify}`, { size: 'Medium', weight: 'Bolder' }),
    text(cardText(i.title, LIMITS.title), { isSubtle: true, spacing: 'None' }),
  ];
  if (errors._) body.push(errorBlock(errors._));
  inputWithError(
    body,
    {
      type: 'Input.ChoiceSet',
      id: 'triggerClass',
      label: 'Trigger class',
      style: 'expanded',
      isRequired: true,
      errorMessage: 'Choose one of the trigger classes',
      value: str(values.triggerClass) ?? i.triggerClass,
      choices: pb.triggers.map((t) => ({ title: truncate(t.name, 200), value: t.id })),
    },
    errors,
  );
  inputWithError(
    body,
    {
      type: 'Input.Toggle',
      id: 'severeImpact',
      title: 'Severe customer impact (status updates every 15 minutes)',
      valueOn: 'true',
      valueOff: 'false',
      value: (values.severeImpact === undefined ? i.severeImpact : toggled(values.severeImpact))
        ? 'true'
        : 'false',
    },
    errors,
  );
  inputWithError(
    body,
    {
      type: 'Input.Text',
      id: 'reason',
      label: 'Reason (logged)',
      isMultiline: true,
      maxLength: LIMITS.reason,
      isRequired: true,
      errorMessage: 'Say why the incident is re-classified',
      ...(str(values.reason) ? { value: str(values.reason) } : {}),
    },
    errors,
  );
  return card(body, [submitAction(mode, 'reclassify', 'Re-classify', values, i.key)]);
}

/** `YYYY-MM-DD` of `d` plus `days`, in UTC. */
export function isoDay(d: Date, days = 0): string {
  return new Date(d.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Follow-up action: what, owner (people picker), due date, control objective. */
export function followupFormCard(
  i: Incident,
  mode: FormMode,
  o: { people: PersonChoice[]; now: Date },
  values: FormValues = {},
  errors: FieldErrors = {},
): IAdaptiveCard {
  const body: CardElementArray = [
    text(`${drillPrefix(i)}${i.key}: ${FORM_TITLES.followup}`, { size: 'Medium', weight: 'Bolder' }),
    text(cardText(i.title, LIMITS.title), { isSubtle: true, spacing: 'None' }),
  ];
  if (errors._) body.push(errorBlock(errors._));
  inputWithError(
    body,
    {
      type: 'Input.Text',
      id: 'what',
      label: 'What needs doing',
      isMultiline: true,
      maxLength: 1000,
      isRequired: true,
      errorMessage: 'Say what needs doing',
      ...(str(values.what) ? { value: str(values.what) } : {}),
    },
    errors,
  );
  inputWithError(
    body,
    peoplePicker('owner', 'Owner', o.people, { value: str(values.owner), required: true }),
    errors,
  );
  inputWithError(
    body,
    {
      type: 'Input.Date',
      id: 'due',
      label: 'Due',
      isRequired: true,
      errorMessage: 'Pick the due date',
      value: str(values.due) ?? isoDay(o.now, 14),
    },
    errors,
  );
  inputWithError(
    body,
    {
      type: 'Input.ChoiceSet',
      id: 'objective',
      label: 'Control objective',
      style: 'compact',
      isRequired: true,
      errorMessage: 'Choose a control objective',
      choices: OBJECTIVES.map((x) => ({ title: OBJECTIVE_NAMES[x], value: x })),
      ...(str(values.objective) ? { value: str(values.objective) } : {}),
    },
    errors,
  );
  return card(body, [submitAction(mode, 'followup', 'Add', values, i.key)]);
}

/**
 * Post-incident review: summary, five whys, contributing factors per control objective, corrective
 * actions, verification plans, lessons; and "no follow-up tasks are needed" when none were filed.
 */
export function reviewFormCard(
  i: Incident,
  mode: FormMode,
  values: FormValues = {},
  errors: FieldErrors = {},
): IAdaptiveCard {
  const body: CardElementArray = [
    text(`${drillPrefix(i)}${i.key}: ${FORM_TITLES.review}`, { size: 'Medium', weight: 'Bolder' }),
    text(cardText(i.title, LIMITS.title), { isSubtle: true, spacing: 'None' }),
  ];
  if (errors._) body.push(errorBlock(errors._));
  const textInput = (id: string, label: string, max: number, extra: El = {}) =>
    inputWithError(
      body,
      {
        type: 'Input.Text',
        id,
        label,
        maxLength: max,
        ...extra,
        ...(str(values[id]) ? { value: str(values[id]) } : {}),
      },
      errors,
    );
  textInput('summary', 'Summary', 3000, {
    isMultiline: true,
    isRequired: true,
    errorMessage: 'The review needs a summary',
  });
  body.push(text('**Five whys**: ask why until you reach a cause you can act on.', { spacing: 'Medium' }));
  for (let n = 1; n <= WHYS; n++)
    textInput(
      `why_${n}`,
      `Why ${n}`,
      500,
      n === 1 ? { isRequired: true, errorMessage: 'Give at least the first why' } : {},
    );
  body.push(text('**Contributing factors**, by the control objective they touch.', { spacing: 'Medium' }));
  for (const obj of OBJECTIVES)
    textInput(`factor_${obj}`, `${OBJECTIVE_NAMES[obj]} factors`, 1000, { isMultiline: true });
  textInput('corrective_actions', 'Corrective actions', 3000, {
    isMultiline: true,
    isRequired: true,
    errorMessage: 'The review needs the corrective actions',
  });
  textInput('verification_plan', 'Verification plans', 3000, {
    isMultiline: true,
    isRequired: true,
    placeholder: 'How we will know the fixes work',
    errorMessage: 'The review needs the verification plans',
  });
  textInput('lessons', 'Lessons learned', 3000, { isMultiline: true });
  const filed = i.followups.length;
  body.push(
    text(
      filed === 0
        ? '**Follow-up tasks**: none are filed yet. File them first with "incident followup", or tick this and say why in the corrective actions.'
        : `**Follow-up tasks**: ${filed} filed.`,
      { spacing: 'Medium' },
    ),
  );
  inputWithError(
    body,
    {
      type: 'Input.Toggle',
      id: 'no_followups',
      title: 'No follow-up tasks are needed',
      valueOn: 'true',
      valueOff: 'false',
      value: toggled(values.no_followups) ? 'true' : 'false',
    },
    errors,
  );
  return card(body, [submitAction(mode, 'review', 'Record review', values, i.key)]);
}

/** The follow-ups, open first, each open one with "Mark done". */
export function followupListCard(
  i: Incident,
  nameOf: NameOf,
  o: { note?: string; noteIsError?: boolean } = {},
): IAdaptiveCard {
  const open = i.followups.filter((f) => f.state === 'open').length;
  const head =
    i.followups.length === 0
      ? `${drillPrefix(i)}${i.key} has no follow-ups yet`
      : `${drillPrefix(i)}${i.key}: ${i.followups.length} follow-up${i.followups.length === 1 ? '' : 's'}, ${open} open`;
  const body: CardElementArray = [text(head, { size: 'Medium', weight: 'Bolder' })];
  if (o.note) body.push(o.noteIsError ? errorBlock(o.note) : text(cardText(o.note, 500), { isSubtle: true }));
  if (i.followups.length === 0) body.push(text('"incident followup" adds one.', { isSubtle: true }));
  const sorted = [...i.followups].sort((a, b) => (a.state === b.state ? 0 : a.state === 'open' ? -1 : 1));
  const MAX = 20;
  for (const f of sorted.slice(0, MAX)) {
    const objective = OBJECTIVE_NAMES[f.objective as Objective] ?? cardText(f.objective, 40);
    const state =
      f.state === 'done'
        ? `done${f.doneAt ? ` ${f.doneAt.slice(0, 10)}` : ''}`
        : `open, due ${cardText(f.due, 20)}`;
    body.push(
      text(`${f.state === 'done' ? '✅' : '📌'} **${cardText(f.what, 300)}**`, { spacing: 'Medium' }),
    );
    body.push(
      text(`${person(nameOf, f.owner)} · ${objective} · ${state}`, { isSubtle: true, spacing: 'None' }),
    );
    if (f.state === 'open')
      body.push(
        el({
          type: 'ActionSet',
          spacing: 'None',
          actions: [
            execute(
              VERB.followupDone,
              'Mark done',
              { incidentKey: i.key, id: f.id, src: 'list' },
              'positive',
            ),
          ],
        }),
      );
  }
  if (sorted.length > MAX) body.push(text(`…and ${sorted.length - MAX} more.`, { isSubtle: true }));
  return card(body);
}

/** The ids of the criteria toggled on in a submitted form. */
export function confirmedCriteria(values: FormValues): string[] {
  return Object.entries(values)
    .filter(([k, v]) => k.startsWith('crit_') && toggled(v))
    .map(([k]) => k.slice('crit_'.length));
}

/** Shown in place of a submitted inline form. */
export function doneCard(title: string, lines: string[] = []): IAdaptiveCard {
  return card([text(title, { weight: 'Bolder', wrap: true }), ...lines.map((l) => text(l))]);
}

/** A short card with a heading and lines (posts, help, status). */
export function textCard(
  heading: string,
  lines: string[],
  actions: El[] = [],
  opts: { drill?: boolean } = {},
): IAdaptiveCard {
  const body: CardElementArray = [];
  if (opts.drill) body.push(text('DRILL', { color: 'Warning', weight: 'Bolder' }));
  body.push(text(heading, { weight: 'Bolder', size: 'Medium' }));
  for (const l of lines) body.push(text(l, { spacing: 'Small' }));
  return card(body, actions);
}
