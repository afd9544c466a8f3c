// The view's buttons (Action) and the summary's and checklist's presses as small HTML forms: each posts
// one Press with its own idempotency key (a double click is one command), or links to a form.
import type { Action } from '../../../views/actions.js';
import { type Html, h } from './html.js';

export interface RenderCtx {
  incidentKey: string;
  /** A fresh idempotency key for one button or form. */
  nonce(): string;
  /** Button ids given so far (stable across renders, so a live refresh can put the focus back). */
  ids?: Set<string>;
  /** Distinguishes the page's sections (the same button may be in a post and in a list). */
  idPrefix?: string;
}

/** A stable id for a press button: its section and what it presses (a repeat gets a number). */
function buttonId(c: RenderCtx, fields: Record<string, string>): string {
  const base = `${c.idPrefix ?? 'b'}-${Object.values(fields).join('-')}`
    .replace(/[^\w-]/g, '_')
    .slice(0, 120);
  c.ids ??= new Set();
  let id = base;
  for (let n = 2; c.ids.has(id); n++) id = `${base}-${n}`;
  c.ids.add(id);
  return id;
}

export const incidentPath = (key: string) => `/incidents/${encodeURIComponent(key)}`;
/** A form's address; `prefill` (what it opens with, by field id) goes in the query. */
export const formPath = (key: string, form: string, prefill?: Record<string, string>) =>
  `${incidentPath(key)}/forms/${form}${prefill && Object.keys(prefill).length ? `?${new URLSearchParams(prefill)}` : ''}`;

/**
 * One press: hidden fields, one button, and optionally more controls before it (a reason, a person).
 * `name`: the button's accessible name when its label repeats down a list ("Claim" → "Claim Scribe").
 */
export function pressForm(
  c: RenderCtx,
  fields: Record<string, string>,
  label: string,
  o: { style?: 'primary' | 'danger'; extra?: Html; name?: string } = {},
): Html {
  return h`<form method="post" action="${incidentPath(c.incidentKey)}/press" class="press">
<input type="hidden" name="_key" value="${c.nonce()}">${Object.entries(fields).map(
    ([k, v]) => h`<input type="hidden" name="${k}" value="${v}">`,
  )}${o.extra ?? ''}<button type="submit" id="${buttonId(c, fields)}"${o.style ? h` class="${o.style}"` : ''}${o.name ? h` aria-label="${o.name}"` : ''}>${label}</button></form>`;
}

export function actionHtml(c: RenderCtx, a: Action): Html {
  switch (a.kind) {
    case 'open_form':
      return h`<a class="button${a.style ? ` ${a.style}` : ''}" href="${formPath(c.incidentKey, a.form, a.prefill)}">${a.label}</a>`;
    case 'snooze':
      return pressForm(
        c,
        {
          kind: 'snooze',
          snoozeKind: a.snoozeKind,
          minutes: String(a.minutes),
          ...(a.dueAt ? { dueAt: a.dueAt } : {}),
        },
        a.label,
        { name: `${a.label} (${a.snoozeKind} reminders)` },
      );
    case 'followup_done':
      return pressForm(c, { kind: 'followup_done', id: a.id }, a.label, {
        name: `${a.label}: follow-up ${a.id}`,
      });
    case 'page':
      return pressForm(c, { kind: 'page', target: a.target }, a.label, { style: 'danger' });
  }
}

export function actionsHtml(c: RenderCtx, actions: Action[]): Html {
  return actions.length ? h`<div class="actions">${actions.map((a) => actionHtml(c, a))}</div>` : h``;
}
