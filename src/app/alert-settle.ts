// What every alert prompt button shares (issue 21, src/app/alert-actions.ts): the group read and found
// open (or who settled it, and how), the alert as an incident keeps it, and the one transaction in which an
// incident command runs and the group is settled: whoever settles a group first wins; the second is told,
// and its command never runs. Where storage offers no shared transaction (AppDeps.alerts.atomically), a
// group save failing after the command leaves the incident changed and the prompt open (the next click is
// told the group changed); SQLite offers one, as the incidents and alert groups share its database.
import type { AlertDecision, AlertEvidence, AlertGroup } from '../domain/alert-group.js';
import type { Command } from '../domain/commands.js';
import type { Actor, Incident } from '../domain/incident.js';
import { mention, strong, type Text, time, userText } from '../domain/text.js';
import type { FieldErrors, FormView } from '../views/form.js';
import { evidenceOf } from './alert-intake.js';
import type { AlertStore } from './alert-ports.js';
import type { Answer } from './answers.js';
import type { FormContext } from './forms/form-kit.js';
import type { IncidentApp, Request, Surface } from './incident-app.js';
import { ConflictError } from './ports.js';

export type AlertOpened = { ok: true; form: FormView } | { ok: false; refusal: Text };

export type AlertSubmitted =
  /** Not possible at all (no such alert, already settled): the sentence, never the form again. */
  | { ok: false; refusal: Text }
  /**
   * Shown again with what is wrong. `refused`: the command ran and was refused (its refusal is stored under
   * the request's key), so a corrected submission must be a new request (Teams: a new nonce).
   */
  | { ok: false; form: FormView; errors: FieldErrors; refused?: boolean }
  | {
      ok: true;
      /** For the person who clicked (the form's answer). */
      text: Text;
      /** The incident declared or added to. */
      incident?: Incident;
      /** The command's answer (notices, warnings for other people), when one ran. */
      answer?: Answer;
      replay: boolean;
    };

export const NOT_CONFIGURED: Text = 'Alerts are not set up on this bot.';

export const refusal = (text: Text) => ({ ok: false as const, refusal: text });

export function storeOf(app: IncidentApp): AlertStore | null {
  return app.deps.alerts?.store ?? null;
}

/** Runs `fn` in one transaction with the incident store when storage offers one. */
export function together(app: IncidentApp, fn: () => void): void {
  const tx = app.deps.alerts?.atomically;
  if (tx) tx(fn);
  else fn();
}

/**
 * How the incident a group went to is named to `viewer`: by its key, unless it is confidential (when decided,
 * or now) and they are not one of its members (domain/membership.ts): then "a confidential incident".
 */
function incidentFor(app: IncidentApp, key: string, confidential: boolean | undefined, viewer: Actor): Text {
  const i = app.incident(key);
  const hidden = confidential || i?.confidential;
  if (hidden && !(i && app.shows(i, viewer))) return 'a confidential incident';
  return strong(key);
}

/** Who settled the group, and how, as `viewer` may be told it; null while it is open. */
export function settledText(app: IncidentApp, g: AlertGroup, viewer: Actor): Text | null {
  const d = g.decision;
  switch (d.kind) {
    case 'open':
      return null;
    case 'declared':
      return `${g.id} was already declared as ${incidentFor(app, d.incident, d.confidential, viewer)} by ${mention(d.by)} at ${time(d.at)}.`;
    case 'attached':
      return `${g.id} was already ${d.again ? 'added by the bot, firing again,' : 'added'} to ${incidentFor(app, d.incident, d.confidential, viewer)}${d.again ? '' : ` by ${mention(d.by)}`} at ${time(d.at)}.`;
    case 'dismissed':
      return `${g.id} was already dismissed by ${mention(d.by)} at ${time(d.at)}: ${userText(d.reason)}`;
  }
}

/** Why the group is no longer open for a decision (settled, or superseded by its next occurrence); null: it is. */
export function closedText(app: IncidentApp, g: AlertGroup, viewer: Actor): Text | null {
  const settled = settledText(app, g, viewer);
  if (settled) return settled;
  return g.supersededBy
    ? `${g.id} resolved and fired again as ${strong(g.supersededBy)}: decide on that alert's prompt.`
    : null;
}

/** The group, open for a decision; or why not. */
export function openGroup(
  app: IncidentApp,
  id: string,
  viewer: Actor,
): { group: AlertGroup } | { refusal: Text } {
  const store = storeOf(app);
  if (!store) return { refusal: NOT_CONFIGURED };
  const g = /^ALERT-\d+$/.test(id) ? store.get(id) : null;
  if (!g) return { refusal: `There is no alert ${userText(id).slice(0, 40)}.` };
  const closed = closedText(app, g, viewer);
  return closed ? { refusal: closed } : { group: g };
}

/** What the incident's log keeps of the group: its summary, labels, link, and the latest raw notification. */
export function alertEvidence(g: AlertGroup, store: AlertStore): AlertEvidence {
  const raw = store.latestNotification?.(g.id)?.raw ?? JSON.stringify({ alerts: g.alerts });
  return evidenceOf(g, raw);
}

/** The group settled: the decision, and no stale "could not declare" line on its prompt. */
export const settle = ({ declareError: _e, ...g }: AlertGroup, decision: AlertDecision): AlertGroup => ({
  ...g,
  decision,
});

export function formContext(app: IncidentApp, s: Surface, actor: Actor): FormContext {
  return {
    incident: null,
    playbook: app.playbookFor(null),
    now: app.now(),
    actor,
    nameOf: (id) => s.nameOf(id),
    stakeholders: s.stakeholders,
  };
}

/**
 * The same person's same decision again (a submission sent twice, a retried request): answered with what
 * was done, never run a second time. Null for anything else.
 */
export function repeated(
  app: IncidentApp,
  id: string,
  kind: 'declared' | 'attached',
  actor: Actor,
): Extract<AlertSubmitted, { ok: true }> | null {
  const d = storeOf(app)?.get(id)?.decision;
  if (!d || d.kind !== kind || d.by !== actor.id) return null;
  const incident = app.incident(d.incident);
  if (!incident) return null;
  const what = kind === 'declared' ? 'declared as' : 'added to';
  return {
    ok: true,
    text: `${userText(id)} was already ${what} ${incident.key} by you.`,
    incident,
    replay: true,
  };
}

/**
 * Settles the group with `decision` after `command` ran on an incident, in one transaction. The group is
 * read again inside it: whoever settled it first wins, and the command does not run for the second.
 */
export function runAndSettle(
  app: IncidentApp,
  req: Request,
  id: string,
  incidentKey: string | null,
  command: (g: AlertGroup, store: AlertStore) => Command,
  decision: (incident: Incident) => AlertDecision,
):
  | { ok: true; incident: Incident; answer: Answer; replay: boolean }
  | { ok: false; refusal: Text }
  | { ok: false; error: { message: Text; field?: string }; incident: Incident | null } {
  const store = storeOf(app);
  if (!store) return refusal(NOT_CONFIGURED);
  let result: ReturnType<typeof runAndSettle> = refusal(`There is no alert ${userText(id).slice(0, 40)}.`);
  try {
    together(app, () => {
      const g = store.get(id);
      if (!g) return;
      const closed = closedText(app, g, req.actor);
      if (closed) {
        result = refusal(closed);
        return;
      }
      const { outcome, answer } = app.act({
        key: req.key,
        incidentKey,
        command: command(g, store),
        actor: req.actor,
        ...(req.roomId ? { roomId: req.roomId } : {}),
      });
      if (!outcome.ok) {
        result = {
          ok: false,
          error: {
            message: answer.text,
            ...('field' in outcome.error ? { field: outcome.error.field } : {}),
          },
          incident: outcome.incident,
        };
        return;
      }
      store.save(settle(g, decision(outcome.incident)), app.now());
      result = { ok: true, incident: outcome.incident, answer, replay: outcome.replay };
    });
  } catch (e) {
    if (e instanceof ConflictError)
      return refusal(
        `${userText(id)} changed meanwhile (a new notification, or someone else's decision). Look at its prompt and try again.`,
      );
    app.log.error({ err: e, alert: id }, 'alert decision failed');
    return refusal(app.failure(e));
  }
  if (result.ok) app.deps.dispatcher.kick();
  return result;
}
