// Follow-ups filed in the firm's backlog (issue 19): on Slack (the real wiring of src/bot.ts, Jira Cloud)
// and on Teams (the Teams boot, GitHub Issues), each against a fake tracker on loopback. A follow-up with
// acceptance criteria becomes exactly one issue (incident key label, due date, criteria, owner, marker) whose
// link is stored and posted in the room; 429, 5xx-like timeouts and in-doubt rows never create a second
// issue; 401 and 404 are final and shown in the room; the issue closed in the tracker shows the follow-up done.
// A confidential incident's follow-ups never reach the firm-wide backlog: the room and the list say why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIDENTIAL_NOT_FILED } from '../../src/domain/decide/followup-tracker.js';
import type { Incident } from '../../src/domain/incident.js';
import { type RealBot, startRealBot } from '../faults/real-bot.js';
import { cardOf, cardTexts } from '../platforms/teams/activities.js';
import { SlackDriver, slackActorIds } from '../scenarios/slack-driver.js';
import type { FollowupInput } from '../scenarios/steps.js';
import { TeamsDriver, teamsActorIds } from '../scenarios/teams-driver.js';
import type { SlackBot } from '../support/boot-slack-bot.js';
import { type BootedTeamsBot, bootTeamsBot } from '../support/boot-teams-bot.js';
import {
  type FakeTracker,
  GITHUB_TOKEN,
  JIRA_EMAIL,
  JIRA_TOKEN,
  startFakeTracker,
  trackerEnv,
} from '../support/fake-tracker.js';
import { waitFor } from '../support/wait-for.js';

const outage = {
  title: 'Ingest pipeline down',
  triggerClass: 'service_outage',
  impact: 'No prices since 09:00',
  severeImpact: true,
  drill: false,
};

const FOLLOWUP: FollowupInput = {
  what: 'Alert on consumer lag above 500k',
  owner: 'comms',
  due: '2026-12-04',
  objective: 'resilience',
  acceptance: 'A replayed backfill with lag above 500k pages the on-call within five minutes',
};

/** What each platform's test needs: one incident, follow-ups filed in it, its room and list, the poller. */
interface Harness {
  fake: FakeTracker;
  tracker: 'Jira' | 'GitHub';
  ownerId: string;
  /** The platform's incident for these tests (declared once). */
  incident(): Promise<string>;
  followup(f: FollowupInput): Promise<void>;
  state(key: string): Incident;
  /** Everything the bot posted in the incident's room, as JSON text. */
  room(key: string): string;
  /** The follow-up list as the person asking sees it. */
  list(key: string): Promise<string>;
  poll(): Promise<unknown>;
  /** The incident commander makes the incident confidential (or shows it again). */
  confide(key: string, confidential: boolean): void;
  pause(): void;
  resume(): void;
  drain(): Promise<void>;
  outbox: { pending(): { id: number; key: string }[]; markInFlight(id: number, now: Date): void };
  logs(): string;
}

/** Each test files its own follow-up in the platform's incident (its `what` tells them apart). */
async function fileOne(h: Harness, what: string): Promise<{ key: string; id: string }> {
  const key = await h.incident();
  await h.followup({ ...FOLLOWUP, what });
  const f = h.state(key).followups.find((x) => x.what === what);
  if (!f) throw new Error(`no follow-up "${what}"`);
  return { key, id: f.id };
}

const followupOf = (h: Harness, key: string, id: string) => h.state(key).followups.find((f) => f.id === id)!;
const filed = (h: Harness, key: string, id: string) =>
  waitFor(() => followupOf(h, key, id).issue, 'the follow-up filed', 10_000);
const failed = (h: Harness, key: string, id: string) =>
  waitFor(() => followupOf(h, key, id).filingFailed, 'the filing given up', 10_000);
/** The tracker's issues for one follow-up (its marker in what was sent). */
const issuesFor = (h: Harness, key: string, id: string) =>
  h.fake.issues.filter((i) => JSON.stringify(i.sent).includes(`incident-bot:${key}/${id}`));
/** Creates the tracker received for one follow-up (refused ones too). */
const createsFor = (h: Harness, key: string, id: string) =>
  h.fake.creates().filter((r) => JSON.stringify(r.body).includes(`incident-bot:${key}/${id}`));

function scenarios(name: string, harness: () => Harness) {
  describe(name, () => {
    it('files one issue with the incident key label, due date, acceptance criteria and owner; the room gets the link', async () => {
      const h = harness();
      const { key, id } = await fileOne(h, FOLLOWUP.what);
      const issue = await filed(h, key, id);
      await h.drain();
      expect(createsFor(h, key, id)).toHaveLength(1);
      const create = createsFor(h, key, id)[0]!;
      const sent = JSON.stringify(create.body);
      if (h.fake.kind === 'jira') {
        expect(create.auth).toBe(`Basic ${Buffer.from(`${JIRA_EMAIL}:${JIRA_TOKEN}`).toString('base64')}`);
        expect(create.path).toBe('/rest/api/3/issue');
        expect(create.body.fields).toMatchObject({
          project: { key: 'REL' },
          issuetype: { name: 'Task' },
          labels: [key],
          duedate: '2026-12-04',
          summary: `[${key}] ${FOLLOWUP.what}`,
        });
        expect(create.body.fields.description.type).toBe('doc');
      } else {
        expect(create.auth).toBe(`Bearer ${GITHUB_TOKEN}`);
        expect(create.path).toBe('/repos/acme/reliability/issues');
        expect(create.body).toMatchObject({ labels: [key], title: `[${key}] ${FOLLOWUP.what}` });
        expect(create.body.body).toContain('**Due:** 2026-12-04');
      }
      expect(sent).toContain(FOLLOWUP.acceptance);
      expect(sent).toContain(h.ownerId);
      // stored on the follow-up, and posted to the room with its link
      const [only] = issuesFor(h, key, id);
      expect(issue).toMatchObject({ key: only!.key, url: only!.url });
      expect(h.room(key)).toContain(issue.url);
      expect(h.room(key)).toContain('Follow-up filed');
      // the list shows the acceptance criteria and the issue
      const list = await h.list(key);
      expect(list).toContain('A replayed backfill with lag above 500k');
      expect(list).toContain(issue.url);
      expect(h.logs()).not.toContain(h.fake.kind === 'jira' ? JIRA_TOKEN : GITHUB_TOKEN);
    });

    it('the issue closed in the tracker shows the follow-up done (list, room); reopened there, open again', async () => {
      const h = harness();
      const { key, id } = await fileOne(h, 'Add a runbook for broker disk alerts');
      const issue = await filed(h, key, id);
      await h.poll(); // the first read records the tracker's status ("To Do", "open")
      expect(followupOf(h, key, id).issue!.status).toBe(h.fake.kind === 'jira' ? 'To Do' : 'open');
      const before = h.state(key).version;
      await h.poll();
      expect(h.state(key).version).toBe(before); // nothing changed there: no command
      h.fake.setStatus(issue.key, { name: h.fake.kind === 'jira' ? 'Done' : 'closed', done: true });
      await h.poll();
      expect(followupOf(h, key, id)).toMatchObject({ state: 'done', doneBy: 'tracker' });
      await h.drain();
      expect(h.room(key)).toContain('Follow-up done');
      expect(await h.list(key)).toContain(`closed in ${h.tracker}`);
      h.fake.setStatus(issue.key, { name: h.fake.kind === 'jira' ? 'In Progress' : 'open', done: false });
      await h.poll();
      expect(followupOf(h, key, id).state).toBe('open');
    });

    it('429 with Retry-After, then success: created once', async () => {
      const h = harness();
      h.fake.script({ kind: 'create', status: 429, headers: { 'retry-after': '1' } });
      const { key, id } = await fileOne(h, 'Rate limited follow-up');
      const issue = await filed(h, key, id);
      expect(createsFor(h, key, id)).toHaveLength(2); // the refused one, then the one that made it
      expect(issuesFor(h, key, id).map((i) => i.key)).toEqual([issue.key]);
    });

    it('a timeout (the tracker applied it anyway), then the retry finds the issue: no second one', async () => {
      const h = harness();
      h.fake.script({ kind: 'create', hangMs: 1500 });
      const { key, id } = await fileOne(h, 'Slow tracker follow-up');
      const issue = await filed(h, key, id);
      expect(createsFor(h, key, id)).toHaveLength(1);
      expect(issuesFor(h, key, id).map((i) => i.key)).toEqual([issue.key]);
      if (h.fake.kind === 'jira') {
        // The look-up waited for Jira's eventually consistent search (JIRA_SEARCH_SETTLE_SECONDS=2).
        const create = createsFor(h, key, id)[0]!;
        const search = h.fake.requests.find((r) => r.at > create.at && r.path.includes('/search'));
        expect(search, 'a marker look-up after the create').toBeDefined();
        expect(search!.at - create.at).toBeGreaterThanOrEqual(2000);
      }
    });

    it('401: final, the reason shown in the room, nothing created', async () => {
      const h = harness();
      h.fake.script({ kind: 'create', status: 401, body: { message: 'Bad credentials' } });
      const { key, id } = await fileOne(h, 'Refused credentials follow-up');
      const why = await failed(h, key, id);
      expect(why.reason).toMatch(/HTTP 401: the credentials were refused/);
      await h.drain();
      expect(h.room(key)).toContain('could not be filed');
      expect(h.room(key)).toContain('HTTP 401');
      expect(createsFor(h, key, id)).toHaveLength(1);
      expect(issuesFor(h, key, id)).toHaveLength(0);
      expect(await h.list(key)).toContain('not filed');
      expect(h.logs()).not.toContain(h.fake.kind === 'jira' ? JIRA_TOKEN : GITHUB_TOKEN);
    });

    it('404: final, shown in the room', async () => {
      const h = harness();
      h.fake.script({ kind: 'create', status: 404 });
      const { key, id } = await fileOne(h, 'Missing project follow-up');
      const why = await failed(h, key, id);
      expect(why.reason).toMatch(/HTTP 404: not found \(check/);
      await h.drain();
      expect(h.room(key)).toContain('HTTP 404');
      expect(createsFor(h, key, id)).toHaveLength(1);
    });

    it('in doubt (the process died mid-call, the tracker has the issue): found, not created again', async () => {
      const h = harness();
      await h.incident();
      h.pause();
      const { key, id } = await fileOne(h, 'In doubt follow-up');
      const row = h.outbox.pending().find((r) => r.key.endsWith(`tracker:${id}`));
      expect(row).toBeDefined();
      h.outbox.markInFlight(row!.id, new Date());
      const already = h.fake.seed([key], `Filed by the incident bot (incident-bot:${key}/${id}).`);
      h.resume();
      await h.drain();
      const issue = await filed(h, key, id);
      expect(issue.key).toBe(already.key);
      expect(createsFor(h, key, id)).toHaveLength(0);
    });

    it("a confidential incident's follow-up: no call to the tracker; the room and the list say why", async () => {
      const h = harness();
      const key = await h.incident();
      h.confide(key, true);
      const before = h.fake.requests.length;
      const { id } = await fileOne(h, 'Rotate the keys the vendor saw');
      await h.drain();
      expect(h.fake.requests.length).toBe(before);
      expect(followupOf(h, key, id).filingFailed?.reason).toBe(CONFIDENTIAL_NOT_FILED);
      const why = `not filed in ${h.tracker}: the incident is confidential; file it by hand in a restricted project`;
      expect(h.room(key)).toContain(why);
      expect(await h.list(key)).toContain(why);
    });

    it('made confidential while its follow-up waited to be filed: not filed, the room told why', async () => {
      const h = harness();
      const key = await h.incident();
      h.confide(key, false);
      h.pause();
      const before = h.fake.requests.length;
      const { id } = await fileOne(h, 'Queued before it was made confidential');
      h.confide(key, true);
      h.resume();
      const why = await failed(h, key, id);
      expect(why.reason).toBe(CONFIDENTIAL_NOT_FILED);
      await h.drain();
      expect(h.fake.requests.length).toBe(before);
      expect(h.room(key)).toContain(`could not be filed in ${h.tracker}: the incident is confidential`);
    });
  });
}

let jira: FakeTracker;
let confides = 0;
let github: FakeTracker;
let real: RealBot;
let teams: BootedTeamsBot;

beforeAll(async () => {
  jira = await startFakeTracker('jira');
  github = await startFakeTracker('github');
  real = await startRealBot(trackerEnv(jira));
  teams = await bootTeamsBot({ env: trackerEnv(github) });
});

afterAll(async () => {
  await real?.close();
  await teams?.close();
  await jira?.close();
  await github?.close();
});

let slackDriver: SlackDriver | null = null;
let slackKey: Promise<string> | null = null;
scenarios('Slack, Jira Cloud (the wiring of src/bot.ts)', () => {
  const room = (key: string) => real.bot.store.get(key)!.room!.id;
  slackDriver ??= new SlackDriver({ ...real.bot, sim: real.sim, fake: real.fake } as unknown as SlackBot);
  const driver = slackDriver;
  return {
    fake: jira,
    tracker: 'Jira',
    ownerId: slackActorIds().comms,
    incident: () => (slackKey ??= driver.declare(outage, 'ic')),
    followup: (f) => driver.followup(f, 'ic'),
    state: (key) => real.bot.store.get(key)!,
    room: (key) =>
      JSON.stringify(
        real.fake
          .callsTo('chat.postMessage')
          .filter((c) => c.args.channel === room(key))
          .map((c) => c.args),
      ),
    async list(key) {
      const n = real.fake.ephemerals.length;
      await real.sim.slash('followups', { userId: slackActorIds().ic, channelId: room(key) });
      const e = await waitFor(() => real.fake.ephemerals.slice(n).find((x) => x.blocks), 'the list');
      return JSON.stringify(e.blocks);
    },
    poll: () => real.bot.pollTracker!(),
    confide(key, confidential) {
      const r = real.bot.service.handle({
        key: `confide:${key}:${++confides}`,
        incidentKey: key,
        command: { type: 'set_confidential', confidential, reason: 'for the test' },
        actor: { platform: 'slack', id: slackActorIds().ic },
        roomId: room(key),
      });
      if (!r.ok) throw new Error(r.error.message);
    },
    pause: () => real.bot.dispatcher.stop(),
    resume: () => real.bot.dispatcher.start(50),
    drain: async () => {
      await real.bot.dispatcher.drain(10_000);
    },
    outbox: real.bot.outbox,
    logs: () => real.logLines.join('\n'),
  };
});

let teamsDriver: TeamsDriver | null = null;
let teamsKey: Promise<string> | null = null;
scenarios('Teams, GitHub Issues', () => {
  const room = (key: string) => teams.store.get(key)!.room!.id;
  teamsDriver ??= new TeamsDriver(teams);
  const driver = teamsDriver;
  return {
    fake: github,
    tracker: 'GitHub',
    ownerId: teamsActorIds().comms,
    incident: () => (teamsKey ??= driver.declare(outage, 'ic')),
    followup: (f) => driver.followup(f, 'ic'),
    state: (key) => teams.store.get(key)!,
    room: (key) =>
      JSON.stringify(
        teams.connector.activities.filter((a) => a.conversationId === room(key)).map((a) => a.body),
      ),
    async list(key) {
      const n = teams.connector.activities.length;
      await driver.say('followups', 'ic');
      const cards = teams.connector.activities
        .slice(n)
        .filter((a) => a.conversationId === room(key) && a.body?.attachments?.length);
      return cards.map((a) => cardTexts(cardOf(a.body))).join('\n');
    },
    poll: () => teams.pollTracker!(),
    confide(key, confidential) {
      const r = teams.service.handle({
        key: `confide:${key}:${++confides}`,
        incidentKey: key,
        command: { type: 'set_confidential', confidential, reason: 'for the test' },
        actor: { platform: 'teams', id: teamsActorIds().ic },
        roomId: room(key),
      });
      if (!r.ok) throw new Error(r.error.message);
    },
    pause: () => teams.dispatcher.stop(),
    resume: () => teams.dispatcher.start(25),
    drain: () => teams.settle(10_000),
    outbox: teams.outbox,
    logs: () => JSON.stringify(teams.logs),
  };
});
