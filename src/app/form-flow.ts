// Opening and submitting a form, the same for every platform: before it opens, the core is asked whether
// the person may do it at all (a non-IC asking to close is told at once); a submission is read with the
// form's one schema, run as one command, and answered (field errors keyed by field id, or what was done).
import type { Command } from '../domain/commands.js';
import { withHint } from '../domain/errors.js';
import type { Actor, Incident } from '../domain/incident.js';
import { findTemplate, type Playbook } from '../domain/playbook.js';
import type { Text } from '../domain/text.js';
import type { FieldErrors, FormName, FormValues, FormView } from '../views/form.js';
import { type Answer, notToStakeholders, type Outcome } from './answers.js';
import { actionForm } from './forms/action.js';
import { alertForm, closeForm, updateForm } from './forms/communication.js';
import { declareForm } from './forms/declare.js';
import { followupForm } from './forms/followup.js';
import type { FormContext, FormDef } from './forms/form-kit.js';
import { phaseForm } from './forms/phase.js';
import { recapForm } from './forms/recap.js';
import { reclassifyForm } from './forms/reclassify.js';
import { reviewForm } from './forms/review.js';
import type { IncidentApp, Request, Surface } from './incident-app.js';

export type IncidentFormName = Exclude<FormName, 'log_pick' | 'alert_attach' | 'alert_dismiss'>;

export const FORMS: Record<IncidentFormName, FormDef> = {
  declare: declareForm,
  alert: alertForm,
  update: updateForm,
  close: closeForm,
  phase: phaseForm,
  reclassify: reclassifyForm,
  followup: followupForm,
  review: reviewForm,
  recap: recapForm,
  action: actionForm,
};

export function isFormName(v: unknown): v is IncidentFormName {
  return typeof v === 'string' && Object.hasOwn(FORMS, v);
}

export const NO_SUCH_INCIDENT: Text = 'This incident no longer exists.';

function contextFor(app: IncidentApp, s: Surface, incident: Incident | null, actor: Actor): FormContext {
  return {
    incident,
    playbook: app.playbookFor(incident),
    now: app.now(),
    actor,
    nameOf: (id) => s.nameOf(id),
    stakeholders: s.stakeholders,
  };
}

/** The form as it was shown (to read a submission back), without asking whether it may open. */
export function shownForm(
  app: IncidentApp,
  s: Surface,
  name: IncidentFormName,
  incident: Incident | null,
  actor: Actor,
): FormView {
  return FORMS[name].build(contextFor(app, s, incident, actor));
}

export type Opened = { ok: true; form: FormView } | { ok: false; refusal: Text };

/** The form to show, or why this person cannot use it now. */
export function openForm(
  app: IncidentApp,
  s: Surface,
  name: IncidentFormName,
  incident: Incident | null,
  who: { actor: Actor; roomId?: string | undefined },
  prefill: FormValues = {},
): Opened {
  const { actor } = who;
  const def = FORMS[name];
  if (name !== 'declare' && !incident) return { ok: false, refusal: NO_SUCH_INCIDENT };
  const ctx = contextFor(app, s, incident, actor);
  if (incident && name !== 'declare') {
    if (!app.mayRead(incident, actor, who.roomId)) return { ok: false, refusal: app.notMember(incident) };
    const probe = def.probeFor?.(prefill) ?? def.probe;
    const refused = probe ? app.refusal(incident, probe, actor, who.roomId) : null;
    if (refused) return { ok: false, refusal: withHint(refused) };
    const own = def.refusal?.({ ...ctx, incident });
    if (own) return { ok: false, refusal: own };
  }
  return { ok: true, form: def.build(ctx, prefill) };
}

export type Submitted =
  /** Not this person's incident: the refusal only, never the form (it would show the incident). */
  | { ok: false; refusal: Text }
  /** Shown again: the form with the values as submitted and what is wrong. */
  | { ok: false; form: FormView; errors: FieldErrors; outcome?: Outcome }
  | {
      ok: true;
      outcome: Extract<Outcome, { ok: true }>;
      answer: Answer;
      done: Text;
      confirm: boolean;
      /** The form answers in place of itself everywhere (FormDef.answerInForm): its heading and text. */
      inForm: InForm | null;
    };

/** What replaces a submitted form for the submitter: a heading and the answer. */
export interface InForm {
  title: Text;
  text: Text;
}

/** Whether a command posts to the stakeholder channel (the playbook's template audiences say so). */
export function postsToStakeholders(c: Command, pb: Playbook): boolean {
  const template =
    c.type === 'send_initial_alert'
      ? 'initial_alert'
      : c.type === 'post_status_update'
        ? 'status_update'
        : c.type === 'close'
          ? 'closure_notice'
          : c.type === 'send_recap'
            ? 'recap'
            : null;
  if (c.type === 'stand_down') return true;
  return template ? findTemplate(pb, template).audiences.includes('stakeholders') : false;
}

/** Adds the "not sent to stakeholders" warning when the command posts to them and no channel is configured. */
export function withStakeholderWarning(answer: Answer, c: Command, pb: Playbook, s: Surface): Answer {
  if (!answer.ok || answer.replay || s.stakeholders.configured || !postsToStakeholders(c, pb)) return answer;
  const warning = notToStakeholders(s.stakeholders.setting);
  const add = (t: Text) => (t ? `${t}\n${warning}` : warning);
  return {
    ...answer,
    text: add(answer.text),
    ...(answer.unshown !== undefined ? { unshown: add(answer.unshown) } : {}),
  };
}

/**
 * Reads and runs a submission. `readErrors` are what the platform could not read (a person it does not
 * know); they are shown with the schema's errors, and nothing runs.
 */
export function submitForm(
  app: IncidentApp,
  s: Surface,
  name: IncidentFormName,
  req: Request,
  incident: Incident | null,
  values: FormValues,
  readErrors: FieldErrors = {},
): Submitted {
  const def = FORMS[name];
  const ctx = contextFor(app, s, incident, req.actor);
  if (name !== 'declare' && !incident)
    return { ok: false, form: def.build(ctx, values), errors: { _: NO_SUCH_INCIDENT } };
  if (incident && name !== 'declare' && !app.mayRead(incident, req.actor, req.roomId))
    return { ok: false, refusal: app.notMember(incident) };
  const read = def.read(ctx, values, req.key);
  const errors = { ...('errors' in read ? read.errors : {}), ...readErrors };
  if (!('command' in read) || Object.keys(errors).length > 0)
    return { ok: false, form: def.build(ctx, values), errors };
  const command: Command =
    read.command.type === 'declare' && req.roomId
      ? { ...read.command, declaredIn: req.roomId }
      : read.command;
  const { outcome, answer } = app.act({
    key: req.key,
    incidentKey: incident?.key ?? null,
    command,
    actor: req.actor,
    ...(req.roomId ? { roomId: req.roomId } : {}),
  });
  if (!outcome.ok) {
    const field =
      'internal' in outcome ? '_' : (def.errorField?.(outcome.error) ?? outcome.error.field ?? '_');
    return { ok: false, form: def.build(ctx, values), errors: { [field]: outcome.error.message }, outcome };
  }
  const i = outcome.incident;
  const done =
    outcome.replay && name === 'declare'
      ? `${i.drill ? 'DRILL: ' : ''}${i.key} was already declared from this form: ${i.title}.`
      : (def.done?.(i, command, { ...ctx, playbook: app.playbookFor(i) }) ?? '');
  const told = withStakeholderWarning(answer, command, app.playbookFor(i), s);
  // a replay says what was done, not the notices again (see the Teams forms)
  const text = outcome.replay ? done : [def.confirm ? done : '', told.text].filter(Boolean).join('\n');
  return {
    ok: true,
    outcome,
    answer: told,
    done,
    confirm: def.confirm === true,
    inForm: def.answerInForm ? { title: def.answerInForm.title, text: text || done } : null,
  };
}
