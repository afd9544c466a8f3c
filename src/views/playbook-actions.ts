// The playbook's actions on the incident summary: a button per action worth offering now (an undo once
// its action is in effect), each opening the action's confirmation; and a status line per action run.
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { findAction, inEffect, offeredActions, runsOf } from '../domain/playbook-actions.js';
import { mention, strong, type Text, time, userText } from '../domain/text.js';
import type { Action } from './actions.js';

/** Buttons for the actions offered now (the confirmation form opens prefilled with the action). */
export function actionButtons(i: Incident, pb: Playbook): Action[] {
  return offeredActions(pb, i).map((a) => ({
    kind: 'open_form' as const,
    form: 'action' as const,
    label: a.title.slice(0, 60),
    prefill: { action_id: a.id },
    ...(a.undoes ? {} : { style: 'danger' as const }),
  }));
}

/** One line per action that ran: in effect, awaiting its answer, or failed (the last run of each). */
export function actionStatusLines(i: Incident, pb: Playbook): Text[] {
  const last = new Map<string, ReturnType<typeof runsOf>[number]>();
  for (const r of runsOf(i)) last.set(r.action, r);
  const lines: Text[] = [];
  for (const [id, r] of last) {
    const a = findAction(pb, id);
    const title = strong(userText(a?.title ?? id));
    if (r.state === 'requested')
      lines.push(
        `⏳ ${title}: requested ${time(r.at)} by ${mention(r.by)}, awaiting the answer${r.attempts ? ` (${r.attempts} attempt${r.attempts > 1 ? 's' : ''} failed)` : ''}`,
      );
    else if (r.state === 'failed')
      lines.push(`❌ ${title}: failed ${time(r.answeredAt ?? r.at)} (${userText(r.error ?? 'no answer')})`);
    else if (a && !a.undoes && inEffect(pb, i, a))
      lines.push(`⛔ ${title}: in effect since ${time(r.answeredAt ?? r.at)} (by ${mention(r.by)})`);
    else if (a?.undoes) lines.push(`↩️ ${title}: done ${time(r.answeredAt ?? r.at)} (by ${mention(r.by)})`);
  }
  return lines;
}
