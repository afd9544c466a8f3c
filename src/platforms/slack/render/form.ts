// A FormView as a Slack modal: each field an input block whose block_id is the field id (a list of checks
// longer than ten continues in `<id>_2`, `<id>_3`), template fields included. The incident and the
// channel it was opened from travel in private_metadata.
import type { InForm } from '../../../app/form-flow.js';
import type { Field, FormName, FormView } from '../../../views/form.js';
import { VIEW } from '../ids.js';
import {
  type Block,
  checkboxes,
  checkboxInputs,
  context,
  encodeMeta,
  input,
  modal,
  option,
  plain,
  radio,
  section,
  staticSelect,
  textInput,
  usersSelect,
} from './modal-kit.js';
import { mrkdwnOf, plainOf } from './text.js';

export const CALLBACK: Record<FormName, string> = {
  declare: VIEW.declare,
  alert: VIEW.initialAlert,
  update: VIEW.statusUpdate,
  close: VIEW.close,
  phase: VIEW.phase,
  reclassify: VIEW.reclassify,
  followup: VIEW.followup,
  review: VIEW.review,
  recap: VIEW.recap,
  action: VIEW.action,
  log_pick: VIEW.logPick,
  alert_attach: VIEW.alertAttach,
  alert_dismiss: VIEW.alertDismiss,
};

/** The form a callback id belongs to. */
export function formOfCallback(callbackId: string): FormName | null {
  const hit = Object.entries(CALLBACK).find(([, id]) => id === callbackId);
  return hit ? (hit[0] as FormName) : null;
}

const SLACK_USER = /^[UW][A-Z0-9]+$/;

function element(f: Field): Block[] {
  const opts = { optional: !f.required, ...(f.hint ? { hint: plainOf(f.hint) } : {}) };
  switch (f.kind) {
    case 'text':
      return [
        input(
          f.id,
          f.label,
          textInput({
            ...(f.value ? { initial: f.value } : {}),
            ...(f.multiline ? { multiline: true } : {}),
            max: f.maxLength,
            ...(f.placeholder ? { placeholder: f.placeholder } : {}),
          }),
          opts,
        ),
      ];
    case 'choice': {
      const options = f.options.map((o) => option(o.label, o.value, o.description));
      const el =
        f.expanded && options.length <= 10
          ? radio(options, f.value)
          : staticSelect(options, f.value, f.placeholder);
      return [input(f.id, f.label, el, opts)];
    }
    case 'checks': {
      const blocks = checkboxInputs(
        f.id,
        f.label,
        f.options.map((o) => option(o.label, o.value)),
        { optional: true },
      );
      for (const b of blocks) {
        const ticked = b.element.options.filter((o: Block) => f.values.includes(o.value));
        if (ticked.length) b.element.initial_options = ticked;
      }
      return blocks;
    }
    case 'toggle':
      return f.yesLabel
        ? [
            input(
              f.id,
              f.label,
              radio([option('No', 'no'), option(f.yesLabel, 'yes')], f.value ? 'yes' : 'no'),
              opts,
            ),
          ]
        : [
            input(f.id, f.label, checkboxes([option(f.box ?? f.label, 'yes')], f.value ? ['yes'] : []), {
              ...opts,
              optional: true,
            }),
          ];
    case 'person':
      return [
        input(
          f.id,
          f.label,
          usersSelect(
            f.value && SLACK_USER.test(f.value) ? f.value : undefined,
            f.placeholder ?? 'Choose someone',
          ),
          opts,
        ),
      ];
    case 'date':
      return [
        input(
          f.id,
          f.label,
          {
            type: 'datepicker',
            action_id: 'value',
            ...(f.value ? { initial_date: f.value } : {}),
            placeholder: plain('Pick a date', 150),
          },
          opts,
        ),
      ];
  }
}

/** The modal for a form; `meta` carries what the submission needs back (incident, channel, message). */
export function formModal(form: FormView, meta: { channelId?: string; extra?: string } = {}): Block {
  const blocks: Block[] = [];
  if (form.intro.length) blocks.push(section(form.intro.map(mrkdwnOf).join('\n')));
  for (const f of form.fields) {
    if (f.kind === 'note') blocks.push(context(mrkdwnOf(f.text)));
    else blocks.push(...element(f));
  }
  return modal({
    callbackId: CALLBACK[form.name],
    title: form.title,
    submit: form.submit,
    blocks,
    privateMetadata:
      meta.extra ??
      encodeMeta({
        ...(form.incidentKey ? { k: form.incidentKey } : {}),
        ...(meta.channelId ? { c: meta.channelId } : {}),
      }),
  });
}

/** What a submitted form becomes when it answers in place of itself: the answer, and Close (no submit). */
export function answerModal(name: FormName, a: InForm): Block {
  return modal({
    callbackId: `${CALLBACK[name]}_answer`,
    title: plainOf(a.title),
    close: 'Close',
    blocks: [section(mrkdwnOf(a.text))],
  });
}
