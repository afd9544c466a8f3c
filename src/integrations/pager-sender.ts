// Delivers outbox rows addressed to `{ to: 'service', service: 'pager' }`: triggers or resolves a page through
// PagerDuty or Opsgenie and reports every answer back through the application layer as `page_answered`
// (one transaction, keyed by the row and the attempt). Never paged twice: every attempt carries the page's
// dedup key, which the service keeps one alert for; a row whose page already has its answer (a crash before
// the row was marked sent) is not called again. 429 (with its Retry-After, capped at MAX_PAGE_WAIT_MS: a page
// is urgent), 5xx and timeouts are retried by the dispatcher; any other answer is final and said in the room.
// A trigger whose turn comes after the incident closed is not sent (nobody is woken for a closed incident);
// the resolve queued behind it in the lane still runs and closes any alert an earlier attempt opened.

import { botActor, type IncidentApp } from '../app/incident-app.js';
import type { AppLogger, OutboxRow, Sender, SendResult } from '../app/ports.js';
import type { Command } from '../domain/commands.js';
import type { Incident } from '../domain/incident.js';
import { isResolving, PAGER_NAMES, pagesOf } from '../domain/paging.js';
import { callOutcome, rowResult } from './action-webhook-call.js';
import { DEFAULT_MAX_ATTEMPTS } from './action-webhook-sender.js';
import type { PagerClient } from './pager-client.js';

export interface PagerSenderOptions {
  /** The configured paging service; null: none any more (rows queued before its settings were removed). */
  client: PagerClient | null;
  app: Pick<IncidentApp, 'runForDelivery'>;
  /** The dispatcher's attempts before it gives a row up: the last one is reported as final. */
  maxAttempts?: number;
  logger?: AppLogger;
}

type PageRow = Extract<OutboxRow['body'], { kind: 'page' }>;

/** The longest a page waits for a retry, whatever Retry-After asks (up to an hour): the on-call is needed now. */
export const MAX_PAGE_WAIT_MS = 60_000;
const CLOSED_FIRST = 'the incident closed first';
type Answer = Omit<Extract<Command, { type: 'page_answered' }>, 'type' | 'request' | 'action'>;

export class PagerSender implements Sender {
  private readonly log: AppLogger;

  constructor(private readonly o: PagerSenderOptions) {
    this.log = o.logger ?? { info() {}, warn() {}, error() {} };
  }

  async send(row: OutboxRow, incident: Incident): Promise<SendResult> {
    const body = row.body;
    if (body.kind !== 'page') return { status: 'failed', error: 'not a page' };
    const p = pagesOf(incident).find((x) => x.request === body.request);
    if (!p) return { status: 'failed', error: `no page ${body.request} in ${incident.key}` };
    // Its answer is recorded already: the service is not called again.
    if (body.action === 'trigger' && p.answer?.final)
      return { status: 'sent', result: { already: p.status, attempt: p.attempts } };
    if (body.action === 'resolve' && p.resolve?.state !== 'requested')
      return { status: 'sent', result: { already: p.resolve?.state ?? 'not resolving' } };
    // The answer's number follows every answer recorded (see ActionWebhookSender: a fresh key per attempt).
    const recorded = body.action === 'trigger' ? p.attempts : (p.resolve?.attempts ?? 0);
    const attempt = Math.max(row.attempts, recorded) + 1;
    const last = row.attempts + 1 >= (this.o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    if (body.action === 'trigger' && isResolving(p)) {
      this.record(row, incident, last, {
        ...FAILED,
        attempt,
        skipped: true,
        error: `not sent: ${CLOSED_FIRST}`,
      });
      return { status: 'sent', result: { skipped: CLOSED_FIRST } };
    }
    const client = this.o.client;
    const refusal = !client
      ? 'paging is not configured any more (its settings were removed)'
      : client.name !== body.provider
        ? `paged through ${PAGER_NAMES[body.provider]}, but the bot now pages through ${PAGER_NAMES[client.name]}`
        : null;
    if (refusal || !client) {
      const error = refusal ?? 'paging is not configured';
      this.record(row, incident, last, { ...FAILED, attempt, error });
      return { status: 'failed', error };
    }
    const r = await client.send({ action: body.action, dedupKey: body.dedupKey, data: body.data });
    if ('notSent' in r) {
      this.record(row, incident, last, { ...FAILED, attempt, error: r.notSent });
      return { status: 'failed', error: r.notSent };
    }
    const { final, error } = callOutcome(r, attempt, last);
    const waitMs = r.retryAfterMs !== undefined ? Math.min(r.retryAfterMs, MAX_PAGE_WAIT_MS) : undefined;
    this.log[r.ok ? 'info' : 'warn'](
      {
        incident: incident.key,
        page: body.request,
        action: body.action,
        pager: client.name,
        status: r.status,
        latencyMs: r.latencyMs,
        attempt,
        ...(row.inDoubt ? { inDoubt: true } : {}),
        ...(error ? { error } : {}),
      },
      r.ok ? 'paging service answered' : 'paging service call failed',
    );
    this.record(row, incident, last, {
      ok: r.ok,
      status: r.status,
      excerpt: r.excerpt,
      latencyMs: r.latencyMs,
      attempt,
      final,
      ...(error ? { error } : {}),
      // a timeout, 408, 429 or 5xx may have been applied: a page that fails after one is resolved at close
      ...(!r.ok && r.retry ? { mayHaveApplied: true } : {}),
      ...(!final && waitMs !== undefined ? { retryInMs: waitMs } : {}),
    });
    return rowResult(
      { ok: r.ok, final, error, afterMs: waitMs },
      { status: r.status, attempt, dedupKey: body.dedupKey },
    );
  }

  /**
   * Reports the answer. Before the last try a storage failure throws (the dispatcher retries the row, and the
   * dedup key keeps the service from paging twice); on the last try the report is tried once more.
   */
  private record(row: OutboxRow, incident: Incident, last: boolean, answer: Answer): void {
    try {
      this.report(row, incident, answer);
    } catch (e) {
      if (!last) throw e;
      this.log.warn(
        { incident: incident.key, outboxKey: row.key, err: e },
        'page answer not recorded on the last attempt; trying once more',
      );
      this.report(row, incident, answer);
    }
  }

  private report(row: OutboxRow, incident: Incident, answer: Answer): void {
    const body = row.body as PageRow;
    const outcome = this.o.app.runForDelivery({
      key: `${row.key}:answer:${answer.attempt}`,
      incidentKey: incident.key,
      command: { type: 'page_answered', request: body.request, action: body.action, ...answer },
      actor: botActor(incident.platform),
    });
    if (!outcome.ok)
      this.log.warn(
        { incident: incident.key, page: body.request, code: outcome.error.code },
        'page answer not recorded',
      );
  }
}

const FAILED = { ok: false, status: 0, excerpt: '', latencyMs: 0, final: true } as const;
