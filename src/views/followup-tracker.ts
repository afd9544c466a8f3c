// How a follow-up's place in the firm's backlog reads on every platform: its issue link and state in the
// follow-up list, the follow-up post and the review, and the post when it is filed, fails to file, or is done
// in the tracker (template `followup_tracker`).
import { CONFIDENTIAL_NOT_FILED } from '../domain/decide/followup-tracker.js';
import { type FollowUp, type Incident, TRACKER_NAMES, type TrackerName } from '../domain/incident.js';
import { code, link, strong, type Text, userText } from '../domain/text.js';
import { type PostView, simplePost } from './post.js';

type Data = Record<string, unknown>;

const trackerName = (t: unknown): string => TRACKER_NAMES[t as TrackerName] ?? 'the tracker';

/** "OPS-12 (In Progress)" as a link, or why it could not be filed, or that it is on its way; null otherwise. */
export function issueText(f: FollowUp): Text | null {
  if (f.issue) {
    const status = f.issue.status ? ` (${userText(f.issue.status)} in ${trackerName(f.issue.tracker)})` : '';
    return `${link(f.issue.key, f.issue.url)}${status}`;
  }
  if (f.filingFailed)
    return `⚠️ not filed in ${trackerName(f.filingFailed.tracker)}: ${userText(f.filingFailed.reason)}`;
  return null;
}

/** "done 2026-12-01 (closed in Jira)" / "open, due 2026-12-04". */
export function followupState(f: FollowUp): Text {
  if (f.state === 'open') return `open, due ${userText(f.due)}`;
  const when = f.doneAt ? ` ${f.doneAt.slice(0, 10)}` : '';
  return `done${when}${f.doneBy === 'tracker' && f.issue ? ` (closed in ${trackerName(f.issue.tracker)})` : ''}`;
}

/** The review's line on the follow-ups: how many are filed, how many done, which are still open where. */
export function followupProgress(i: Incident): Text {
  const n = i.followups.length;
  const done = i.followups.filter((f) => f.state === 'done').length;
  const open = i.followups.filter((f) => f.state === 'open');
  const where = open
    .slice(0, 10)
    .map((f) => (f.issue ? link(f.issue.key, f.issue.url) : code(f.id)))
    .join(', ');
  return `${n} follow-up task${n === 1 ? ' is' : 's are'} filed: ${done} done, ${open.length} open${open.length ? ` (${where}${open.length > 10 ? ', …' : ''})` : ''}.`;
}

/** The room's post about a follow-up in the backlog: filed, could not be filed, done or reopened there. */
export function followupTrackerPost(i: Incident, d: Data): PostView {
  const id = typeof d.id === 'string' ? d.id : '';
  const f = i.followups.find((x) => x.id === id);
  const what = f ? `: ${userText(f.what)}` : '';
  const issue = f?.issue ? link(f.issue.key, f.issue.url) : code(id);
  const tracker = trackerName(f?.issue?.tracker ?? d.tracker);
  switch (d.event) {
    case 'filed':
      return simplePost(
        i,
        'followup_tracker',
        `follow-up filed in ${tracker}`,
        [`🗂️ ${strong('Follow-up filed')} in ${tracker} as ${issue}${what}`],
        `${i.key}: follow-up filed in ${tracker}`,
      );
    case 'filing_failed': {
      const reason = typeof d.reason === 'string' ? d.reason : 'unknown error';
      return simplePost(
        i,
        'followup_tracker',
        `follow-up not filed in ${tracker}`,
        [
          `⚠️ ${strong('Follow-up')} ${code(id)} could not be filed in ${tracker}: ${userText(reason)}`,
          reason === CONFIDENTIAL_NOT_FILED
            ? "It stays in the bot's follow-up list."
            : `It stays in the bot's follow-up list; file it in ${tracker} by hand, and ask whoever runs the bot to check its ${tracker} settings.`,
        ],
        `${i.key}: follow-up not filed in ${tracker}`,
      );
    }
    case 'done':
      return simplePost(
        i,
        'followup_tracker',
        `follow-up done in ${tracker}`,
        [`✅ ${strong('Follow-up done')} in ${tracker} (${issue})${what}`],
        `${i.key}: follow-up done in ${tracker}`,
      );
    default:
      return simplePost(
        i,
        'followup_tracker',
        `follow-up reopened in ${tracker}`,
        [`↩️ ${strong('Follow-up reopened')} in ${tracker} (${issue})${what}`],
        `${i.key}: follow-up reopened in ${tracker}`,
      );
  }
}
