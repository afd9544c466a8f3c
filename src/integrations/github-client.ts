// GitHub Issues (REST API): create an issue in the backlog repository (title, Markdown body with the due
// date and the marker, the incident key as a label), find the one created for a follow-up (list by label,
// state=all, then the marker in the body: consistent, unlike the search index), read an issue's state.
import type { IssueDraft, IssueState, TrackedIssue, TrackerClient, TrackerTarget } from './tracker-client.js';
import { TrackerError } from './tracker-client.js';
import { type Hints, retryAfterMs, type TrackerResponse, trackerCall } from './tracker-http.js';

type GitHubTarget = Extract<TrackerTarget, { tracker: 'github' }>;

const HINTS: Hints = {
  auth: 'check GITHUB_TOKEN and that it may write issues in GITHUB_REPOSITORY',
  notFound: 'check GITHUB_REPOSITORY and GITHUB_API_URL, and that GITHUB_TOKEN can see the repository',
};

/** GitHub says "rate limited" with 403 too: Retry-After, or no requests left until x-ratelimit-reset. */
function rateLimited(r: TrackerResponse): number | undefined {
  if (r.status !== 403 && r.status !== 429) return undefined;
  const after = retryAfterMs(r.headers);
  if (after !== undefined) return after;
  if (r.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(r.headers.get('x-ratelimit-reset'));
    return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : 60_000;
  }
  return undefined;
}

/** User text in Markdown: no @mentions (nobody is paged from a backlog issue), no HTML. */
const safe = (s: string) => s.replace(/@(?=[\w-])/g, '@\u200b').replace(/</g, '&lt;');

function markdown(d: IssueDraft): string {
  const lines = d.paragraphs.map((p) => {
    const text = p.url
      ? `[${safe(p.text || p.url).replace(/[[\]]/g, '')}](${encodeURI(p.url)})`
      : safe(p.text);
    return p.label ? `**${p.label}:** ${text}` : text;
  });
  // The due date and the marker are paragraphs of the draft: GitHub issues have no due date field.
  return lines.join('\n\n');
}

interface GhIssue {
  number?: number;
  html_url?: string;
  body?: string | null;
  pull_request?: unknown;
  state?: string;
  state_reason?: string | null;
}

export class GitHubClient implements TrackerClient {
  readonly name = 'github' as const;
  readonly settleMs = 0;

  constructor(private readonly t: GitHubTarget) {}

  private call(method: string, path: string, body?: unknown) {
    return trackerCall(
      `${this.t.apiUrl}/repos/${this.t.repository}${path}`,
      {
        method,
        headers: {
          Authorization: `Bearer ${this.t.token}`,
          Accept: 'application/vnd.github+json',
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': 'incident-bot',
        },
        ...(body !== undefined ? { body } : {}),
      },
      { timeoutMs: this.t.timeoutMs, hints: HINTS, rateLimited },
    );
  }

  private issue(i: GhIssue): TrackedIssue {
    if (typeof i.number !== 'number' || typeof i.html_url !== 'string')
      throw new TrackerError('GitHub answered without an issue number', false);
    return { key: `${this.t.repository}#${i.number}`, url: i.html_url };
  }

  async create(d: IssueDraft): Promise<TrackedIssue> {
    const r = await this.call('POST', '/issues', {
      title: d.title.slice(0, 256),
      body: markdown(d),
      labels: [d.label],
    });
    return this.issue(r.body as GhIssue);
  }

  async findByMarker(label: string, marker: string): Promise<TrackedIssue | null> {
    for (let page = 1; page <= 5; page++) {
      const q = new URLSearchParams({ labels: label, state: 'all', per_page: '100', page: String(page) });
      const r = await this.call('GET', `/issues?${q}`);
      const list = Array.isArray(r.body) ? (r.body as GhIssue[]) : [];
      const hit = list.find((i) => !i.pull_request && (i.body ?? '').includes(marker));
      if (hit) return this.issue(hit);
      if (list.length < 100) return null;
    }
    return null;
  }

  async state(issueKey: string): Promise<IssueState> {
    const n = /#(\d+)$/.exec(issueKey)?.[1];
    if (!n) throw new TrackerError(`not a GitHub issue: ${issueKey}`, false);
    const r = await this.call('GET', `/issues/${n}`);
    const i = r.body as GhIssue;
    const closed = i?.state === 'closed';
    const notPlanned = i?.state_reason === 'not_planned';
    return {
      status: closed ? (notPlanned ? 'closed (not planned)' : 'closed') : 'open',
      done: closed && !notPlanned,
    };
  }
}
