// The confirmation step of a playbook action (freeze deployments, master switch): it names the consequence
// and asks why; submitting it is the confirmation (`run_action` with `confirmed: true`). It opens prefilled
// with the action pressed or typed; whether this person may run it, and whether it is configured, is asked
// of the core before it opens.
import type { Command } from '../../domain/commands.js';
import { roleName } from '../../domain/decide/context.js';
import { type ActionDef, actionsOf, allowedRoles, findAction } from '../../domain/playbook-actions.js';
import { LIMITS } from '../../domain/template-fields.js';
import { strong, type Text, userText } from '../../domain/text.js';
import type { FormView } from '../../views/form.js';
import { type FormDef, incidentLine, type ReadResult, str } from './form-kit.js';

function introFor(a: ActionDef | undefined, ctx: Parameters<FormDef['build']>[0]): Text[] {
  const i = ctx.incident!;
  if (!a) return [incidentLine(i), 'Choose the action: each says what it does. Submitting runs it.'];
  const who = allowedRoles(ctx.playbook, a).map((r) => roleName(ctx.playbook, r));
  return [
    incidentLine(i),
    `${strong(a.title)}: ${userText(a.consequence)}`,
    `Submitting confirms it: the system is called at once and its answer is kept in the decision log${a.completes ? ', and on success the checklist item is ticked' : ''}. Allowed: ${who.map((n) => userText(n)).join(', ')}.`,
    ...(i.drill
      ? ['DRILL: the call is made all the same and says drill: true; the system decides what a drill does.']
      : []),
  ];
}

export const actionForm: FormDef = {
  probeFor(prefill) {
    const action = str(prefill.action_id);
    return action ? { type: 'run_action', action, reason: '', confirmed: false } : undefined;
  },
  refusal({ playbook }) {
    return actionsOf(playbook).length ? null : 'The playbook defines no actions.';
  },
  build(ctx, prefill = {}): FormView {
    const i = ctx.incident!;
    const chosen = findAction(ctx.playbook, str(prefill.action_id) ?? '');
    return {
      name: 'action',
      title: chosen ? 'Confirm action' : 'Run an action',
      submit: 'Confirm and run',
      incidentKey: i.key,
      intro: introFor(chosen, ctx),
      fields: [
        {
          kind: 'choice',
          // not `action`: Teams routes a card's Action.Execute on `data.action`
          id: 'action_id',
          label: 'Action',
          required: true,
          expanded: true,
          options: actionsOf(ctx.playbook).map((a) => ({
            value: a.id,
            label: a.title,
            description: a.consequence.slice(0, 150),
          })),
          ...(chosen ? { value: chosen.id } : {}),
        },
        {
          kind: 'text',
          id: 'reason',
          label: 'Why',
          required: true,
          multiline: true,
          maxLength: LIMITS.reason,
          placeholder: 'e.g. safety limits exceeded on the risk engine',
          hint: 'Kept in the decision log with the answer of the system.',
          ...(str(prefill.reason) ? { value: str(prefill.reason)!.slice(0, LIMITS.reason) } : {}),
        },
      ],
    };
  },
  read(ctx, values): ReadResult {
    const action = str(values.action_id) ?? '';
    if (!findAction(ctx.playbook, action)) return { errors: { action_id: 'Choose the action.' } };
    const reason = (str(values.reason) ?? '').trim();
    if (!reason) return { errors: { reason: 'Say why: the reason is kept in the decision log.' } };
    if (reason.length > LIMITS.reason) return { errors: { reason: `At most ${LIMITS.reason} characters.` } };
    const command: Command = { type: 'run_action', action, reason, confirmed: true };
    return { command };
  },
  answerInForm: { title: 'Action requested' },
  done(i, c, ctx) {
    const a = c.type === 'run_action' ? findAction(ctx.playbook, c.action) : undefined;
    return `${userText(a?.title ?? 'The action')} was requested for ${i.key}: the answer of the system is posted in the room.`;
  },
};
