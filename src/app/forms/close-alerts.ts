// The closure form's view of the incident's monitoring alerts (issue 21): a resolved alert is evidence for
// the closure criterion "impact has ceased" ("ALERT-3 resolved at 14:02 UTC"); one still firing is a
// warning to look again before confirming it. The person still confirms the criterion: this informs them.
import { alertsOf } from '../../domain/decide/alerts.js';
import type { Incident } from '../../domain/incident.js';
import { findPhase, type Playbook } from '../../domain/playbook.js';
import { strong, type Text, time, userText } from '../../domain/text.js';
import type { FormView } from '../../views/form.js';

/** Alerts listed by name in the form. */
const SHOWN = 10;
const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** The closure criterion about impact having ceased (by id, else by its words); null when there is none. */
export function impactCeasedCriterion(pb: Playbook): { id: string; text: string } | null {
  const criteria = findPhase(pb, pb.closurePhase)?.exitCriteria ?? [];
  return (
    criteria.find((c) => c.id === 'impact_ceased') ??
    criteria.find((c) => /impact/i.test(c.text) && /ceas|stopp|ended|over\b/i.test(c.text)) ??
    null
  );
}

/** The lines the closure form shows about the incident's alerts (none without alerts). */
export function closeAlertLines(i: Incident, pb: Playbook): Text[] {
  const alerts = alertsOf(i);
  if (!alerts.length) return [];
  const criterion = impactCeasedCriterion(pb);
  const about = criterion ? `Evidence for "${userText(criterion.text)}"` : 'Monitoring alerts';
  // a modal's text block is bounded (Slack: 3,000 characters): the latest alerts, and a count of the rest
  const shown = alerts.slice(-SHOWN);
  const lines = shown.map((a) => {
    const what = `${strong(a.id)} (${userText(cut(a.summary, 120))})`;
    return a.status === 'resolved'
      ? `✅ ${what} resolved at ${a.resolvedAt ? time(a.resolvedAt) : 'an unknown time'}.`
      : `⚠️ ${what} is still firing (since ${time(a.startsAt)}): is the impact really over?`;
  });
  const more = alerts.length - shown.length;
  return [
    `${about}:`,
    ...lines,
    ...(more > 0 ? [`… and ${more} earlier alert${more === 1 ? '' : 's'}.`] : []),
  ];
}

/** The closure form with its alerts shown right after the closure criteria. */
export function withCloseAlerts(form: FormView, i: Incident, pb: Playbook): FormView {
  const lines = closeAlertLines(i, pb);
  if (!lines.length) return form;
  const at = form.fields.findIndex((f) => f.id === 'criteria');
  const note = { kind: 'note' as const, id: 'alerts', text: lines.join('\n') };
  const fields = [...form.fields];
  fields.splice(at + 1, 0, note);
  return { ...form, fields };
}
