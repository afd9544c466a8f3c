// The settings of the firm's backlog, where follow-ups are filed (Jira Cloud or GitHub Issues), and their
// checks. Part of src/config.ts's schema (spread into SETTINGS); kept apart so config.ts stays readable.
// All of a tracker's settings or none of them; both trackers at once is refused: a follow-up filed in two
// backlogs, or in whichever one a rule happened to pick, is a follow-up someone looks for in the other.
import { z } from 'zod';
import type { TrackerTarget } from './integrations/tracker-client.js';

const opt = z
  .string()
  .transform((v) => v.trim())
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const TRACKER_SETTINGS = {
  JIRA_BASE_URL: {
    schema: opt,
    required: 'for Jira',
    default: '',
    purpose:
      'Your Jira Cloud site (https://your-firm.atlassian.net): follow-ups are filed there as issues. Set the four JIRA_ settings, or none.',
  },
  JIRA_EMAIL: {
    schema: opt,
    required: 'for Jira',
    default: '',
    purpose: 'The Atlassian account the bot files issues as (its API token is JIRA_API_TOKEN).',
  },
  JIRA_API_TOKEN: {
    schema: opt,
    required: 'for Jira',
    default: '',
    purpose:
      "API token of JIRA_EMAIL's account (id.atlassian.com -> Security -> API tokens); it needs to browse and create issues in JIRA_PROJECT_KEY.",
  },
  JIRA_PROJECT_KEY: {
    schema: opt,
    required: 'for Jira',
    default: '',
    purpose: 'Key of the reliability backlog project follow-ups are filed in (e.g. REL).',
  },
  JIRA_ISSUE_TYPE: {
    schema: z
      .string()
      .transform((v) => v.trim() || 'Task')
      .default('Task'),
    required: 'no',
    default: 'Task',
    purpose: 'Issue type of a filed follow-up (as named in the project).',
  },
  GITHUB_TOKEN: {
    schema: opt,
    required: 'for GitHub',
    default: '',
    purpose:
      'Token that files follow-ups as GitHub issues in GITHUB_REPOSITORY (fine-grained: Issues read and write). Setting it turns GitHub Issues on.',
  },
  GITHUB_REPOSITORY: {
    schema: opt,
    required: 'for GitHub',
    default: '',
    purpose: 'The repository (owner/name) whose issues are the backlog.',
  },
  GITHUB_API_URL: {
    schema: z
      .string()
      .transform((v) => v.trim() || 'https://api.github.com')
      .default('https://api.github.com'),
    required: 'no',
    default: 'https://api.github.com',
    purpose: 'Base URL of the GitHub REST API (GitHub Enterprise Server: https://HOST/api/v3).',
  },
  TRACKER_POLL_MINUTES: {
    schema: z.coerce.number().int().min(1).max(1440).default(15),
    required: 'no',
    default: '15',
    purpose:
      "How often the filed follow-ups' issues are read back from Jira or GitHub (closed there: done in the bot).",
  },
  TRACKER_TIMEOUT_SECONDS: {
    schema: z.coerce.number().min(1).max(120).default(10),
    required: 'no',
    default: '10',
    purpose: 'How long one call to Jira or GitHub may take; a slower one is tried again later.',
  },
  JIRA_SEARCH_SETTLE_SECONDS: {
    schema: z.coerce.number().min(0).max(3600).default(90),
    required: 'no',
    default: '90',
    purpose:
      "After a Jira create that may have succeeded (a timeout, a 5xx), how long to wait before looking for the issue: Jira's search is eventually consistent, and looking too soon would file it twice.",
  },
} as const;

type TrackerSettings = typeof TRACKER_SETTINGS;
export type TrackerConfig = { [K in keyof TrackerSettings]: z.output<TrackerSettings[K]['schema']> } & {
  NODE_ENV: string;
};

const JIRA_KEYS = ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_PROJECT_KEY'] as const;

function urlProblem(name: string, v: string, production: boolean): string | null {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return `${name} must be a URL (${TRACKER_SETTINGS[name as keyof TrackerSettings].purpose})`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `${name} must be an http(s) URL.`;
  if (production && u.protocol !== 'https:')
    return `${name} must use https when NODE_ENV=production: the API token travels with every call.`;
  return null;
}

/** What is wrong with the tracker settings (each problem one sentence naming the setting). */
export function trackerProblems(c: TrackerConfig): string[] {
  const problems: string[] = [];
  const production = c.NODE_ENV === 'production';
  const jiraSet = JIRA_KEYS.filter((k) => c[k]);
  if (jiraSet.length > 0 && jiraSet.length < JIRA_KEYS.length)
    for (const k of JIRA_KEYS) if (!c[k]) problems.push(`${k} is missing: ${TRACKER_SETTINGS[k].purpose}`);
  // GITHUB_TOKEN turns GitHub on. GITHUB_REPOSITORY alone is not taken as intent: GitHub Actions sets it
  // in every job, where the bot's CLI (drills) may run.
  if (c.GITHUB_TOKEN && !c.GITHUB_REPOSITORY)
    problems.push(`GITHUB_REPOSITORY is missing: ${TRACKER_SETTINGS.GITHUB_REPOSITORY.purpose}`);
  if (c.GITHUB_TOKEN && c.GITHUB_REPOSITORY && !/^[\w.-]+\/[\w.-]+$/.test(c.GITHUB_REPOSITORY))
    problems.push('GITHUB_REPOSITORY must be owner/name, e.g. acme/reliability.');
  if (jiraSet.length === JIRA_KEYS.length && c.GITHUB_TOKEN)
    problems.push(
      'Both Jira (JIRA_*) and GitHub Issues (GITHUB_TOKEN) are configured: follow-ups are filed in one backlog, so remove the settings of the other.',
    );
  if (c.JIRA_BASE_URL) {
    const p = urlProblem('JIRA_BASE_URL', c.JIRA_BASE_URL, production);
    if (p) problems.push(p);
  }
  if (c.JIRA_PROJECT_KEY && !/^[A-Za-z][A-Za-z0-9_]*$/.test(c.JIRA_PROJECT_KEY))
    problems.push('JIRA_PROJECT_KEY must be a project key such as REL (letters, digits, underscores).');
  if (c.GITHUB_TOKEN) {
    const p = urlProblem('GITHUB_API_URL', c.GITHUB_API_URL, production);
    if (p) problems.push(p);
  }
  return problems;
}

/** Where follow-ups are filed and what it takes to reach it (after readConfig accepted the settings), or null. */
export function trackerOf(c: TrackerConfig): TrackerTarget | null {
  const timeoutMs = Math.round(c.TRACKER_TIMEOUT_SECONDS * 1000);
  if (c.JIRA_BASE_URL && c.JIRA_EMAIL && c.JIRA_API_TOKEN && c.JIRA_PROJECT_KEY)
    return {
      tracker: 'jira',
      baseUrl: c.JIRA_BASE_URL.replace(/\/+$/, ''),
      email: c.JIRA_EMAIL,
      apiToken: c.JIRA_API_TOKEN,
      projectKey: c.JIRA_PROJECT_KEY,
      issueType: c.JIRA_ISSUE_TYPE,
      timeoutMs,
      settleMs: Math.round(c.JIRA_SEARCH_SETTLE_SECONDS * 1000),
    };
  if (c.GITHUB_TOKEN && c.GITHUB_REPOSITORY)
    return {
      tracker: 'github',
      apiUrl: c.GITHUB_API_URL.replace(/\/+$/, ''),
      token: c.GITHUB_TOKEN,
      repository: c.GITHUB_REPOSITORY,
      timeoutMs,
    };
  return null;
}
