// A follow-up's life in the firm's backlog (Jira, GitHub Issues): the outbox row that files it, what the
// tracker's sender reports back (filed, or failed for good), and its state read back on a schedule. These
// commands come from the bot itself (PERMISSIONS: platform), never from a person's input.
import type { Effect, MessageEffect } from '../effects.js';
import { fail } from '../errors.js';
import { type FollowUp, type Incident, TRACKER_NAMES, type TrackerName } from '../incident.js';
import { type Handler, iso, log, ok, post, ROOM } from './context.js';

/** Why a confidential incident's follow-up is not filed in the firm-wide backlog (shown after "not filed in Jira: "). */
export const CONFIDENTIAL_NOT_FILED = 'the incident is confidential; file it by hand in a restricted project';

/** The outbox row that files a follow-up: one per follow-up, delivered by the `tracker` service's sender. */
export function fileFollowup(id: string, tracker: TrackerName): MessageEffect {
  return {
    type: 'message',
    key: `tracker:${id}`,
    target: { to: 'service', service: 'tracker' },
    body: { kind: 'file_followup', followup: id, tracker },
  };
}

const MAX_KEY = 100;
const MAX_URL = 2000;
const MAX_REASON = 300;
const MAX_STATUS = 100;

function find(i: Incident, id: string): FollowUp | null {
  return i.followups.find((f) => f.id === id) ?? null;
}

function replace(i: Incident, f: FollowUp): Incident {
  return { ...i, followups: i.followups.map((x) => (x.id === f.id ? f : x)) };
}

const isHttpUrl = (s: string) => /^https?:\/\/[^\s]+$/i.test(s) && s.length <= MAX_URL;
const oneLine = (s: string, max: number) => s.replace(/\s+/g, ' ').trim().slice(0, max);

export const followupFiled: Handler<'followup_filed'> = (i, c, ctx) => {
  const f = find(i, c.id);
  if (!f) return fail('not_found', 'There is no such follow-up.');
  if (f.issue) return fail('invalid', `That follow-up is already filed as ${f.issue.key}.`);
  const issueKey = oneLine(c.issueKey, MAX_KEY);
  if (!issueKey || !isHttpUrl(c.url)) return fail('invalid', 'The tracker gave no issue key or link.');
  const { filingFailed: _cleared, ...rest } = f;
  const filed: FollowUp = {
    ...rest,
    issue: { tracker: c.tracker, key: issueKey, url: c.url, filedAt: iso(ctx.now) },
  };
  return ok(replace(i, filed), [
    log('followup', { id: c.id, event: 'filed', tracker: c.tracker, issueKey, url: c.url }),
    post(`followup-filed:${c.id}`, ROOM, 'followup_tracker', { id: c.id, event: 'filed' }),
  ]);
};

export const followupFilingFailed: Handler<'followup_filing_failed'> = (i, c, ctx) => {
  const f = find(i, c.id);
  if (!f) return fail('not_found', 'There is no such follow-up.');
  if (f.issue) return fail('invalid', `That follow-up is already filed as ${f.issue.key}.`);
  const reason = oneLine(c.reason, MAX_REASON) || 'unknown error';
  const failed: FollowUp = { ...f, filingFailed: { tracker: c.tracker, reason, at: iso(ctx.now) } };
  return ok(replace(i, failed), [
    log('followup', { id: c.id, event: 'filing_failed', tracker: c.tracker, reason }),
    post(`followup-filing-failed:${c.id}`, ROOM, 'followup_tracker', {
      id: c.id,
      event: 'filing_failed',
      reason,
      tracker: c.tracker,
    }),
  ]);
};

/**
 * The issue's state as the tracker tells it. Closed there (done) marks the follow-up done; reopened there
 * reopens it only when the tracker had closed it (a person's "Mark done" in chat stands).
 */
export const followupStatus: Handler<'followup_status'> = (i, c, ctx) => {
  const f = find(i, c.id);
  if (!f) return fail('not_found', 'There is no such follow-up.');
  if (!f.issue) return fail('invalid', 'That follow-up is not filed in a tracker.');
  const status = oneLine(c.status, MAX_STATUS) || (c.done ? 'done' : 'open');
  const completes = c.done && f.state === 'open';
  const reopens = !c.done && f.state === 'done' && f.doneBy === 'tracker';
  if (status === f.issue.status && !completes && !reopens)
    return fail('invalid', 'The follow-up already shows that status.');
  const at = iso(ctx.now);
  const issue = { ...f.issue, status, statusAt: at };
  let next: FollowUp = { ...f, issue };
  if (completes) next = { ...next, state: 'done', doneAt: at, doneBy: 'tracker' };
  if (reopens) {
    const { doneBy: _reopened, ...open } = next;
    next = { ...open, state: 'open', doneAt: null };
  }
  const state = next.state;
  const effects: Effect[] = [
    log('followup', {
      id: c.id,
      event: 'status',
      tracker: f.issue.tracker,
      issueKey: f.issue.key,
      status,
      done: c.done,
      ...(completes || reopens ? { state } : {}),
    }),
  ];
  // The room hears when the follow-up is done (or undone) in the tracker; a workflow step is only logged.
  if (completes || reopens)
    effects.push(
      post(`followup-status:${c.id}:${i.version}`, ROOM, 'followup_tracker', {
        id: c.id,
        event: completes ? 'done' : 'reopened',
      }),
    );
  return ok(replace(i, next), effects);
};

/** "Jira", "GitHub": how people see a tracker's name. */
export const trackerName = (t: TrackerName): string => TRACKER_NAMES[t] ?? t;
