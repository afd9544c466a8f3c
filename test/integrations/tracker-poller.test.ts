// The tracker poller's turns (src/ops/tracker-poller.ts): with more watched follow-ups than a pass reads,
// each pass reads the longest unread first, so every issue is read back in turn instead of the same oldest
// ones every pass. The real store and Jira client, against the fake Jira on loopback.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BOT_ID } from '../../src/domain/text.js';
import { JiraClient } from '../../src/integrations/jira-client.js';
import { TrackerPoller } from '../../src/ops/tracker-poller.js';
import { trackedIncidents } from '../../src/storage/sqlite/tracked-followups.js';
import { at, declareRequest, ic } from '../helpers/scenario.js';
import { openStack, type Stack, tempDb } from '../helpers/store.js';
import { type FakeTracker, JIRA_EMAIL, JIRA_TOKEN, startFakeTracker } from '../support/fake-tracker.js';

let jira: FakeTracker;
let s: Stack;
beforeAll(async () => {
  jira = await startFakeTracker('jira');
});
afterAll(() => jira?.close());
afterEach(() => s?.close());

const bot = { platform: 'slack' as const, id: BOT_ID };

function ok(r: { ok: boolean; error?: { message: string } }) {
  if (!r.ok) throw new Error(r.error?.message);
}

/** An incident with one follow-up filed as a fresh issue in the fake; returns the issue key. */
function filedIncident(n: number): string {
  const d = s.service.handle(declareRequest(`d${n}`, { title: `incident ${n}` }));
  if (!d.ok) throw new Error(d.error.message);
  const key = d.incident.key;
  const now = at(n);
  const add = {
    type: 'add_followup' as const,
    id: 'FU-1',
    what: `follow-up ${n}`,
    owner: ic.id,
    due: '2026-12-10',
    objective: 'risk' as const,
    acceptance: 'a',
  };
  ok(s.service.handle({ key: `f${n}`, incidentKey: key, command: add, actor: ic, now }));
  const issue = jira.seed([key], `incident-bot:${key}/FU-1`);
  const filed = { type: 'followup_filed' as const, id: 'FU-1', tracker: 'jira' as const, url: issue.url };
  ok(
    s.service.handle({
      key: `i${n}`,
      incidentKey: key,
      command: { ...filed, issueKey: issue.key },
      actor: bot,
      now,
    }),
  );
  return issue.key;
}

describe('tracker poller turns', () => {
  it('with more follow-ups than a pass reads, each pass reads the longest unread first', async () => {
    s = openStack(tempDb());
    const keys = [1, 2, 3].map(filedIncident);
    const poller = new TrackerPoller({
      client: new JiraClient({
        tracker: 'jira',
        baseUrl: jira.url,
        email: JIRA_EMAIL,
        apiToken: JIRA_TOKEN,
        projectKey: 'REL',
        issueType: 'Task',
        timeoutMs: 2000,
      }),
      app: { runForDelivery: (r) => s.service.handle(r) },
      tracked: () => trackedIncidents(s.db),
      everyMinutes: 60,
      maxPerPass: 2,
    });
    const readIn = async () => {
      const before = jira.requests.length;
      const r = await poller.pollNow();
      expect(r).toMatchObject({ read: 2, failed: 0 });
      return jira.requests
        .slice(before)
        .filter((q) => q.method === 'GET')
        .map((q) => decodeURIComponent(q.path.split('/').pop()!.split('?')[0]!));
    };
    const [a, b, c] = keys;
    expect(await readIn()).toEqual([a, b]); // none read yet: the incidents' order
    expect(await readIn()).toEqual([c, a]); // never read first, then the one read longest ago
    expect(await readIn()).toEqual([b, c]);
    expect(await readIn()).toEqual([a, b]);
  });
});
