// Modals built from the playbook's communication templates (initial alert, status update, closure notice),
// prefilled with what the bot knows: system = title, start time, IC, impact, last status, next update.

import { businessDaysAfter } from '../../../../domain/business-days.js';
import { validateTemplateFields } from '../../../../domain/forms.js';
import type { Incident } from '../../../../domain/incident.js';
import { holders } from '../../../../domain/incident.js';
import type { Playbook, TemplateDef, TemplateField, TemplateId } from '../../../../domain/playbook.js';
import { closureCriteria, findTemplate } from '../../../../domain/playbook.js';
import { VIEW } from '../../ids.js';
import {
  type Block,
  checkboxInputs,
  context,
  cut,
  encodeMeta,
  escapeText,
  input,
  modal,
  option,
  readChecked,
  readText,
  readUser,
  type StateValues,
  staticSelect,
  textInput,
  usersSelect,
} from './kit.js';

/** Template fields live in blocks `field:<id>` so they never clash with the modal's own inputs. */
export const fieldBlock = (id: string) => `field:${id}`;
export const CLOSE_BLOCK = { criteria: 'criteria', facilitator: 'facilitator' } as const;

export interface PrefillContext {
  incident: Incident;
  now: Date;
  /** Display names the adapter has seen (user id -> name), to prefill "Incident commander". */
  names?: (userId: string) => string | undefined;
  /** False when no stakeholder channel is configured: the form says the post goes to the room only. */
  stakeholders?: boolean;
}

/** "2024-05-01 14:30 UTC": what a person types into a datetime field. */
export function utcStamp(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function lastFields(i: Incident, template: TemplateId): Record<string, string> {
  const c = [...i.communications].reverse().find((x) => x.template === template);
  return c?.fields ?? {};
}

/** What the bot can fill in for each field id (only ids the template actually has are used). */
export function prefill(pb: Playbook, template: TemplateId, ctx: PrefillContext): Record<string, string> {
  const i = ctx.incident;
  const minutes = i.severeImpact ? pb.clocks.severeStatusUpdateMinutes : pb.clocks.statusUpdateMinutes;
  const next = utcStamp(new Date(ctx.now.getTime() + minutes * 60_000));
  const where = i.room?.name ? ` in #${i.room.name}` : '';
  const ic = holders(i, pb.commanderRole)[0];
  const icName = ic ? ctx.names?.(ic) : undefined;
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

export function fieldInput(f: TemplateField, initial: string | undefined): Block {
  const opts = { optional: !f.required, ...(f.hint ? { hint: f.hint } : {}) };
  if (f.kind === 'select' && f.options?.length) {
    return input(
      fieldBlock(f.id),
      f.label,
      staticSelect(
        f.options.map((o) => option(o, o)),
        initial,
      ),
      opts,
    );
  }
  const hint = f.kind === 'datetime' ? `${f.hint ?? 'UTC timestamp'}, e.g. 2024-05-01 14:30 UTC` : f.hint;
  return input(
    fieldBlock(f.id),
    f.label,
    textInput({
      initial: initial ? cut(initial, f.maxLength) : undefined,
      multiline: f.kind === 'multiline',
      max: f.maxLength,
    }),
    { optional: !f.required, ...(hint ? { hint } : {}) },
  );
}

function fieldBlocks(def: TemplateDef, values: Record<string, string>): Block[] {
  return def.fields.map((f) => fieldInput(f, values[f.id] || undefined));
}

const TITLES: Record<TemplateId, { title: string; submit: string; callbackId: string }> = {
  initial_alert: { title: 'Initial alert', submit: 'Send alert', callbackId: VIEW.initialAlert },
  status_update: { title: 'Status update', submit: 'Post update', callbackId: VIEW.statusUpdate },
  closure_notice: { title: 'Close incident', submit: 'Close incident', callbackId: VIEW.close },
};

function header(i: Incident, def: TemplateDef, stakeholders = true): Block {
  const audience = !def.audiences.includes('stakeholders')
    ? ''
    : stakeholders
      ? ' Posted in the incident channel and to stakeholders.'
      : ' :warning: Posted in the incident channel ONLY: no stakeholder channel is configured (SLACK_STAKEHOLDER_CHANNEL); forward it to stakeholders yourself.';
  return context(
    `${i.drill ? '*DRILL* ' : ''}*${escapeText(i.key)}* ${escapeText(i.title)}: ${escapeText(def.name)}.${audience}`,
  );
}

/** Initial alert or status update modal. */
export function communicationModal(
  pb: Playbook,
  template: 'initial_alert' | 'status_update',
  ctx: PrefillContext & { channelId: string },
): Block {
  const def = findTemplate(pb, template);
  const t = TITLES[template];
  return modal({
    callbackId: t.callbackId,
    title: t.title,
    submit: t.submit,
    blocks: [
      header(ctx.incident, def, ctx.stakeholders !== false),
      ...fieldBlocks(def, prefill(pb, template, ctx)),
    ],
    privateMetadata: encodeMeta({ k: ctx.incident.key, c: ctx.channelId }),
  });
}

/** Close modal: closure criteria checkboxes, the closure notice fields, the review facilitator. */
export function closeModal(pb: Playbook, ctx: PrefillContext & { channelId: string; userId: string }): Block {
  const def = findTemplate(pb, 'closure_notice');
  const due = businessDaysAfter(ctx.now, pb.clocks.reviewBusinessDays);
  const criteria = closureCriteria(pb, ctx.incident.phase).map((c) => option(c.text, c.id));
  const t = TITLES.closure_notice;
  return modal({
    callbackId: t.callbackId,
    title: t.title,
    submit: t.submit,
    blocks: [
      header(ctx.incident, def, ctx.stakeholders !== false),
      ...checkboxInputs(CLOSE_BLOCK.criteria, 'Closure criteria (confirm each)', criteria),
      ...fieldBlocks(def, prefill(pb, 'closure_notice', ctx)),
      input(CLOSE_BLOCK.facilitator, 'Review facilitator', usersSelect(ctx.userId), {
        hint: `The post-incident review is due by ${due} (within ${pb.clocks.reviewBusinessDays} business days).`,
      }),
    ],
    privateMetadata: encodeMeta({ k: ctx.incident.key, c: ctx.channelId }),
  });
}

export function readTemplateRaw(def: TemplateDef, values: StateValues): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const f of def.fields) raw[f.id] = readText(values, fieldBlock(f.id)) ?? '';
  return raw;
}

/** Validates the submitted template fields; errors are keyed by block id. */
export function readTemplateFields(
  pb: Playbook,
  template: TemplateId,
  values: StateValues,
): { ok: true; fields: Record<string, string> } | { ok: false; errors: Record<string, string> } {
  const r = validateTemplateFields(pb, template, readTemplateRaw(findTemplate(pb, template), values));
  if (r.ok) return r;
  const errors: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.errors)) errors[fieldBlock(k)] = v;
  return { ok: false, errors };
}

export function readClose(values: StateValues): { confirmed: string[]; facilitator?: string } {
  const facilitator = readUser(values, CLOSE_BLOCK.facilitator);
  return { confirmed: readChecked(values, CLOSE_BLOCK.criteria), ...(facilitator ? { facilitator } : {}) };
}
