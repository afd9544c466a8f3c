// Delivers `file_followup` outbox rows (target `{ to: 'service', service: 'tracker' }`): files the follow-up
// in the firm's backlog and reports the result back through the app as the bot (`followup_filed`, or
// `followup_filing_failed`, which the room is told). Exactly once: a row that may have reached the tracker
// before (in doubt after a crash, or any earlier attempt that timed out or failed) first looks for the
// issue carrying the follow-up's marker, and creates one only when there is none.

import { botActor, type IncidentApp } from '../app/incident-app.js';
import type { AppLogger, OutboxRow, Sender, SendResult } from '../app/ports.js';
import { CONFIDENTIAL_NOT_FILED } from '../domain/decide/followup-tracker.js';
import type { Incident, TrackerName } from '../domain/incident.js';
import { objectiveName } from '../domain/playbook.js';
import { GitHubClient } from './github-client.js';
import { JiraClient } from './jira-client.js';
import { type TrackerClient, TrackerError, type TrackerTarget } from './tracker-client.js';
import { issueDraft, markerOf } from './tracker-issue.js';

export function trackerClient(t: TrackerTarget): TrackerClient {
  return t.tracker === 'jira' ? new JiraClient(t) : new GitHubClient(t);
}

export interface TrackerSenderOptions {
  client: TrackerClient;
  app: Pick<IncidentApp, 'runForDelivery' | 'playbookFor'>;
  /** A person's display name, where the platform told the bot one (the issue names the owner). */
  nameOf?: (userId: string) => string | undefined;
  /**
   * Attempts before a retryable failure counts as final and is shown in the room (the dispatcher's
   * maxAttempts: it gives the row up after as many).
   */
  giveUpAfter?: number;
  logger?: AppLogger;
}

export class TrackerSender implements Sender {
  constructor(private readonly o: TrackerSenderOptions) {}

  async send(row: OutboxRow, incident: Incident): Promise<SendResult> {
    const body = row.body;
    if (body.kind !== 'file_followup') return { status: 'failed', error: `not a tracker call: ${body.kind}` };
    const f = incident.followups.find((x) => x.id === body.followup);
    if (!f) return { status: 'failed', error: `no follow-up ${body.followup} in ${incident.key}` };
    if (f.issue) return { status: 'sent', result: { issue: f.issue.key, already: true } };
    const { client } = this.o;
    // Made confidential after the follow-up was queued: it stays out of the firm-wide backlog all the same.
    if (incident.confidential) {
      const refused = reportNotFiled(this.o.app, row, incident, client.name, CONFIDENTIAL_NOT_FILED);
      if (refused) return { status: 'failed', error: refused };
      return { status: 'sent', result: { skipped: 'the incident is confidential' } };
    }
    let creating = false;
    try {
      const pb = this.o.app.playbookFor(incident);
      const draft = issueDraft(incident, f, {
        ...(this.o.nameOf ? { nameOf: this.o.nameOf } : {}),
        objectiveName: (id) => objectiveName(pb, id),
      });
      const maybeThere = row.inDoubt || row.attempts > 0;
      const found = maybeThere ? await client.findByMarker(incident.key, markerOf(incident.key, f.id)) : null;
      creating = !found;
      const issue = found ?? (await client.create(draft));
      const outcome = this.o.app.runForDelivery({
        key: `${row.key}:filed`,
        incidentKey: incident.key,
        command: {
          type: 'followup_filed',
          id: f.id,
          tracker: client.name,
          issueKey: issue.key,
          url: issue.url,
        },
        actor: botActor(incident.platform),
      });
      // `invalid`: already filed (a replay of an earlier report): the issue is recorded all the same.
      if (!outcome.ok && outcome.error.code !== 'invalid')
        return { status: 'failed', error: `followup_filed refused: ${outcome.error.code}` };
      return {
        status: 'sent',
        result: { issue: issue.key, url: issue.url, ...(found ? { found: true } : {}) },
      };
    } catch (e) {
      if (!(e instanceof TrackerError)) throw e; // the database (reporting back): the dispatcher retries
      const last = row.attempts + 1 >= (this.o.giveUpAfter ?? 12);
      if (e.retry && !last) {
        // A create that may have reached the tracker: the retry looks for its marker first, after the
        // tracker's search has had time to show it (else it would file the follow-up twice).
        const afterMs =
          creating && client.settleMs > 0 ? Math.max(e.afterMs ?? 0, client.settleMs) : e.afterMs;
        return { status: 'retry', error: e.message, ...(afterMs !== undefined ? { afterMs } : {}) };
      }
      this.o.logger?.warn(
        { incident: incident.key, followup: f.id, tracker: client.name, error: e.message },
        'follow-up not filed in the tracker',
      );
      const reason = e.retry ? `${e.message}; gave up after ${row.attempts + 1} attempts` : e.message;
      const refused = reportNotFiled(this.o.app, row, incident, client.name, reason);
      return { status: 'failed', error: refused ? `${reason} (and ${refused})` : reason };
    }
  }
}

/**
 * Tells the incident (as the bot, one transaction) that a follow-up was not filed, and why; the room and the
 * list say so. Returns why the report itself was refused, or null (`invalid`: already reported, a replay).
 */
export function reportNotFiled(
  app: Pick<IncidentApp, 'runForDelivery'>,
  row: OutboxRow,
  incident: Incident,
  tracker: TrackerName,
  reason: string,
): string | null {
  if (row.body.kind !== 'file_followup') return 'not a tracker call';
  const outcome = app.runForDelivery({
    key: `${row.key}:failed`,
    incidentKey: incident.key,
    command: { type: 'followup_filing_failed', id: row.body.followup, tracker, reason },
    actor: botActor(incident.platform),
  });
  return !outcome.ok && outcome.error.code !== 'invalid'
    ? `followup_filing_failed refused: ${outcome.error.code}`
    : null;
}
