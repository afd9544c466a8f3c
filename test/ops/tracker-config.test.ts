// The backlog settings (src/config-tracker.ts): all of a tracker's settings or none (the missing one named),
// never both trackers, URLs that carry the token over https in production, and the target built from them.
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.js';
import { trackerOf } from '../../src/config-tracker.js';

const jira = {
  JIRA_BASE_URL: 'https://acme.atlassian.net/',
  JIRA_EMAIL: 'bot@acme.example',
  JIRA_API_TOKEN: 'jira-token',
  JIRA_PROJECT_KEY: 'REL',
};
const github = { GITHUB_TOKEN: 'ghp_x', GITHUB_REPOSITORY: 'acme/reliability' };

function problems(env: Record<string, string>): string[] {
  try {
    readConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('tracker settings', () => {
  it('none: no tracker', () => {
    expect(trackerOf(readConfig({}))).toBeNull();
  });

  it('Jira: all four make the target (trailing slash dropped, issue type Task by default)', () => {
    expect(trackerOf(readConfig(jira))).toEqual({
      tracker: 'jira',
      baseUrl: 'https://acme.atlassian.net',
      email: 'bot@acme.example',
      apiToken: 'jira-token',
      projectKey: 'REL',
      issueType: 'Task',
      timeoutMs: 10_000,
      settleMs: 90_000,
    });
    expect(
      trackerOf(
        readConfig({
          ...jira,
          JIRA_ISSUE_TYPE: 'Bug',
          TRACKER_TIMEOUT_SECONDS: '3',
          JIRA_SEARCH_SETTLE_SECONDS: '0',
        }),
      ),
    ).toMatchObject({
      issueType: 'Bug',
      timeoutMs: 3000,
      settleMs: 0,
    });
  });

  it('Jira partly configured: each missing setting named', () => {
    const { JIRA_API_TOKEN: _t, JIRA_PROJECT_KEY: _p, ...partial } = jira;
    const p = problems(partial);
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^JIRA_API_TOKEN is missing: /);
    expect(p[1]).toMatch(/^JIRA_PROJECT_KEY is missing: /);
  });

  it('GitHub: the token and the repository; the API URL defaults to api.github.com', () => {
    expect(trackerOf(readConfig(github))).toEqual({
      tracker: 'github',
      apiUrl: 'https://api.github.com',
      token: 'ghp_x',
      repository: 'acme/reliability',
      timeoutMs: 10_000,
    });
    expect(problems({ GITHUB_TOKEN: 'ghp_x' })).toEqual([
      expect.stringMatching(/^GITHUB_REPOSITORY is missing: /),
    ]);
    expect(problems({ ...github, GITHUB_REPOSITORY: 'reliability' })).toEqual([
      'GITHUB_REPOSITORY must be owner/name, e.g. acme/reliability.',
    ]);
    // GitHub Actions sets GITHUB_REPOSITORY in every job: alone, it is not a tracker
    expect(trackerOf(readConfig({ GITHUB_REPOSITORY: 'acme/ci' }))).toBeNull();
  });

  it('both trackers: refused in one sentence', () => {
    expect(problems({ ...jira, ...github })).toEqual([
      'Both Jira (JIRA_*) and GitHub Issues (GITHUB_TOKEN) are configured: follow-ups are filed in one backlog, so remove the settings of the other.',
    ]);
  });

  it('URLs: http(s); https in production (the token travels with every call)', () => {
    expect(problems({ ...jira, JIRA_BASE_URL: 'acme.atlassian.net' })).toEqual([
      expect.stringMatching(/^JIRA_BASE_URL must be a URL/),
    ]);
    expect(problems({ ...jira, JIRA_BASE_URL: 'http://127.0.0.1:9' })).toEqual([]);
    expect(
      problems({
        ...github,
        GITHUB_API_URL: 'http://ghe.example/api/v3',
        NODE_ENV: 'production',
        AUDIT_SIGNING_KEY_FILE: 'k',
      }),
    ).toEqual([
      'GITHUB_API_URL must use https when NODE_ENV=production: the API token travels with every call.',
    ]);
  });

  it('a project key must look like one; the poll interval is bounded', () => {
    expect(problems({ ...jira, JIRA_PROJECT_KEY: 'rel backlog' })).toEqual([
      expect.stringMatching(/^JIRA_PROJECT_KEY must be a project key/),
    ]);
    expect(readConfig({}).TRACKER_POLL_MINUTES).toBe(15);
    expect(problems({ TRACKER_POLL_MINUTES: '0' })).toEqual([
      expect.stringMatching(/^TRACKER_POLL_MINUTES: /),
    ]);
  });

  it('no secret in a problem', () => {
    const { JIRA_EMAIL: _e, ...partial } = jira;
    expect(problems(partial).join('\n')).not.toContain('jira-token');
  });
});
