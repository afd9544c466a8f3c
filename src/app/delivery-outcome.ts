// What one delivery's outcome writes (the dispatcher's last step): sent, given up, or to be retried with
// backoff, each with its decision-log entry in the same commit. Written only while this process still holds
// the row's lease: a replica whose lease ran out and was taken over records nothing over the new owner.
import type { AppLogger, Atomically, IncidentRepo, OutboxQueue, OutboxRow, SendResult } from './ports.js';

export interface OutcomeContext {
  outbox: Pick<OutboxQueue, 'markSent' | 'markFailed' | 'markRetry'>;
  incidents: Pick<IncidentRepo, 'appendSystemLog'>;
  /** One commit for a row's status and its log entry. */
  together: Atomically;
  /** This process's name on its leases. */
  owner: string;
  logger?: AppLogger | undefined;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** When this process last reached out in each lane (its own pacing, beside the store's). */
  lastSent: Map<string, number>;
}

/** The reason a sender gave for settling a row without sending it (`{ skipped: why }`), if any. */
function skippedReason(result: unknown): string | undefined {
  const why = (result as { skipped?: unknown } | null | undefined)?.skipped;
  return typeof why === 'string' && why !== '' ? why : undefined;
}

/** Records the outcome of one delivery; true when the row is settled (sent or given up) by this process. */
export function recordOutcome(c: OutcomeContext, row: OutboxRow, result: SendResult, now: Date): boolean {
  if (result.status === 'sent') {
    c.lastSent.set(row.lane, now.getTime());
    const body = row.body;
    // The row marked sent and its "message sent" log entry: one commit.
    let ours = true;
    c.together(() => {
      ours = c.outbox.markSent(row.id, c.owner, now, result.result);
      // A checkpoint digest is about the whole log: its delivery is in the outbox, not in an incident's log.
      if (!ours || body.kind !== 'post' || row.target.to === 'audit') return;
      const skipped = skippedReason(result.result);
      c.incidents.appendSystemLog(
        row.incidentKey,
        [
          {
            type: 'log',
            kind: 'message_sent',
            payload: {
              outboxKey: row.key,
              template: body.template,
              target: row.target,
              attempts: row.attempts + 1,
              // A sender may settle a row without posting (no stakeholder channel configured, no room):
              // the record says so instead of claiming a delivery.
              ...(skipped ? { skipped } : {}),
            },
          },
        ],
        now,
        row.key,
      );
    });
    return ours || lostLease(c, row);
  }
  if (result.status === 'failed' || row.attempts + 1 >= c.maxAttempts) {
    const error = result.error;
    // The row given up and its "could not be delivered" log entry: one commit.
    let ours = true;
    c.together(() => {
      ours = c.outbox.markFailed(row.id, c.owner, now, error);
      // An alert prompt has no incident log to write to (its failure is in the outbox row and the log).
      if (!ours || row.target.to === 'alerts') return;
      c.incidents.appendSystemLog(
        row.incidentKey,
        [{ type: 'log', kind: 'message_sent', payload: { outboxKey: row.key, failed: true, error } }],
        now,
        row.key,
      );
    });
    if (!ours) return lostLease(c, row);
    c.logger?.error({ outboxKey: row.key, error, attempts: row.attempts + 1 }, 'outbox delivery failed');
    return true;
  }
  // A failed attempt may still have reached the platform (a 5xx or a timeout after Slack applied a
  // chat.update): it counts for the lane's pacing, so a retry never edits the same message sooner.
  c.lastSent.set(row.lane, now.getTime());
  const backoff = Math.min(c.maxDelayMs, c.baseDelayMs * 2 ** row.attempts);
  const delay =
    result.afterMs !== undefined ? Math.max(result.afterMs, 0) : backoff * (0.5 + Math.random() / 2);
  if (!c.outbox.markRetry(row.id, c.owner, now, new Date(now.getTime() + delay), result.error))
    return lostLease(c, row);
  c.logger?.warn(
    { outboxKey: row.key, error: result.error, retryInMs: Math.round(delay) },
    'outbox delivery will be retried',
  );
  return false;
}

/**
 * The row's lease ran out while this process was delivering it and another replica took the row over: the
 * outcome is that replica's to record (its delivery is in doubt and looks for this one's post first).
 */
function lostLease(c: OutcomeContext, row: OutboxRow): false {
  c.logger?.warn(
    { outboxKey: row.key, owner: c.owner },
    'outbox row taken over by another replica (lease ran out); its outcome is not recorded here',
  );
  return false;
}
