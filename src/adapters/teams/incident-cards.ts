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
import type { FieldErrors } from '../../core/forms.js';
import { LIMITS } from '../../core/forms.js';
import type { Incident } from '../../core/incident.js';
import type { Playbook, TemplateDef, TemplateId } from '../../core/playbook.js';
import {
  allChecklistItems,
  closureCriteria,
  findPhase,
  findRole,
  findTemplate,
  findTrigger,
} from '../../core/playbook.js';
import { cardText, truncate, utcStamp } from './escape.js';

// biome-ignore lint/suspicious/noExplicitAny: Adaptive Card JSON is free-form
type El = Record<string, any>;

export const VERB = {
  claimRole: 'role_claim',
  releaseRole: 'role_release',
  handoverRole: 'role_handover',
  checkItem: 'checklist_toggle',
  formSubmit: 'form_submit',
} as const;

export type FormName = 'declare' | 'alert' | 'update' | 'phase' | 'close';
export const FORM_TITLES: Record<FormName, string> = {
  declare: 'Declare an incident',
  alert: 'Initial stakeholder alert',
  update: 'Status update',
  phase: 'Move to the next phase',
  close: 'Close the incident',
};
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
        ...(closed ? [{ title: 'Closed', value: utcStamp(i.closedAt) }] : []),
        ...(i.reviewDueOn ? [{ title: 'Review due', value: i.reviewDueOn }] : []),
      ],
    }),
  );
  body.push(text(`**Impact:** ${cardText(i.impact, 1500)}`));
  if (o.note) body.push(o.noteIsError ? errorBlock(o.note) : text(cardText(o.note, 500), { isSubtle: true }));

  body.push(text('**Roles**', { spacing: 'Medium', separator: true }));
  const required = new Set(trigger?.initialOwners ?? []);
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
    if (
      phase &&
      !phase.terminal &&
      i.phase !== pb.closurePhase &&
      phase.next.length > 0 &&
      !phase.next.includes(pb.closurePhase)
    ) {
      actions.push(openDialog('phase', 'Advance phase', i.key));
    }
    if (i.phase === pb.closurePhase || phase?.next.includes(pb.closurePhase))
      actions.push(openDialog('close', 'Close', i.key));
  }
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
      body.push(
        el({
          type: 'ActionSet',
          spacing: 'None',
          actions: [execute(VERB.checkItem, mark ? 'Untick' : 'Tick', data)],
        }),
      );
    }
  }
  const done = allChecklistItems(pb).filter((x) => i.checklist[x.id]).length;
  body.push(text(`${done} of ${allChecklistItems(pb).length} done`, { isSubtle: true }));
  return card(body);
}

// ------------------------------------------------------------------ forms

export type FormMode = 'inline' | 'dialog';
export type FormValues = Record<string, unknown>;

function submitAction(mode: FormMode, form: FormName, label: string, incidentKey?: string): El {
  const data = { form, ...(incidentKey ? { incidentKey } : {}) };
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

export function declareFormCard(
  pb: Playbook,
  mode: FormMode,
  values: FormValues = {},
  errors: FieldErrors = {},
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
  return card(body, [submitAction(mode, 'declare', 'Declare')]);
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
    criteriaToggles(closureCriteria(pb), values, errors, body);
    body.push(text(`**${cardText(def.name, 100)}**`, { spacing: 'Medium' }));
  }
  templateInputs(def, values, errors, body);
  return card(body, [submitAction(mode, form, form === 'close' ? 'Close incident' : 'Send', i.key)]);
}

/** Phase move: the current phase's exit criteria as toggles, and the target when there is a choice. */
export function phaseFormCard(
  pb: Playbook,
  i: Incident,
  mode: FormMode,
  values: FormValues = {},
  errors: FieldErrors = {},
): IAdaptiveCard {
  const current = findPhase(pb, i.phase);
  const body: CardElementArray = [
    text(`${drillPrefix(i)}${i.key}: leave ${current?.name ?? i.phase}`, {
      size: 'Medium',
      weight: 'Bolder',
    }),
  ];
  if (errors._) body.push(errorBlock(errors._));
  const next = (current?.next ?? []).filter((p) => p !== pb.closurePhase);
  if (next.length > 1) {
    inputWithError(
      body,
      {
        type: 'Input.ChoiceSet',
        id: 'to',
        label: 'Move to',
        style: 'compact',
        isRequired: true,
        value: str(values.to) ?? next[0],
        choices: next.map((p) => ({ title: findPhase(pb, p)?.name ?? p, value: p })),
      },
      errors,
    );
  } else if (next[0]) {
    body.push(text(`Next phase: **${findPhase(pb, next[0])?.name ?? next[0]}**`));
  }
  if (current?.exitCriteria.length) {
    body.push(text('**Exit criteria** (confirm each)'));
    criteriaToggles(current.exitCriteria, values, errors, body);
  }
  return card(body, [submitAction(mode, 'phase', 'Move on', i.key)]);
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
