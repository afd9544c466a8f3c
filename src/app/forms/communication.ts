// The forms built from the playbook's communication templates: the initial stakeholder alert, the status
// update, and closing (closure criteria, the closure notice, the review facilitator). Fields are prefilled
// with what the bot knows: system = title, start time, IC, impact, the last status, the next update.
import { businessDaysAfter } from '../../domain/business-days.js';
import type { Command } from '../../domain/commands.js';
import { stakeholderItems } from '../../domain/commitments.js';
import { holders, type Incident } from '../../domain/incident.js';
import type { Playbook, TemplateDef, TemplateField, TemplateId } from '../../domain/playbook.js';
import { closureCriteria, findPhase, findTemplate } from '../../domain/playbook.js';
import { validateTemplateFields } from '../../domain/template-fields.js';
import { command, type Text, userText } from '../../domain/text.js';
import { stakeholderFormLines } from '../../views/commitments.js';
import type { Field, FieldErrors, FormValues, FormView } from '../../views/form.js';
import { withCloseAlerts } from './close-alerts.js';
import { DEBRIEF_FIELD, debriefField, readDebriefTime } from './debrief-time.js';
import { type FormContext, type FormDef, incidentLine, list, str, utcStamp } from './form-kit.js';

/** Template fields are `field:<id>` in a form, so they never clash with the form's own inputs. */
export const fieldId = (id: string) => `field:${id}`;

function lastFields(i: Incident, template: TemplateId): Record<string, string> {
  const c = [...i.communications].reverse().find((x) => x.template === template);
  return c?.fields ?? {};
}

/** What the bot can fill in for each template field id (only ids the template has are used). */
export function prefill(
  pb: Playbook,
  template: TemplateId,
  i: Incident,
  ctx: FormContext,
): Record<string, string> {
  const minutes = i.severeImpact ? pb.clocks.severeStatusUpdateMinutes : pb.clocks.statusUpdateMinutes;
  const next = utcStamp(new Date(ctx.now.getTime() + minutes * 60_000));
  const where = i.room?.name ? ` in #${i.room.name}` : '';
  const ic = holders(i, pb.commanderRole)[0];
  const icName = ic ? ctx.nameOf(ic) : undefined;
  const last = lastFields(i, 'status_update');
  const alert = lastFields(i, 'initial_alert');
  const known: Record<string, string> = {
    system: i.title,
    summary: i.title,
    start_time: utcStamp(new Date(i.declaredAt)),
    impact: i.impact,
    commander: icName ? `@${icName}` : '',
    status: last.status ?? '',
    developments: '',
    risks: last.risks ?? '',
    help: last.help ?? '',
    resolved_at: utcStamp(ctx.now),
    impact_summary: i.impact,
    review: `${businessDaysAfter(ctx.now, pb.clocks.reviewBusinessDays)}${icName ? `, facilitated by @${icName}` : ''}`,
  };
  if (template === 'initial_alert' && alert.actions) known.actions = alert.actions;
  known.next_update =
    template === 'closure_notice' ? '' : `${next}${template === 'initial_alert' ? where : ''}`;
  return known;
}

function templateField(f: TemplateField, value: string | undefined): Field {
  const base = { id: fieldId(f.id), label: f.label, required: f.required };
  if (f.kind === 'select' && f.options?.length)
    return {
      ...base,
      kind: 'choice',
      options: f.options.map((o) => ({ value: o, label: o })),
      ...(f.hint ? { hint: f.hint } : {}),
      ...(value && f.options.includes(value) ? { value } : {}),
    };
  const hint = f.kind === 'datetime' ? `${f.hint ?? 'UTC timestamp'}, e.g. 2024-05-01 14:30 UTC` : f.hint;
  return {
    ...base,
    kind: 'text',
    maxLength: f.maxLength,
    ...(f.kind === 'multiline' ? { multiline: true } : {}),
    ...(f.kind === 'datetime' ? { placeholder: 'YYYY-MM-DD HH:MM UTC' } : {}),
    ...(hint ? { hint } : {}),
    ...(value ? { value: value.slice(0, f.maxLength) } : {}),
  };
}

export function templateFields(
  def: TemplateDef,
  values: Record<string, string>,
  prefilled: FormValues,
): Field[] {
  return def.fields.map((f) =>
    templateField(f, str(prefilled[fieldId(f.id)]) ?? (values[f.id] || undefined)),
  );
}

/** The line saying where the post goes (and that it reaches the room only when no stakeholder channel is set). */
export function audienceLine(i: Incident, def: TemplateDef, ctx: FormContext): Text {
  const audience = !def.audiences.includes('stakeholders')
    ? ''
    : ctx.stakeholders.configured
      ? ' Posted in the incident channel and to stakeholders.'
      : ` ⚠️ Posted in the incident channel ONLY: no stakeholder channel is configured (${ctx.stakeholders.setting}); forward it to stakeholders yourself.`;
  return `${incidentLine(i)}: ${userText(def.name)}.${audience}`;
}

/** The submitted template fields, validated by the core's template schema; errors keyed by form field id. */
export function readTemplate(
  pb: Playbook,
  template: TemplateId,
  values: FormValues,
): { ok: true; fields: Record<string, string> } | { ok: false; errors: FieldErrors } {
  const def = findTemplate(pb, template);
  const raw = Object.fromEntries(def.fields.map((f) => [f.id, str(values[fieldId(f.id)]) ?? '']));
  const r = validateTemplateFields(pb, template, raw);
  if (r.ok) return r;
  return { ok: false, errors: Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [fieldId(k), v])) };
}

function communicationForm(template: 'initial_alert' | 'status_update'): FormDef {
  const alert = template === 'initial_alert';
  return {
    probe: alert ? { type: 'send_initial_alert', fields: {} } : { type: 'post_status_update', fields: {} },
    refusal: ({ incident }) =>
      alert && incident.initialAlertAt
        ? `The initial stakeholder alert was already sent; use ${command('update')} for a status update.`
        : null,
    build(ctx, prefilled = {}): FormView {
      const i = ctx.incident!;
      const def = findTemplate(ctx.playbook, template);
      return {
        name: alert ? 'alert' : 'update',
        title: alert ? 'Initial alert' : 'Status update',
        submit: alert ? 'Send alert' : 'Post update',
        incidentKey: i.key,
        // the status update lists the open commitments and questions: show them, so they can be settled first
        intro: [audienceLine(i, def, ctx), ...(alert ? [] : stakeholderFormLines(i, stakeholderItems(i)))],
        fields: templateFields(def, prefill(ctx.playbook, template, i, ctx), prefilled),
      };
    },
    read(ctx, values) {
      const r = readTemplate(ctx.playbook, template, values);
      if (!r.ok) return { errors: r.errors };
      const c: Command = alert
        ? { type: 'send_initial_alert', fields: r.fields }
        : { type: 'post_status_update', fields: r.fields };
      return { command: c };
    },
    done(i) {
      return `${alert ? 'Initial stakeholder alert' : 'Status update'} sent for ${i.key}.`;
    },
  };
}

export const alertForm = communicationForm('initial_alert');
export const updateForm = communicationForm('status_update');

/** Closing: every closure criterion confirmed, the closure notice, who facilitates the review. */
export const closeForm: FormDef = {
  probe: { type: 'close', confirmed: [], fields: {} },
  build(ctx, prefilled = {}): FormView {
    const i = ctx.incident!;
    const pb = ctx.playbook;
    const def = findTemplate(pb, 'closure_notice');
    const due = businessDaysAfter(ctx.now, pb.clocks.reviewBusinessDays);
    const form: FormView = {
      name: 'close',
      title: 'Close incident',
      submit: 'Close incident',
      incidentKey: i.key,
      intro: [audienceLine(i, def, ctx)],
      fields: [
        {
          kind: 'checks',
          id: 'criteria',
          label: 'Closure criteria (confirm each)',
          required: true,
          options: closureCriteria(pb, i.phase).map((c) => ({ value: c.id, label: c.text })),
          values: list(prefilled.criteria),
        },
        ...templateFields(def, prefill(pb, 'closure_notice', i, ctx), prefilled),
        {
          kind: 'person',
          id: 'facilitator',
          label: 'Review facilitator',
          required: false,
          value: str(prefilled.facilitator) ?? ctx.actor.id,
          hint: `The post-incident review is due by ${due} (within ${pb.clocks.reviewBusinessDays} business days).`,
        },
        debriefField(pb, due, prefilled),
      ],
    };
    // the incident's monitoring alerts, shown as evidence for "impact has ceased" (close-alerts.ts)
    return withCloseAlerts(form, i, pb);
  },
  read(ctx, values) {
    const r = readTemplate(ctx.playbook, 'closure_notice', values);
    if (!r.ok) return { errors: r.errors };
    const facilitator = str(values.facilitator);
    const debrief = readDebriefTime(values);
    if (!debrief.ok) return { errors: { [DEBRIEF_FIELD]: debrief.error } };
    return {
      command: {
        type: 'close',
        confirmed: list(values.criteria),
        fields: r.fields,
        ...(facilitator ? { facilitator } : {}),
        ...(debrief.at ? { debriefAt: debrief.at } : {}),
      },
    };
  },
  errorField: (e) => (e.field === 'debriefAt' ? DEBRIEF_FIELD : 'criteria'),
  done(i, _c, ctx) {
    const phase = findPhase(ctx.playbook, i.phase)?.name ?? i.phase;
    return `${i.key} is closed (now in ${phase}); the closure notice was sent. Record the review with ${command('review')}.`;
  },
};
