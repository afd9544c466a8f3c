// Delivers outbox rows addressed to `{ to: 'service', service: 'actions' }`: calls the playbook action's
// webhook (url and headers with their `${VARIABLES}` resolved now, from the environment), and reports every
// answer back through the application layer as `action_answered` (one transaction, keyed by the row and the
// attempt). Exactly once towards the system: every call carries `Idempotency-Key: <outbox row key>`, the same
// on every attempt and after a crash (a row in doubt), and a run already answered for good is not called again.
import { botActor, type IncidentApp } from '../app/incident-app.js';
import type { AppLogger, OutboxRow, Sender, SendResult } from '../app/ports.js';
import type { Command } from '../domain/commands.js';
import type { ActionCallData } from '../domain/effects.js';
import type { Incident } from '../domain/incident.js';
import {
  type ActionDef,
  DEFAULT_ACTION_BODY,
  fillTemplate,
  findAction,
  runsOf,
  substituteVariables,
  urlTarget,
} from '../domain/playbook-actions.js';
import { type CallResult, callOutcome, callWebhook, rowResult } from './action-webhook-call.js';

export interface ActionSenderOptions {
  app: IncidentApp;
  /** Reads an environment variable the playbook names (its value is never logged). */
  env: (name: string) => string | undefined;
  /** How long one call may take (ACTION_TIMEOUT_SECONDS). */
  timeoutMs?: number;
  /** The dispatcher's attempts before it gives a row up: the last one is reported as final. */
  maxAttempts?: number;
  logger?: AppLogger;
  fetch?: typeof fetch;
}

export const DEFAULT_ACTION_TIMEOUT_MS = 10_000;
/** The dispatcher's default (src/app/dispatcher.ts `maxAttempts`). */
export const DEFAULT_MAX_ATTEMPTS = 12;

type Answer = Omit<Extract<Command, { type: 'action_answered' }>, 'type' | 'action' | 'request'>;

/** The request as the system receives it, or why it cannot be made (not configured, not a URL). */
export function buildRequest(
  a: ActionDef,
  data: ActionCallData,
  request: string,
  rowKey: string,
  env: (name: string) => string | undefined,
):
  | { ok: true; url: string; init: { method: string; headers: Record<string, string>; body?: string } }
  | { ok: false; error: string } {
  const url = substituteVariables(a.webhook.url, env);
  const headers: Record<string, string> = {};
  const missing = [...url.missing];
  for (const [name, template] of Object.entries(a.webhook.headers ?? {})) {
    const v = substituteVariables(template, env);
    missing.push(...v.missing);
    headers[name] = v.value;
  }
  if (missing.length)
    return { ok: false, error: `not configured: ${[...new Set(missing)].join(', ')} not set` };
  let parsed: URL;
  try {
    parsed = new URL(url.value);
  } catch {
    return { ok: false, error: 'the url is not a URL once its variables are filled in' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return { ok: false, error: 'the url is not an http(s) URL' };
  headers['Idempotency-Key'] = rowKey;
  headers['User-Agent'] ??= 'incident-bot';
  if (a.webhook.method === 'GET') return { ok: true, url: parsed.href, init: { method: 'GET', headers } };
  const body = fillTemplate(a.webhook.body ?? DEFAULT_ACTION_BODY, {
    incident: data.incident,
    title: data.title,
    actor: data.actor,
    actor_name: data.actorName,
    reason: data.reason,
    action: a.id,
    request,
    requested_at: data.requestedAt,
    drill: data.drill,
    platform: data.platform,
  });
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['Content-Type'] = 'application/json';
  return {
    ok: true,
    url: parsed.href,
    init: { method: a.webhook.method, headers, body: JSON.stringify(body) },
  };
}

export class ActionWebhookSender implements Sender {
  private readonly log: AppLogger;

  constructor(private readonly o: ActionSenderOptions) {
    this.log = o.logger ?? { info() {}, warn() {}, error() {} };
  }

  async send(row: OutboxRow, incident: Incident): Promise<SendResult> {
    const body = row.body;
    if (body.kind !== 'action') return { status: 'failed', error: 'not an action call' };
    const run = runsOf(incident).find((r) => r.request === body.request && r.action === body.action);
    // Its answer is recorded already (a crash before the row was marked sent): the system is not called again.
    if (run && run.state !== 'requested')
      return { status: 'sent', result: { already: run.state, attempt: run.attempts } };
    // The answer's number comes after every answer recorded for the run: the row's own count only rises in the
    // dispatcher's later, separate commit, so an attempt re-sent after that commit failed gets a fresh key
    // (a reused one would replay the earlier answer instead of recording this one).
    const attempt = Math.max(row.attempts, run?.attempts ?? 0) + 1;
    // The dispatcher gives the row up after its last try, counted on the row: that answer must be final.
    const last = row.attempts + 1 >= (this.o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    const a = findAction(this.o.app.playbookFor(incident), body.action);
    if (!a) {
      const error = `the playbook has no action "${body.action}"`;
      this.record(row, incident, last, {
        ok: false,
        status: 0,
        excerpt: '',
        latencyMs: 0,
        attempt,
        final: true,
        error,
      });
      return { status: 'failed', error };
    }
    // What the log keeps of the address: the playbook's url, its variables by name (a variable may hold a
    // whole webhook URL with a secret in its path).
    const target = urlTarget(a.webhook.url);
    const req = buildRequest(a, body.data, body.request, row.key, this.o.env);
    if (!req.ok) {
      this.record(row, incident, last, {
        ok: false,
        status: 0,
        excerpt: '',
        latencyMs: 0,
        attempt,
        final: true,
        target,
        error: req.error,
      });
      return { status: 'failed', error: req.error };
    }
    const r: CallResult = await callWebhook(req.url, req.init, {
      timeoutMs: this.o.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS,
      ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
    });
    const { final, error } = callOutcome(r, attempt, last);
    this.log[r.ok ? 'info' : 'warn'](
      {
        incident: incident.key,
        action: a.id,
        request: body.request,
        target,
        status: r.status,
        latencyMs: r.latencyMs,
        attempt,
        ...(row.inDoubt ? { inDoubt: true } : {}),
        ...(error ? { error } : {}),
      },
      r.ok ? 'action webhook answered' : 'action webhook failed',
    );
    this.record(row, incident, last, {
      ok: r.ok,
      status: r.status,
      excerpt: r.excerpt,
      latencyMs: r.latencyMs,
      attempt,
      final,
      target,
      ...(error ? { error } : {}),
    });
    return rowResult(
      { ok: r.ok, final, error, afterMs: r.retryAfterMs },
      { status: r.status, target, attempt },
    );
  }

  /**
   * Reports the answer. Before the last try a storage failure throws: the dispatcher retries the row, the run
   * is still requested so the system is called again, and the Idempotency-Key keeps it from acting twice. On
   * the last try the dispatcher gives the row up whatever happens, and a run left requested would wait
   * forever (no undo, no tick): the report is tried once more; if that fails too it throws, and the row's
   * give-up, written to the same database, most likely fails as well, so the row is tried again later.
   */
  private record(row: OutboxRow, incident: Incident, last: boolean, answer: Answer): void {
    try {
      this.report(row, incident, answer);
    } catch (e) {
      if (!last) throw e;
      this.log.warn(
        { incident: incident.key, outboxKey: row.key, err: e },
        'action answer not recorded on the last attempt; trying once more',
      );
      this.report(row, incident, answer);
    }
  }

  /** Records the answer: one command, keyed by the row and the attempt. A storage failure throws. */
  private report(row: OutboxRow, incident: Incident, answer: Answer): void {
    const body = row.body as Extract<OutboxRow['body'], { kind: 'action' }>;
    const outcome = this.o.app.runForDelivery({
      key: `${row.key}:answer:${answer.attempt}`,
      incidentKey: incident.key,
      command: { type: 'action_answered', action: body.action, request: body.request, ...answer },
      actor: botActor(incident.platform),
    });
    if (!outcome.ok)
      this.log.warn(
        { incident: incident.key, request: body.request, code: outcome.error.code },
        'action answer not recorded',
      );
  }
}
