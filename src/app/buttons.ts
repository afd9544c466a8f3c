// Buttons on the bot's views (role claims, checklist ticks, snoozes, follow-ups done): what each press
// means, the same on every platform. The platform decodes its payload into a Press and shows the answer
// (ephemeral, or the refreshed card).
import type { Command } from '../domain/commands.js';
import type { Incident } from '../domain/incident.js';
import { LIMITS } from '../domain/template-fields.js';
import { mention, type Text, time } from '../domain/text.js';
import { type Answer, answerFor } from './answers.js';
import type { IncidentApp, Request } from './incident-app.js';

export type Press =
  | { kind: 'claim_role'; role: string }
  | { kind: 'release_role'; role: string }
  | { kind: 'handover_role'; role: string; user: string }
  /** Lead a workstream: the clicker takes it, or (`user`, picked) is named its lead. */
  | { kind: 'lead_workstream'; workstream: string; user?: string }
  | { kind: 'release_workstream'; workstream: string }
  | { kind: 'check_item'; item: string }
  | { kind: 'uncheck_item'; item: string }
  | { kind: 'item_na'; item: string; reason: string }
  /** `dueAt`: when the reminder carrying the button fell due (older buttons lack it). */
  | { kind: 'snooze'; snoozeKind: string; minutes: number; dueAt?: string }
  | { kind: 'followup_done'; id: string }
  /** The roles nudge's Page button: pages the role's on-call as the presser (decide/paging.ts decides who may). */
  | { kind: 'page'; target: string };

export interface Pressed {
  answer: Answer;
  /** The incident as it is now (to refresh the card the button was on). */
  incident: Incident;
}

const MAX_SNOOZE_MINUTES = 24 * 60;

function refused(incident: Incident, text: Text): Pressed {
  return { answer: { ok: false, replay: false, text, others: [] }, incident };
}

function commandOf(p: Press, actorId: string): Command | Text {
  switch (p.kind) {
    case 'claim_role':
      return { type: 'claim_role', role: p.role };
    case 'release_role':
      return { type: 'release_role', role: p.role };
    case 'handover_role':
      if (!p.user) return 'Pick the person to hand the role over to.';
      return p.user === actorId
        ? { type: 'claim_role', role: p.role }
        : { type: 'assign_role', role: p.role, user: p.user };
    case 'lead_workstream':
      if (p.user === '') return 'Pick the person to lead the workstream.';
      return { type: 'lead_workstream', workstream: p.workstream, user: p.user ?? actorId };
    case 'release_workstream':
      return { type: 'release_workstream', workstream: p.workstream };
    case 'check_item':
      return { type: 'check_item', item: p.item };
    case 'uncheck_item':
      return { type: 'uncheck_item', item: p.item };
    case 'item_na': {
      const reason = p.reason.trim();
      if (!reason) return 'Say why the item does not apply.';
      if (reason.length > LIMITS.reason) return `Keep the reason under ${LIMITS.reason} characters.`;
      return { type: 'item_not_applicable', item: p.item, reason };
    }
    case 'followup_done':
      return { type: 'complete_followup', id: p.id };
    case 'page':
      return p.target ? { type: 'page', target: p.target } : 'I could not tell whom this button pages.';
    case 'snooze':
      return 'snooze';
  }
}

/** Snoozes a reminder family: once per reminder, whoever clicks which of its buttons. */
function snooze(
  app: IncidentApp,
  req: Request,
  incident: Incident,
  p: Extract<Press, { kind: 'snooze' }>,
): Pressed {
  if (!p.snoozeKind || !Number.isInteger(p.minutes) || p.minutes <= 0 || p.minutes > MAX_SNOOZE_MINUTES)
    return refused(incident, 'I could not read that snooze button.');
  const drill = incident.drill ? '[DRILL] ' : '';
  const already = (until: string | undefined): Pressed => ({
    answer: {
      ok: true,
      replay: false,
      text: `🔕 ${drill}${incident.key}: this reminder was already snoozed${until ? `, until ${time(until)}` : ''}. Nothing changed; newer reminders have their own buttons.`,
      others: [],
    },
    incident,
  });
  // A snooze of this family set since this reminder fell due, and still running, answers it: an old button
  // (clicked again, by someone else, or the other duration) does not snooze again. Once that snooze has run
  // out, the reminder that follows it can be snoozed again.
  const current = incident.snoozes[p.snoozeKind];
  const now = app.now();
  const dueAt = p.dueAt && !Number.isNaN(Date.parse(p.dueAt)) ? new Date(p.dueAt).toISOString() : undefined;
  if (dueAt && current && Date.parse(current) > Date.parse(dueAt) && Date.parse(current) > now.getTime())
    return already(current);
  const until = new Date(now.getTime() + p.minutes * 60_000).toISOString();
  const outcome = app.run({
    key: dueAt ? `snooze:${incident.key}:${p.snoozeKind}:${dueAt}` : req.key,
    incidentKey: incident.key,
    command: { type: 'snooze', kind: p.snoozeKind, until },
    actor: req.actor,
    ...(req.roomId ? { roomId: req.roomId } : {}),
  });
  if (!outcome.ok) return { answer: answerFor(outcome, req.actor.id), incident };
  if (outcome.replay && dueAt) return already(outcome.incident.snoozes[p.snoozeKind]);
  return {
    answer: {
      ok: true,
      replay: outcome.replay,
      text: `🔕 ${drill}${incident.key}: reminders snoozed for ${p.minutes} minutes, until ${time(outcome.incident.snoozes[p.snoozeKind] ?? until)}, by ${mention(req.actor.id)}.`,
      others: [],
    },
    incident: outcome.incident,
  };
}

export function press(app: IncidentApp, req: Request, incident: Incident, p: Press): Pressed {
  if (p.kind === 'snooze') return snooze(app, req, incident, p);
  const c = commandOf(p, req.actor.id);
  if (typeof c === 'string') return refused(incident, c);
  const { outcome, answer } = app.act({
    key: req.key,
    incidentKey: incident.key,
    command: c,
    actor: req.actor,
    ...(req.roomId ? { roomId: req.roomId } : {}),
  });
  const text = answer.text || (outcome.ok && p.kind === 'followup_done' ? 'Follow-up marked done.' : '');
  return { answer: { ...answer, text }, incident: app.incident(incident.key) ?? incident };
}
