// The alert intake: one webhook notification in, its alert group updated (or made), its prompt queued, all in
// one transaction; then what the group's rule asks: for `mode: declare`, the bot declares the incident (the
// alert its first evidence, the rule's first person to notify its commander) and invites the others; for a
// group whose incident resolved, that incident is told. Every command the bot runs here has a key derived
// from the group (one per occurrence), so a notification retried after a crash never declares twice.
import type { AlertEvidence, AlertGroup, AlertNotification } from '../domain/alert-group.js';
import { suggestionFor } from '../domain/alert-rules.js';
import { alertStep } from '../domain/alert-transitions.js';
import type { Platform } from '../domain/incident.js';
import { isClosed } from '../domain/incident.js';
import { LIMITS } from '../domain/template-fields.js';
import { BOT_ID } from '../domain/text.js';
import type { AlertStore } from './alert-ports.js';
import { botActor, type IncidentApp } from './incident-app.js';
import { ConflictError } from './ports.js';

export interface AlertIntakeOptions {
  store: AlertStore;
  app: IncidentApp;
  /** Where prompts go when no rule names a channel (ALERTS_PLATFORM, ALERTS_CHANNEL). */
  platform: 'slack' | 'teams' | 'web';
  channel: string;
  dispatcher: { kick(): void };
}

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** The alert as an incident's evidence (its first one when the bot declares from it). */
export function evidenceOf(g: AlertGroup, raw: string): AlertEvidence {
  return {
    alert: g.id,
    source: g.source,
    summary: g.summary,
    status: g.status,
    startsAt: g.startsAt,
    ...(g.resolvedAt ? { resolvedAt: g.resolvedAt } : {}),
    ...(g.link ? { link: g.link } : {}),
    labels: g.commonLabels,
    raw,
  };
}

const withoutError = ({ declareError: _e, ...g }: AlertGroup): AlertGroup => g;

export class AlertIntake {
  constructor(private readonly o: AlertIntakeOptions) {}

  /** Stores one notification and acts on it. Throws only when storage does (then nothing was stored). */
  receive(n: AlertNotification): { alert: string; incident?: string } {
    let group = this.record(n);
    this.o.dispatcher.kick();
    const d = group.decision;
    if (group.suggestion.mode === 'declare' && d.kind === 'open' && group.status === 'firing')
      group = this.declare(group, n);
    const decided = group.decision;
    const incident =
      decided.kind === 'declared' || decided.kind === 'attached' ? decided.incident : undefined;
    if (incident && n.status === 'resolved') this.tellResolved(group, incident);
    return { alert: group.id, ...(incident ? { incident } : {}) };
  }

  /** The group with this notification, saved (a concurrent save is read again and decided again). */
  private record(n: AlertNotification): AlertGroup {
    const pb = this.o.app.playbookFor(null);
    // Rules match the labels every alert of the group shares, as Alertmanager's routes do.
    const match = suggestionFor(pb.alertRules, { ...n.groupLabels, ...n.commonLabels });
    for (let attempt = 0; ; attempt++) {
      const latest = this.o.store.byGroupKey(n.source, n.groupKey);
      const step = alertStep(latest, n, {
        match,
        defaults: { platform: this.o.platform, channel: this.o.channel },
        previousIncidentOpen: latest ? this.incidentOpen(latest) : false,
        now: this.o.app.now(),
      });
      try {
        return this.o.store.save(step.group, this.o.app.now(), { notification: n });
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= 4) throw e;
      }
    }
  }

  private incidentOpen(g: AlertGroup): boolean {
    const d = g.decision;
    if (d.kind !== 'declared' && d.kind !== 'attached') return false;
    const i = this.o.app.incident(d.incident);
    return !!i && !isClosed(i);
  }

  /** `mode: declare`: the bot declares, records the decision on the group, then invites the others to notify. */
  private declare(group: AlertGroup, n: AlertNotification): AlertGroup {
    const s = group.suggestion;
    const platform = group.platform as Platform;
    const actor = botActor(platform);
    const outcome = this.o.app.run({
      key: `alert:${group.id}:declare`,
      incidentKey: null,
      actor,
      command: {
        type: 'declare',
        key: '',
        title: cut(group.summary, LIMITS.title),
        triggerClass: s.triggerClass ?? '',
        impact: cut(s.impact ?? `From alert ${group.id}: ${group.summary}`, LIMITS.impact),
        severeImpact: s.severe,
        drill: false,
        ...(s.notify[0] ? { commander: s.notify[0] } : {}),
        declaredIn: group.channel,
        alert: evidenceOf(group, n.raw),
      },
    });
    if (!outcome.ok) {
      // Refused (a limit, a trigger class the playbook no longer has) or not stored: the prompt says so and
      // keeps its buttons, so a person declares or attaches it instead.
      const why = outcome.error.message;
      this.o.app.log.warn({ alert: group.id, error: why }, 'could not declare an incident from an alert');
      return this.update(group, (g) =>
        g.decision.kind === 'open' ? { ...g, declareError: cut(why, 300) } : null,
      );
    }
    const key = outcome.incident.key;
    const at = this.o.app.now().toISOString();
    const saved = this.update(group, (g) =>
      g.decision.kind === 'open'
        ? { ...withoutError(g), decision: { kind: 'declared', incident: key, by: BOT_ID, at } }
        : null,
    );
    for (const user of s.notify.slice(1)) {
      const r = this.o.app.run({
        key: `alert:${group.id}:notify:${user}`,
        incidentKey: key,
        actor,
        command: { type: 'add_member', user },
      });
      if (!r.ok)
        this.o.app.log.warn(
          { alert: group.id, user, error: r.error.message },
          'could not invite to an alert incident',
        );
    }
    return saved;
  }

  /** The group's incident hears that the alert resolved (a repeat of the same is a replay of its key). */
  private tellResolved(group: AlertGroup, incident: string): void {
    const i = this.o.app.incident(incident);
    if (!i) return;
    const r = this.o.app.run({
      key: `alert:${group.id}:resolved`,
      incidentKey: incident,
      actor: botActor(i.platform),
      command: {
        type: 'alert_resolved',
        alert: group.id,
        resolvedAt: group.resolvedAt ?? this.o.app.now().toISOString(),
      },
    });
    if (!r.ok && !r.replay && r.error.code !== 'duplicate')
      this.o.app.log.warn(
        { alert: group.id, incident, error: r.error.message },
        'could not tell the incident its alert resolved',
      );
  }

  /** Re-reads and changes the group until it saves (`change` returns null: nothing to change any more). */
  private update(group: AlertGroup, change: (g: AlertGroup) => AlertGroup | null): AlertGroup {
    let current = group;
    for (let attempt = 0; ; attempt++) {
      const next = change(current);
      if (!next) return current;
      try {
        return this.o.store.save(next, this.o.app.now());
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= 4) throw e;
        current = this.o.store.get(group.id) ?? current;
      }
    }
  }
}
