// The buttons views offer (src/views/actions.ts) as Block Kit buttons, and their payloads read back.
import type { Action } from '../../../views/actions.js';
import type { FormName } from '../../../views/form.js';
import { ACTION } from '../ids.js';
import { button, type Element } from './blocks.js';

/** Which button opens which form (value: the incident key). */
export const OPEN_FORM: Partial<Record<FormName, string>> = {
  alert: ACTION.openAlert,
  update: ACTION.openUpdate,
  phase: ACTION.openPhase,
  close: ACTION.openClose,
  reclassify: ACTION.openReclassify,
  followup: ACTION.openFollowup,
  review: ACTION.openReview,
  recap: ACTION.openRecap,
  action: ACTION.openAction,
};

/** An open-form button's value: the incident key, or JSON `{ k: incident, p: prefill }` when it has one. */
export function openFormValue(incidentKey: string, prefill?: Record<string, string>): string {
  return prefill && Object.keys(prefill).length
    ? JSON.stringify({ k: incidentKey, p: prefill })
    : incidentKey;
}

/** An open-form button's value read back: the incident key and what the form opens with. */
export function parseOpenFormValue(v: string | undefined): {
  incidentKey?: string;
  prefill: Record<string, string>;
} {
  if (!v?.startsWith('{')) return { ...(v ? { incidentKey: v } : {}), prefill: {} };
  try {
    const o = JSON.parse(v) as { k?: unknown; p?: unknown };
    const prefill: Record<string, string> = {};
    if (o.p && typeof o.p === 'object')
      for (const [k, x] of Object.entries(o.p)) if (typeof x === 'string') prefill[k] = x.slice(0, 500);
    return { ...(typeof o.k === 'string' ? { incidentKey: o.k } : {}), prefill };
  } catch {
    return { prefill: {} };
  }
}

/** Snooze button value: JSON `{ k: kind, m: minutes, d: due instant, i: incident }`. */
export function snoozeValue(a: Extract<Action, { kind: 'snooze' }>, incidentKey: string): string {
  return JSON.stringify({
    k: a.snoozeKind,
    m: a.minutes,
    i: incidentKey,
    ...(a.dueAt ? { d: a.dueAt } : {}),
  });
}

/** A snooze button's value; older buttons carry `{kind}:{minutes}` only. */
export function parseSnoozeValue(
  v: string,
): { kind: string; minutes: number; dueAt?: string; incidentKey?: string } | null {
  if (v.startsWith('{')) {
    try {
      const o = JSON.parse(v) as { k?: unknown; m?: unknown; d?: unknown; i?: unknown };
      if (typeof o.k !== 'string' || typeof o.m !== 'number' || !Number.isInteger(o.m) || o.m <= 0)
        return null;
      return {
        kind: o.k,
        minutes: o.m,
        ...(typeof o.d === 'string' ? { dueAt: o.d } : {}),
        ...(typeof o.i === 'string' ? { incidentKey: o.i } : {}),
      };
    } catch {
      return null;
    }
  }
  const at = v.lastIndexOf(':');
  if (at <= 0) return null;
  const minutes = Number(v.slice(at + 1));
  return Number.isInteger(minutes) && minutes > 0 ? { kind: v.slice(0, at), minutes } : null;
}

/** "Mark done" value: `{incidentKey}:{followupId}`. */
export const followupDoneValue = (incidentKey: string, id: string) => `${incidentKey}:${id}`;

/** `{incidentKey}:{followupId}`, or a bare follow-up id (older follow-up posts). */
export function parseFollowupDoneValue(
  v: string | undefined,
): { incidentKey: string | null; id: string } | null {
  if (!v) return null;
  const at = v.lastIndexOf(':');
  if (at < 0) return { incidentKey: null, id: v };
  const id = v.slice(at + 1);
  return id ? { incidentKey: v.slice(0, at) || null, id } : null;
}

/** A Page button's value: JSON `{ i: incident, t: target }`. */
export const pageValue = (incidentKey: string, target: string) =>
  JSON.stringify({ i: incidentKey, t: target });

/** A Page button's value read back; null when it is not one. */
export function parsePageValue(v: string | undefined): { incidentKey: string; target: string } | null {
  try {
    const o = JSON.parse(v ?? '') as { i?: unknown; t?: unknown };
    return typeof o.i === 'string' && typeof o.t === 'string' && o.t
      ? { incidentKey: o.i, target: o.t }
      : null;
  } catch {
    return null;
  }
}

export function actionButton(a: Action, incidentKey: string): Element {
  switch (a.kind) {
    case 'open_form':
      return button({
        text: a.label,
        // several buttons of one form in a block (one per playbook action) need ids of their own
        actionId:
          `${OPEN_FORM[a.form] ?? ACTION.openUpdate}${a.prefill?.action_id ? `:${a.prefill.action_id}` : ''}`.slice(
            0,
            255,
          ),
        value: openFormValue(incidentKey, a.prefill),
        ...(a.style ? { style: a.style } : {}),
      });
    case 'snooze':
      return button({
        text: a.label,
        actionId: `${ACTION.snooze}:${a.minutes}`,
        value: snoozeValue(a, incidentKey),
      });
    case 'followup_done':
      return button({
        text: a.label,
        actionId: ACTION.followupDone,
        value: followupDoneValue(incidentKey, a.id),
        style: 'primary',
      });
    case 'page':
      return button({
        text: a.label,
        // one button per open role in a block: each needs an id of its own
        actionId: `${ACTION.page}:${a.target}`.slice(0, 255),
        value: pageValue(incidentKey, a.target),
        style: 'danger',
      });
  }
}
