// Jira Cloud REST API v3: create an issue in the backlog project (summary, ADF description, the incident
// key as a label, `duedate`), find the one created for a follow-up (JQL by label, then the marker in the
// description), and read an issue's status. Basic auth with the account's email and API token.
import type { IssueDraft, IssueState, TrackedIssue, TrackerClient, TrackerTarget } from './tracker-client.js';
import { TrackerError } from './tracker-client.js';
import { type Hints, trackerCall } from './tracker-http.js';

type JiraTarget = Extract<TrackerTarget, { tracker: 'jira' }>;

const HINTS: Hints = {
  auth: 'check JIRA_EMAIL and JIRA_API_TOKEN, and that the account may create issues in JIRA_PROJECT_KEY',
  notFound: 'check JIRA_BASE_URL and JIRA_PROJECT_KEY',
};

/** A Jira label: no spaces. */
export const jiraLabel = (s: string) => s.trim().replace(/\s+/g, '-').slice(0, 255);

/** Atlassian Document Format: one paragraph per draft paragraph, labels in bold, links as links. */
function adf(d: IssueDraft) {
  return {
    type: 'doc',
    version: 1,
    content: d.paragraphs.map((p) => ({
      type: 'paragraph',
      content: [
        ...(p.label ? [{ type: 'text', text: `${p.label}: `, marks: [{ type: 'strong' }] }] : []),
        p.url
          ? { type: 'text', text: p.text || p.url, marks: [{ type: 'link', attrs: { href: p.url } }] }
          : { type: 'text', text: p.text || ' ' },
      ],
    })),
  };
}

const jql = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

export class JiraClient implements TrackerClient {
  readonly name = 'jira' as const;
  readonly settleMs: number;
  private readonly auth: string;

  constructor(private readonly t: JiraTarget) {
    this.settleMs = t.settleMs ?? 90_000;
    this.auth = `Basic ${Buffer.from(`${t.email}:${t.apiToken}`).toString('base64')}`;
  }

  private call(method: string, path: string, body?: unknown) {
    return trackerCall(
      `${this.t.baseUrl}${path}`,
      { method, headers: { Authorization: this.auth }, ...(body !== undefined ? { body } : {}) },
      { timeoutMs: this.t.timeoutMs, hints: HINTS },
    );
  }

  private issue(key: string): TrackedIssue {
    return { key, url: `${this.t.baseUrl}/browse/${encodeURIComponent(key)}` };
  }

  async create(d: IssueDraft): Promise<TrackedIssue> {
    const fields = {
      project: { key: this.t.projectKey },
      issuetype: { name: this.t.issueType },
      summary: d.title.slice(0, 255),
      description: adf(d),
      labels: [jiraLabel(d.label)],
      duedate: d.due,
    };
    let r: Awaited<ReturnType<JiraClient['call']>>;
    try {
      r = await this.call('POST', '/rest/api/3/issue', { fields });
    } catch (e) {
      // A project whose create screen lacks the due date refuses the field: the date is in the description.
      if (!(e instanceof TrackerError) || e.httpStatus !== 400 || !/duedate/i.test(e.message)) throw e;
      const { duedate: _left, ...rest } = fields;
      r = await this.call('POST', '/rest/api/3/issue', { fields: rest });
    }
    const key = (r.body as { key?: unknown } | null)?.key;
    if (typeof key !== 'string' || !key)
      throw new TrackerError('Jira created an issue but gave no key', false);
    return this.issue(key);
  }

  async findByMarker(label: string, marker: string): Promise<TrackedIssue | null> {
    let next: string | undefined;
    for (let page = 0; page < 5; page++) {
      const r = await this.call('POST', '/rest/api/3/search/jql', {
        jql: `project = ${jql(this.t.projectKey)} AND labels = ${jql(jiraLabel(label))}`,
        fields: ['description'],
        maxResults: 100,
        ...(next ? { nextPageToken: next } : {}),
      });
      const b = r.body as {
        issues?: { key?: string; fields?: { description?: unknown } }[];
        nextPageToken?: string;
      };
      const hit = (b?.issues ?? []).find((i) => JSON.stringify(i.fields?.description ?? '').includes(marker));
      if (hit?.key) return this.issue(hit.key);
      next = b?.nextPageToken || undefined;
      if (!next) return null;
    }
    return null;
  }

  async state(issueKey: string): Promise<IssueState> {
    const r = await this.call('GET', `/rest/api/3/issue/${encodeURIComponent(issueKey)}?fields=status`);
    const status = (
      r.body as { fields?: { status?: { name?: string; statusCategory?: { key?: string } } } } | null
    )?.fields?.status;
    return { status: status?.name ?? 'unknown', done: status?.statusCategory?.key === 'done' };
  }
}
