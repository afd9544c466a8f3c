import type { Effect } from '../effects.js';
import { type DomainError, fail } from '../errors.js';
import type { Incident } from '../incident.js';
import { allChecklistItems, findTemplate, type TemplateId } from '../playbook.js';
import { validateTemplateFields } from '../template-fields.js';
import { withStakeholderItems } from './commitments.js';
import { type DecideContext, type Handler, iso, log, ok, post, ROOM, STAKEHOLDERS, view } from './context.js';

export function communicate(
  i: Incident,
  template: TemplateId,
  fields: Record<string, string>,
  ctx: DecideContext,
): { incident: Incident; effects: Effect[] } | { error: DomainError } {
  const v = validateTemplateFields(ctx.playbook, template, fields);
  if (!v.ok) {
    const first = Object.entries(v.errors)[0];
    return { error: { code: 'invalid', message: first ? first[1] : 'Invalid form.' } };
  }
  const at = iso(ctx.now);
  const comm = { template, at, by: ctx.actor.id, fields: v.fields };
  const n = i.communications.length;
  // The template's audiences (playbook data) decide where it goes: the incident room, the stakeholders.
  const audiences = findTemplate(ctx.playbook, template).audiences;
  const data = { template, fields: v.fields, index: n };
  return {
    incident: { ...i, communications: [...i.communications, comm], lastStatusUpdateAt: at },
    effects: [
      log('communication', { template, fields: v.fields, audiences }),
      ...(audiences.includes('incident') ? [post(`comm:${n}:room`, ROOM, 'communication', data)] : []),
      ...(audiences.includes('stakeholders')
        ? [post(`comm:${n}:stakeholders`, STAKEHOLDERS, 'communication', data)]
        : []),
      view('summary'),
    ],
  };
}

export const sendInitialAlert: Handler<'send_initial_alert'> = (i, c, ctx) => {
  if (i.initialAlertAt)
    return fail('invalid', 'The initial stakeholder alert was already sent; post a status update instead.');
  const r = communicate(i, 'initial_alert', c.fields, ctx);
  if ('error' in r) return { ok: false, error: r.error };
  const at = iso(ctx.now);
  const checklist = { ...r.incident.checklist };
  for (const item of allChecklistItems(ctx.playbook)) {
    if (item.completedBy === 'initial_alert_sent')
      checklist[item.id] = { state: 'done', by: ctx.actor.id, at };
  }
  return ok({ ...r.incident, initialAlertAt: at, checklist }, [...r.effects, view('checklist')]);
};

export const postStatusUpdate: Handler<'post_status_update'> = (i, c, ctx) => {
  const r = communicate(i, 'status_update', c.fields, ctx);
  if ('error' in r) return { ok: false, error: r.error };
  return ok(r.incident, withStakeholderItems(i, r.effects));
};
