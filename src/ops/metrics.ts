// Prometheus metrics for the running bot, on its own Registry (never prom-client's global one, so
// several bots in one process, e.g. tests and the benchmark, do not mix their numbers).
// Gauges read the database at scrape time (collect()); counters and histograms are fed by
// IncidentService.onChange, the Dispatcher's onResult hook, express middleware and the adapters
// (recordApiError / observeRequest, module-level so an adapter needs no handle on the bot).
import type { NextFunction, Request, Response } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SendResult } from '../app/dispatcher.js';
import type { HandleRequest } from '../app/incident-service.js';
import type { CommandOutcome, OutboxRow } from '../app/ports.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { openIncidentCounts } from '../storage/sqlite/metrics-queries.js';
import type { Db } from '../storage/sqlite/open-database.js';
import type { OutboxStore } from '../storage/sqlite/outbox-store.js';

export const PREFIX = 'incident_bot_';

/** Seconds from declaration to a milestone: 1 min .. 2 days. */
const MILESTONE_BUCKETS = [60, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800];
/** Request handling: 1 ms .. 10 s (Slack wants an ack within 3 s). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3, 5, 10];

export type Milestone = 'ic_assigned' | 'initial_alert' | 'mitigation' | 'close';

export interface MetricsOptions {
  db: Db;
  outbox: OutboxStore;
  /** The playbook an incident runs under (IncidentService.playbookFor). */
  playbookFor: (incident: Incident) => Playbook;
  now?: () => Date;
  /** Whether the database can be reached now (PostgreSQL's connection; SQLite: always). */
  databaseUp?: () => boolean;
}

/** Keeps label values bounded and printable (Slack error codes and method names are short identifiers). */
export function labelValue(v: unknown, max = 64): string {
  const s = String(v ?? '').replace(/[^A-Za-z0-9_.:/-]/g, '_');
  return (s || 'unknown').slice(0, max);
}

export class BotMetrics {
  readonly registry = new Registry();
  readonly openIncidents: Gauge<'phase' | 'trigger_class'>;
  readonly declared: Counter<'trigger_class'>;
  readonly milestone: Histogram<'milestone' | 'trigger_class'>;
  readonly statusUpdates: Counter<'timeliness'>;
  readonly nudges: Counter<'kind'>;
  readonly deliveries: Counter<'platform' | 'status'>;
  readonly deliverySeconds: Histogram<'platform'>;
  readonly backlog: Gauge;
  readonly backlogAge: Gauge;
  readonly apiErrors: Counter<'platform' | 'method' | 'code'>;
  readonly auditRefusals: Counter;
  readonly httpSeconds: Histogram<'route' | 'kind' | 'status'>;
  readonly handlerSeconds: Histogram<'kind'>;
  readonly walSyncSeconds: Histogram<'result'>;
  readonly databaseUp: Gauge;
  /** Milestones already observed in this process (a replayed or concurrent change is not counted twice). */
  private readonly seen = new Set<string>();

  constructor(private readonly o: MetricsOptions) {
    const registers = [this.registry];
    // Process metrics under their standard names (process_*, nodejs_*): CPU, memory, event-loop lag, GC.
    collectDefaultMetrics({ register: this.registry });
    const now = () => (o.now ? o.now() : new Date());
    // A confidential incident is counted under trigger_class="confidential": its class is for its members.
    const openCounts = openIncidentCounts(o.db);
    this.openIncidents = new Gauge({
      name: `${PREFIX}open_incidents`,
      help: 'Open (not closed) incidents by phase and trigger class; drills excluded.',
      labelNames: ['phase', 'trigger_class'],
      registers,
      collect() {
        this.reset();
        if (!o.db.open) return;
        for (const r of whileReachable(openCounts, [])) {
          this.set({ phase: r.phase, trigger_class: r.triggerClass }, r.n);
        }
      },
    });
    this.declared = new Counter({
      name: `${PREFIX}incidents_declared_total`,
      help: 'Incidents declared, by trigger class; drills excluded.',
      labelNames: ['trigger_class'],
      registers,
    });
    this.milestone = new Histogram({
      name: `${PREFIX}incident_milestone_seconds`,
      help: 'Seconds from declaration to a milestone (ic_assigned, initial_alert, mitigation = entered the closure phase, close); drills excluded.',
      labelNames: ['milestone', 'trigger_class'],
      buckets: MILESTONE_BUCKETS,
      registers,
    });
    this.statusUpdates = new Counter({
      name: `${PREFIX}status_updates_total`,
      help: "Status updates posted, on time or late against the playbook's cadence (clocks.statusUpdateMinutes, or severeStatusUpdateMinutes for severe impact); drills excluded.",
      labelNames: ['timeliness'],
      registers,
    });
    this.nudges = new Counter({
      name: `${PREFIX}nudges_sent_total`,
      help: 'Reminder nudges delivered to the chat platform, by reminder kind.',
      labelNames: ['kind'],
      registers,
    });
    this.deliveries = new Counter({
      name: `${PREFIX}outbox_deliveries_total`,
      help: 'Outbox delivery attempts by platform and result (sent, retry, failed).',
      labelNames: ['platform', 'status'],
      registers,
    });
    this.deliverySeconds = new Histogram({
      name: `${PREFIX}outbox_delivery_seconds`,
      help: 'Time one outbox delivery attempt took (the platform API calls it makes).',
      labelNames: ['platform'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    // While the database is unreachable the backlog gauges keep their last value (not 0: no false all-clear).
    let lastBacklog = { count: 0, oldestSeconds: 0 };
    const backlogNow = () => {
      if (o.db.open) lastBacklog = whileReachable(() => o.outbox.backlog(now()), lastBacklog);
      return lastBacklog;
    };
    this.backlog = new Gauge({
      name: `${PREFIX}outbox_backlog`,
      help: 'Outbox rows waiting to be delivered.',
      registers,
      collect() {
        this.set(backlogNow().count);
      },
    });
    this.backlogAge = new Gauge({
      name: `${PREFIX}outbox_oldest_age_seconds`,
      help: 'Age of the oldest outbox row waiting to be delivered (0 when empty).',
      registers,
      collect() {
        this.set(backlogNow().oldestSeconds);
      },
    });
    this.apiErrors = new Counter({
      name: `${PREFIX}chat_api_errors_total`,
      help: 'Slack Web API / Teams Bot Connector errors, by platform, method and error code.',
      labelNames: ['platform', 'method', 'code'],
      registers,
    });
    this.auditRefusals = new Counter({
      name: `${PREFIX}audit_refusals_total`,
      help: 'Commands refused because the record was changed outside the bot (a state or log that does not match its signed ledger). Page on any increase.',
      registers,
    });
    this.httpSeconds = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'Time to answer an inbound request (for Slack: the ack), by route, request kind and status class.',
      labelNames: ['route', 'kind', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.walSyncSeconds = new Histogram({
      name: `${PREFIX}wal_sync_seconds`,
      help: 'One sync of the database write-ahead log before acks (shared by every request answered meanwhile), by result (ok, failed). A failed sync answers nobody: page on any.',
      labelNames: ['result'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.databaseUp = new Gauge({
      name: `${PREFIX}database_up`,
      help: '1 while the database can be reached (PostgreSQL: the connection is up), 0 while it is being reconnected.',
      registers,
      collect() {
        this.set(o.databaseUp && !o.databaseUp() ? 0 : 1);
      },
    });
    this.handlerSeconds = new Histogram({
      name: `${PREFIX}handler_duration_seconds`,
      help: 'Time a platform adapter spent handling one request, by kind (reported by the adapters).',
      labelNames: ['kind'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }

  /** IncidentService.onChange listener. */
  onChange = (outcome: CommandOutcome, req: HandleRequest): void => {
    if (!outcome.ok || outcome.replay) return;
    try {
      this.observeChange(outcome.incident, req);
    } catch {
      // metrics never break a command
    }
  };

  private observeChange(i: Incident, req: HandleRequest): void {
    if (i.drill) return;
    const pb = this.o.playbookFor(i);
    const cmd = req.command;
    const tc = i.confidential ? 'confidential' : i.triggerClass;
    const since = (iso: string | null | undefined) =>
      iso ? Math.max(0, (Date.parse(iso) - Date.parse(i.declaredAt)) / 1000) : null;
    const once = (m: Milestone, iso: string | null | undefined) => {
      const s = since(iso);
      const id = `${i.key}:${m}`;
      if (s === null || this.seen.has(id)) return;
      this.seen.add(id);
      this.milestone.observe({ milestone: m, trigger_class: tc }, s);
    };
    const icAssignments = i.roleHistory.filter(
      (h) => h.role === pb.commanderRole && h.to !== null && h.kind !== 'release',
    );
    switch (cmd.type) {
      case 'declare':
        this.declared.inc({ trigger_class: tc });
        if (icAssignments.length > 0) once('ic_assigned', icAssignments[0]?.at);
        break;
      case 'claim_role':
      case 'assign_role':
        // The first time anyone holds the commander role.
        if (cmd.role === pb.commanderRole && icAssignments.length === 1)
          once('ic_assigned', icAssignments[0]?.at);
        break;
      case 'send_initial_alert':
        once('initial_alert', i.initialAlertAt);
        break;
      case 'post_status_update': {
        const last = i.communications.at(-1);
        if (!last) break;
        const prev = i.communications.at(-2)?.at ?? i.declaredAt;
        const cadence =
          (i.severeImpact ? pb.clocks.severeStatusUpdateMinutes : pb.clocks.statusUpdateMinutes) * 60_000;
        const late = Date.parse(last.at) - Date.parse(prev) > cadence;
        this.statusUpdates.inc({ timeliness: late ? 'late' : 'on_time' });
        break;
      }
      case 'advance_phase': {
        const spans = i.phases.filter((p) => p.phase === pb.closurePhase);
        if (i.phase === pb.closurePhase && spans.length === 1) once('mitigation', spans[0]?.enteredAt);
        break;
      }
      case 'close':
        once('close', i.closedAt);
        break;
      default:
        break;
    }
  }

  /** Dispatcher onResult hook. */
  onResult = (row: OutboxRow, result: SendResult, ms: number): void => {
    this.deliveries.inc({ platform: row.platform, status: result.status });
    this.deliverySeconds.observe({ platform: row.platform }, ms / 1000);
    if (result.status === 'sent' && row.body.kind === 'post' && row.body.template === 'nudge') {
      this.nudges.inc({ kind: labelValue(row.body.data.kind) });
    }
  };

  recordApiError(platform: string, method: string, code: string): void {
    this.apiErrors.inc({
      platform: labelValue(platform, 16),
      method: labelValue(method),
      code: labelValue(code),
    });
  }

  observeRequest(kind: string, seconds: number): void {
    this.handlerSeconds.observe({ kind: labelValue(kind) }, seconds);
  }

  /** Times every request to the chat routes (for Slack this is the ack latency). */
  middleware = (req: Request, res: Response, next: NextFunction): void => {
    const route = routeOf(req.path);
    if (!route) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.httpSeconds.observe(
        { route, kind: requestKind(req), status: `${Math.floor(res.statusCode / 100)}xx` },
        seconds,
      );
    });
    next();
  };

  /** The `/metrics` handler. */
  handler = (_req: Request, res: Response): void => {
    this.registry.metrics().then(
      (text) => {
        res.set('Content-Type', this.registry.contentType).send(text);
      },
      (err: unknown) => {
        res
          .status(500)
          .type('text/plain')
          .send(`metrics unavailable: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  };
}

/**
 * `read()`, or `fallback` while PostgreSQL is unreachable (its connection is being re-established: /readyz
 * reports that), so a scrape still gets the process's other metrics. Any other error still fails the scrape.
 */
function whileReachable<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch (e) {
    if ((e as { code?: unknown }).code === 'PG_UNAVAILABLE') return fallback;
    throw e;
  }
}

/** The chat routes we time; anything else (health, metrics) is not. */
export function routeOf(path: string): string | null {
  if (path === '/slack/events' || path.startsWith('/slack/')) return '/slack/events';
  if (path === '/api/messages') return '/api/messages';
  return null;
}

/**
 * What the request was, read from the body the platform SDK already parsed (Bolt's ExpressReceiver sets
 * req.body; the Teams route has express.json()). Known values only, so the label stays bounded.
 */
export function requestKind(req: Request): string {
  const b = req.body as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object') return 'unknown';
  if (typeof b.command === 'string') return 'slash_command';
  const type = typeof b.type === 'string' ? b.type : '';
  if (type === 'event_callback') {
    const ev = (b.event as { type?: unknown } | undefined)?.type;
    return `event:${KNOWN_EVENTS.has(String(ev)) ? String(ev) : 'other'}`;
  }
  if (KNOWN_KINDS.has(type)) {
    if (type === 'invoke' && typeof b.name === 'string') return `invoke:${labelValue(b.name, 40)}`;
    return type;
  }
  return type ? 'other' : 'unknown';
}

const KNOWN_KINDS = new Set([
  'block_actions',
  'view_submission',
  'view_closed',
  'message_action',
  'shortcut',
  'block_suggestion',
  'url_verification',
  // Teams activity types
  'message',
  'invoke',
  'conversationUpdate',
  'messageReaction',
  'installationUpdate',
]);
const KNOWN_EVENTS = new Set([
  'app_mention',
  'message',
  'reaction_added',
  'member_joined_channel',
  'channel_archive',
  'app_home_opened',
]);

// ------------------------------------------------------------------ module-level hooks for the adapters

let active: BotMetrics | null = null;

/** Makes `m` the target of recordApiError / observeRequest (startBot does this; null to detach). */
export function setActiveMetrics(m: BotMetrics | null): void {
  active = m;
}

export function activeMetrics(): BotMetrics | null {
  return active;
}

/** For the adapters: a platform API call failed (`method` e.g. chat.postMessage, `code` e.g. ratelimited, http_500). */
export function recordApiError(platform: 'slack' | 'teams' | string, method: string, code: string): void {
  active?.recordApiError(platform, method, code);
}

/** For the adapters: how long handling one request of this kind took (e.g. slash_command, view_submission). */
export function observeRequest(kind: string, seconds: number): void {
  active?.observeRequest(kind, seconds);
}
