// What the bot asks of the firm's backlog, whichever tracker it is (Jira Cloud, GitHub Issues): create an
// issue, find the one already created for a follow-up (exactly once after a crash or a timeout), read an
// issue's state. Failures are TrackerErrors that say whether trying again later can help.
import type { TrackerName } from '../domain/incident.js';

/** What it takes to reach the configured tracker (built from the settings by src/config-tracker.ts). */
export type TrackerTarget =
  | {
      tracker: 'jira';
      baseUrl: string;
      email: string;
      apiToken: string;
      projectKey: string;
      issueType: string;
      timeoutMs: number;
      /** Wait before looking for an issue whose create may have succeeded (search is eventually consistent). */
      settleMs?: number;
    }
  | { tracker: 'github'; apiUrl: string; token: string; repository: string; timeoutMs: number };

/** An issue to create: the tracker turns it into its own format (Jira ADF, GitHub Markdown). */
export interface IssueDraft {
  title: string;
  /** Paragraphs of plain text; `url` ones become links. */
  paragraphs: { label?: string; text: string; url?: string }[];
  /** The incident key: a label, to find an incident's issues. */
  label: string;
  /** YYYY-MM-DD. */
  due: string;
  /** Unique to the follow-up, written into the issue so a retry can find it instead of creating another. */
  marker: string;
}

export interface TrackedIssue {
  key: string;
  url: string;
}

export interface IssueState {
  /** The tracker's word for it ("In Progress", "closed"). */
  status: string;
  /** Closed as done (Jira: status category Done; GitHub: closed, not as "not planned"). */
  done: boolean;
}

export interface TrackerClient {
  readonly name: TrackerName;
  /**
   * How long after a create that may have reached the tracker (timeout, 5xx) its search shows the issue: the
   * retry that looks for it waits at least this long (Jira's search/jql is eventually consistent; GitHub's
   * list-by-label is not, 0).
   */
  readonly settleMs: number;
  create(draft: IssueDraft): Promise<TrackedIssue>;
  /** The issue carrying `marker` among the issues labelled `label`, or null. */
  findByMarker(label: string, marker: string): Promise<TrackedIssue | null>;
  state(issueKey: string): Promise<IssueState>;
}

/** A tracker call that failed: `retry` when a later attempt may succeed (429, 5xx, timeout, network). */
export class TrackerError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
    readonly afterMs?: number,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}
