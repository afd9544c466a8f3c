// The alert intake: one webhook notification in, and in ONE transaction its alert group updated (or made),
// its prompt queued, and what the group's rule asks: for `mode: declare`, the bot declares the incident (the
// alert its first evidence, the rule's first person to notify its commander, the others members and invited
// by the declaration itself); a group that fires again while its incident is open is added to that incident
// by the bot; an incident whose alert resolved is told. A crash leaves all of it or none (the sender retries
// a 5xx), so a prompt never offers a second declaration and nobody to notify is left out. Every command the
// bot runs here has a key derived from the group's occurrence, so a retried notification never runs twice.
import type { AlertEvidence, AlertGroup, AlertNotification } from '../domain/alert-group.js';
import { suggestionFor } from '../domain/alert-rules.js';
import { alertStep, firesAgain } from '../domain/alert-transitions.js';
import type { Incident, Platform } from '../domain/incident.js';
import { isClosed } from '../domain/incident.js';
import { LIMITS } from '../domain/template-fields.js';
import { BOT_ID } from '../domain/text.js';
import type { AlertStore } from './alert-ports.js';
import type { Outcome } from './answers.js';
import { botActor, type IncidentApp } from './incident-app.js';
import { type Atomically, ConflictError } from './ports.js';

export interface AlertIntakeOptions {
  store: AlertStore;
  app: IncidentApp;
  /** Where prompts go when no rule names a channel (ALERTS_PLATFORM, ALERTS_CHANNEL). */
  platform: 'slack' | 'teams' | 'web';
  channel: string;
  dispatcher: { kick(): void };
  /** New groups (and occurrences) per minute beyond which a notification is answered 503 (0: no limit). */
  maxNewGroupsPerMinute?: number;
  /** One transaction over the group and the incident commands (default: the app's, AppDeps.alerts). */
  atomically?: Atomically;
}

/** More new alert groups this minute than allowed: nothing stored; answered 503 with Retry-After. */
export class AlertFloodError extends Error {
  constructor(
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`more than ${limit} new alert groups in a minute (ALERT_MAX_NEW_GROUPS_PER_MINUTE)`);
  }
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
const knownKey = (g: AlertGroup, key: string) => g.groupKey === key || (g.groupKeys ?? []).includes(key);

type Received = { alert: string; incident?: string };

export class AlertIntake {
  constructor(private readonly o: AlertIntakeOptions) {}

  /**
   * Stores one notification and acts on it, all or nothing. Throws when storage does or a bot command could
   * not be stored (nothing was), and AlertFloodError beyond the new-groups limit.
   */
  receive(n: AlertNotification): Received {
    for (let attempt = 0; ; attempt++) {
      try {
        let r: Received | null = null;
        const tx = this.o.atomically ?? this.o.app.deps.alerts?.atomically;
        const run = () => {
          r = this.apply(n);
        };
        if (tx) tx(run);
        else run();
        this.o.dispatcher.kick();
        return r as unknown as Received;
      } catch (e) {
        // a group saved meanwhile (another request): read it again and decide again
        if (!(e instanceof ConflictError) || attempt >= 4) throw e;
      }
    }
  }

  private apply(n: AlertNotification): Received {
    const { store, app } = this.o;
    const now = app.now();
    const pb = app.playbookFor(null);
    // Rules match the labels every alert of the group shares, as Alertmanager's routes do.
    const match = suggestionFor(pb.alertRules, { ...n.groupLabels, ...n.commonLabels });
    const latest = this.latestFor(n);
    const open = latest ? this.openIncidentOf(latest) : null;
    const step = alertStep(latest, n, {
      match,
      defaults: { platform: this.o.platform, channel: this.o.channel },
      ...(open ? { openIncident: open.key } : {}),
      ...(latest && this.settled(latest) ? { settled: true } : {}),
      now,
    });
    const isNew = step.group.id === '';
    // The limit holds back a storm of minor alerts, never the ones that matter: a group whose rule declares
    // or is severe, or one that joins an incident already open, is always taken (and not counted).
    const s = step.group.suggestion;
    if (isNew && s.mode !== 'declare' && !s.severe && !step.attachTo) this.checkFlood(now);
    // The raw body is kept for a group's first notification, each change of status and each new route;
    // a repeat is only counted (Alertmanager repeats every few minutes for as long as an alert fires).
    const keepRaw = isNew || !latest || latest.status !== n.status || !knownKey(latest, n.groupKey);
    const decides = step.declare || !!step.attachTo;
    let g = store.save(step.group, now, {
      ...(keepRaw ? { notification: n } : {}),
      // a decision follows in this transaction, and its save queues the prompt
      refreshPrompt: !decides,
    });
    // the undecided occurrence before it points to this one and loses its buttons
    if (step.supersedes) store.save({ ...step.supersedes, supersededBy: g.id }, now);
    if (step.declare) g = this.declare(g, n, now);
    else if (step.attachTo && open && latest) g = this.addAgain(g, n, latest, open, now);
    if (step.resolvedIncident) this.tellResolved(g, step.resolvedIncident);
    const d = g.decision;
    const incident = d.kind === 'declared' || d.kind === 'attached' ? d.incident : undefined;
    return { alert: g.id, ...(incident ? { incident } : {}) };
  }

  /**
   * The group the notification belongs to: the one that took its group key (also when its incident is
   * open); else (or when that one would start a new occurrence) an undecided group, or one whose incident
   * is open, whose CURRENT alerts include every alert of the notification (by fingerprint): the same alert
   * through another route or grouping updates it instead of prompting twice. One shared alert is not
   * enough: unrelated alerts are never merged.
   */
  private latestFor(n: AlertNotification): AlertGroup | null {
    const byKey = this.o.store.byGroupKey(n.source, n.groupKey);
    if (byKey && (!firesAgain(byKey, n, this.settled(byKey)) || this.openIncidentOf(byKey))) return byKey;
    const fingerprints = n.alerts.map((a) => a.fingerprint);
    if (!fingerprints.length) return byKey;
    const live = (this.o.store.byFingerprints?.(n.source, fingerprints) ?? []).find((g) => {
      const current = new Set(g.alerts.map((a) => a.fingerprint));
      return g.id !== byKey?.id && fingerprints.every((f) => current.has(f)) && this.live(g);
    });
    return live ?? byKey;
  }

  /** Settled for good: dismissed, or its incident closed (a new alert then starts a new occurrence). */
  private settled(g: AlertGroup): boolean {
    const d = g.decision;
    if (d.kind === 'dismissed') return true;
    return d.kind !== 'open' && !this.openIncidentOf(g);
  }

  private live(g: AlertGroup): boolean {
    if (g.decision.kind === 'open') return !g.supersededBy;
    return !!this.openIncidentOf(g);
  }

  /** The incident the group was declared as or added to, while it is open. */
  private openIncidentOf(g: AlertGroup): Incident | null {
    const d = g.decision;
    if (d.kind !== 'declared' && d.kind !== 'attached') return null;
    const i = this.o.app.incident(d.incident);
    return i && !isClosed(i) ? i : null;
  }

  private checkFlood(now: Date): void {
    const max = this.o.maxNewGroupsPerMinute ?? 0;
    if (max <= 0 || !this.o.store.createdSince) return;
    if (this.o.store.createdSince(new Date(now.getTime() - 60_000)) >= max)
      throw new AlertFloodError(max, 60);
  }

  /** A bot command not stored (the database failed): the whole notification is rolled back and retried. */
  private stored(outcome: Outcome, what: string): void {
    if (!outcome.ok && 'internal' in outcome) throw new Error(`${what}: ${outcome.error.message}`);
  }

  /** `mode: declare`: the bot declares (notify: its commander, then members), and the group says so. */
  private declare(group: AlertGroup, n: AlertNotification, now: Date): AlertGroup {
    const s = group.suggestion;
    const outcome = this.o.app.run({
      key: `alert:${group.id}:declare`,
      incidentKey: null,
      actor: botActor(group.platform as Platform),
      command: {
        type: 'declare',
        key: '',
        title: cut(group.summary, LIMITS.title),
        triggerClass: s.triggerClass ?? '',
        impact: cut(s.impact ?? `From alert ${group.id}: ${group.summary}`, LIMITS.impact),
        severeImpact: s.severe,
        drill: false,
        ...(s.notify[0] ? { commander: s.notify[0] } : {}),
        ...(s.notify.length > 1 ? { members: s.notify.slice(1) } : {}),
        declaredIn: group.channel,
        alert: evidenceOf(group, n.raw),
      },
    });
    this.stored(outcome, `could not declare from ${group.id}`);
    if (!outcome.ok) {
      // Refused (a limit, a trigger class the playbook no longer has): the prompt says so and keeps its
      // buttons, so a person declares or attaches it instead. Repeats never try again.
      const why = outcome.error.message;
      this.o.app.log.warn({ alert: group.id, error: why }, 'could not declare an incident from an alert');
      return this.o.store.save({ ...group, declareError: cut(why, 300) }, now);
    }
    const i = outcome.incident;
    return this.o.store.save(
      {
        ...withoutError(group),
        decision: {
          kind: 'declared',
          incident: i.key,
          by: BOT_ID,
          at: now.toISOString(),
          ...(i.confidential ? { confidential: true } : {}),
        },
      },
      now,
    );
  }

  /** Fired again while its incident is open: the bot adds the new occurrence to that incident. */
  private addAgain(
    group: AlertGroup,
    n: AlertNotification,
    previous: AlertGroup,
    incident: Incident,
    now: Date,
  ): AlertGroup {
    const outcome = this.o.app.run({
      key: `alert:${group.id}:again`,
      incidentKey: incident.key,
      actor: botActor(incident.platform),
      command: { type: 'alert_firing_again', alert: evidenceOf(group, n.raw), previous: previous.id },
    });
    this.stored(outcome, `could not add ${group.id} to ${incident.key}`);
    if (!outcome.ok) {
      // not expected (the incident is open): the new occurrence is then prompted like any alert
      this.o.app.log.warn(
        { alert: group.id, incident: incident.key, error: outcome.error.message },
        'could not add an alert firing again to its incident',
      );
      return this.o.store.save(group, now);
    }
    return this.o.store.save(
      {
        ...withoutError(group),
        decision: {
          kind: 'attached',
          incident: incident.key,
          by: BOT_ID,
          at: now.toISOString(),
          again: true,
          ...(outcome.incident.confidential ? { confidential: true } : {}),
        },
      },
      now,
    );
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
    this.stored(r, `could not tell ${incident} that ${group.id} resolved`);
    if (!r.ok && !r.replay && r.error.code !== 'duplicate')
      this.o.app.log.warn(
        { alert: group.id, incident, error: r.error.message },
        'could not tell the incident its alert resolved',
      );
  }
}
