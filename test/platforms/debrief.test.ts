// Debrief invitations (issue 19: "Invite all responders plus owners of long-term fixes"), end to end
// through each platform's real endpoint: closing invites every responder 1:1 with a calendar file —
// Slack uploads the .ics to each person's DM, Teams sends a card with an "Add to calendar" meeting link,
// the local console links a download — the room is told who was invited, and the owner of a follow-up
// filed after close is invited once.
import { afterAll, describe, expect, it } from 'vitest';
import { shownForm } from '../../src/app/form-flow.js';
import { localActor, localPerson } from '../../src/app/local-people.js';
import type { Incident } from '../../src/domain/incident.js';
import { VIEW } from '../../src/platforms/slack/ids.js';
import { inputs } from '../../src/views/form.js';
import { closureFields } from '../helpers/scenario.js';
import { SlackDriver } from '../scenarios/slack-driver.js';
import { TeamsDriver } from '../scenarios/teams-driver.js';
import { checkAdaptiveCard } from '../support/blockkit-limits.js';
import { bootLocalBot, ConsoleClient, type LocalBot } from '../support/boot-local-bot.js';
import { bootSlackBot } from '../support/boot-slack-bot.js';
import { bootTeamsBot } from '../support/boot-teams-bot.js';
import { stateValue } from '../support/slack-request.js';
import { ALICE, allActions, BOB, cardOf, cardTexts, type Json } from './teams/activities.js';
import { fixture } from './teams/harness.js';

const MEETING = 'https://meet.example.com/debrief-room';
const outage = {
  title: 'Ingest pipeline down',
  triggerClass: 'service_outage',
  impact: 'No prices since 09:00',
  severeImpact: false,
  drill: false,
};
const criteriaOf = (
  i: Incident,
  phase: string,
  pb: { phases: { id: string; exitCriteria: { id: string }[] }[] },
) => pb.phases.find((p) => p.id === (phase || i.phase))!.exitCriteria.map((c) => c.id);

/** The content lines of an .ics, unfolded. */
const unfold = (ics: string) => ics.replace(/\r\n /g, '').split('\r\n');

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

describe('Slack: the invitation is a DM with the .ics attached', () => {
  it('invites every responder at close, tells the room, then a late follow-up owner once', async () => {
    const bot = await bootSlackBot({ debriefMeetingUrl: MEETING });
    closers.push(() => bot.close());
    const driver = new SlackDriver(bot);
    const key = await driver.declare(outage, 'ic');
    await driver.claim('comms_lead', 'comms');
    const room = bot.store.get(key)!.room!.id;
    // Dave writes in the log from the room; Eve only joins the channel
    const note = await bot.sim.slash('log Broker disk at 95%', { userId: 'U0DAVE', channelId: room });
    expect(note.status).toBe(200);
    await bot.sim.event({ type: 'member_joined_channel', user: 'U0EVE', channel: room });
    const pb = bot.service.playbookFor(bot.store.get(key));
    for (const phase of ['detection', 'containment', 'mitigation'])
      await driver.advancePhase(criteriaOf(bot.store.get(key)!, phase, pb));
    await driver.close(criteriaOf(bot.store.get(key)!, 'closure', pb), closureFields);
    await driver.settle();
    expect(driver.problems).toEqual([]);
    const closed = bot.store.get(key)!;
    expect(closed.closedAt).not.toBeNull();
    expect(closed.debrief?.invited).toEqual(['U0IC', 'U0COMMS', 'U0DAVE']);

    const uploads = () => [...bot.fake.uploads.values()].filter((u) => u.completed);
    const byChannel = (ch: string) => uploads().filter((u) => u.channel_id === ch);
    for (const user of ['U0IC', 'U0COMMS', 'U0DAVE']) {
      const mine = byChannel(`D${user.slice(1)}`);
      expect(mine, user).toHaveLength(1);
      const up = mine[0]!;
      expect(up.filename).toBe(`${key}-debrief.ics`);
      expect(up.initial_comment).toContain('You are invited to the post-incident debrief');
      expect(up.initial_comment).toContain('Facilitator*: <@U0IC>');
      expect(up.initial_comment).toContain('Five whys');
      expect(up.initial_comment).toContain(MEETING);
      // the file itself: an RFC 5545 calendar with CRLF lines, the debrief at 14:00 UTC on the due date
      const ics = up.body.toString('utf8');
      expect(ics).toContain('BEGIN:VCALENDAR\r\n');
      const lines = unfold(ics);
      expect(lines).toContain(`DTSTART:${closed.reviewDueOn!.replace(/-/g, '')}T140000Z`);
      expect(lines).toContain(`DTEND:${closed.reviewDueOn!.replace(/-/g, '')}T150000Z`);
      expect(lines.find((l) => l.startsWith('UID:'))).toContain(key);
      expect(lines).toContain(`LOCATION:${MEETING}`);
    }
    expect(byChannel('DEVE')).toHaveLength(0);
    // the room's line names who was invited
    const said = JSON.stringify(bot.fake.messagesIn(room));
    expect(said).toContain('invitations sent to <@U0IC>, <@U0COMMS>, <@U0DAVE>, each with a calendar entry');

    // a follow-up filed after close: its owner is invited (once, however many they own)
    for (const id of ['a', 'b']) {
      const res = await bot.sim.viewSubmission({
        callbackId: VIEW.followup,
        userId: 'U0IC',
        privateMetadata: JSON.stringify({ k: key, c: room }),
        viewId: `VFU${id}`,
        values: {
          what: { value: stateValue.plainText(`Alert on broker disk (${id})`) },
          acceptance: { value: stateValue.plainText('Alert fires in the next drill') },
          owner: { value: stateValue.usersSelect('U0FRED') },
          due: { value: stateValue.datepicker('2026-12-30') },
          objective: { value: stateValue.staticSelect('resilience') },
        },
      });
      expect(res.status).toBe(200);
      await driver.settle();
    }
    expect(bot.store.get(key)!.followups).toHaveLength(2);
    expect(byChannel('D0FRED')).toHaveLength(1);
    expect(JSON.stringify(bot.fake.messagesIn(room))).toContain('<@U0FRED> owns follow-up');
    // everyone already invited got nothing more
    expect(byChannel('D0IC')).toHaveLength(1);
  });
});

/** A message from `who` in their 1:1 chat with the bot: Teams then knows where to reach them. */
function personal(serviceUrl: string, who: typeof ALICE, conversationId: string): Json {
  const a = fixture('message_personal.json');
  a.serviceUrl = serviceUrl;
  a.from = { ...who };
  a.conversation = { conversationType: 'personal', id: conversationId };
  a.text = 'incident help';
  a.id = `${conversationId}-1`;
  a.timestamp = new Date().toISOString();
  delete a.localTimestamp;
  return a;
}

describe('Teams: the invitation is a 1:1 card with an "Add to calendar" meeting link', () => {
  it('sends each responder the card; its link opens Teams scheduling filled in', async () => {
    const bot = await bootTeamsBot({ env: { DEBRIEF_MEETING_URL: MEETING } });
    closers.push(() => bot.close());
    const chats = { [ALICE.aadObjectId]: 'a:personal-alice', [BOB.aadObjectId]: 'a:personal-bob' };
    for (const who of [ALICE, BOB])
      expect(
        (await bot.sendActivity(personal(bot.connector.serviceUrl, who, chats[who.aadObjectId]!))).status,
      ).toBe(200);
    const driver = new TeamsDriver(bot);
    const key = await driver.declare(outage, 'ic');
    await driver.claim('comms_lead', 'comms');
    const pb = bot.service.playbookFor(bot.store.get(key));
    for (const phase of ['detection', 'containment', 'mitigation'])
      await driver.advancePhase(criteriaOf(bot.store.get(key)!, phase, pb));
    await driver.close(criteriaOf(bot.store.get(key)!, 'closure', pb), closureFields);
    await driver.settle();
    const closed = bot.store.get(key)!;
    expect(closed.debrief?.invited).toEqual([ALICE.aadObjectId, BOB.aadObjectId]);

    for (const who of [ALICE, BOB]) {
      const cards = bot.connector.activities.filter(
        (a) => a.conversationId === chats[who.aadObjectId] && a.op === 'send' && cardOf(a.body),
      );
      const invites = cards.filter((a) =>
        cardTexts(cardOf(a.body)).includes('You are invited to the post-incident debrief'),
      );
      expect(invites, who.name).toHaveLength(1);
      const card = cardOf(invites[0]!.body);
      expect(checkAdaptiveCard(card)).toEqual([]);
      expect(cardTexts(card)).toContain('Agenda');
      const add = allActions(card).find((a) => a.type === 'Action.OpenUrl' && a.title === 'Add to calendar');
      expect(add).toBeDefined();
      const url = new URL(add.url);
      expect(`${url.origin}${url.pathname}`).toBe('https://teams.microsoft.com/l/meeting/new');
      expect(url.searchParams.get('subject')).toBe(`Debrief: ${key}: ${outage.title}`);
      expect(url.searchParams.get('startTime')).toBe(`${closed.reviewDueOn}T14:00:00+00:00`);
      expect(url.searchParams.get('endTime')).toBe(`${closed.reviewDueOn}T15:00:00+00:00`);
      expect(url.searchParams.get('content')).toContain(`Meeting: ${MEETING}`);
    }
    // the room is told who was invited
    const room = closed.room!.id;
    const roomCards = bot.connector.activities
      .filter((a) => a.conversationId === room && cardOf(a.body))
      .map((a) => cardTexts(cardOf(a.body)))
      .join('\n');
    expect(roomCards).toContain('invitations sent to');
  });
});

describe('the local console: the invitation links a download of the .ics', () => {
  let local: LocalBot;
  it('shows the invitation to each invitee, and serves the calendar file to members only', async () => {
    local = await bootLocalBot({ DEBRIEF_MEETING_URL: MEETING });
    closers.push(() => local.close());
    const alice = await new ConsoleClient(local).enter('alice');
    const surface = local.bot.console!.web.context.surface;
    const form = (
      name: 'declare' | 'phase' | 'close',
      i: Incident | null,
      over: Record<string, string | string[]>,
    ) => {
      const f = shownForm(local.bot.app, surface, name, i, localActor(localPerson('alice')!));
      const body: Record<string, string | string[]> = {};
      for (const x of inputs(f)) {
        if (x.kind === 'checks') body[x.id] = x.values;
        else if (x.kind === 'toggle') body[x.id] = x.value ? 'yes' : 'no';
        else if (x.value !== undefined) body[x.id] = x.value;
      }
      return { ...body, ...over };
    };
    const declared = await alice.post('/declare', {
      ...form('declare', null, {}),
      _key: 'debrief-declare-1',
      title: 'Ingest pipeline down',
      triggerClass: 'service_outage',
      impact: 'No prices',
      severeImpact: 'no',
      // confidential: only its members may read it (the console's other people are in an open one's room)
      visibility: 'confidential',
      commander: 'me',
    });
    expect(declared.status).toBe(303);
    await local.settle();
    const key = decodeURIComponent(/\/incidents\/([^/]+)$/.exec(declared.location!)![1]!);
    const pb = local.bot.app.playbookFor(local.bot.app.incident(key));
    let n = 0;
    for (const phase of ['detection', 'containment', 'mitigation']) {
      const i = local.bot.app.incident(key)!;
      const r = await alice.post(`/incidents/${key}/forms/phase`, {
        ...form('phase', i, { criteria: criteriaOf(i, phase, pb) }),
        _key: `debrief-phase-${++n}`,
      });
      expect(r.status, r.html.slice(0, 300)).toBe(303);
      await local.settle();
    }
    const i = local.bot.app.incident(key)!;
    const closing = await alice.post(`/incidents/${key}/forms/close`, {
      ...form('close', i, {
        criteria: criteriaOf(i, 'closure', pb),
        ...Object.fromEntries(Object.entries(closureFields).map(([k, v]) => [`field:${k}`, v])),
      }),
      _key: 'debrief-close-1',
    });
    expect(closing.status, closing.html.slice(0, 300)).toBe(303);
    await local.settle();
    const closed = local.bot.app.incident(key)!;
    expect(closed.debrief?.invited).toEqual(['alice']);

    const roomPage = (await alice.get(`/incidents/${key}`)).html;
    expect(roomPage).toContain('You are invited to the post-incident debrief');
    expect(roomPage).toContain(`href="/incidents/${key}/debrief.ics"`);
    const file = await alice.get(`/incidents/${key}/debrief.ics`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(file.headers.get('content-disposition')).toContain(`${key}-debrief.ics`);
    expect(file.html).toContain(`DTSTART:${closed.reviewDueOn!.replace(/-/g, '')}T140000Z\r\n`);
    expect(unfold(file.html)).toContain(`LOCATION:${MEETING}`);
    // someone outside the (confidential) incident gets no file; without the console's key nobody does
    const dave = await new ConsoleClient(local).enter('dave');
    expect((await dave.get(`/incidents/${key}/debrief.ics`)).status).toBe(403);
    expect((await new ConsoleClient(local).get(`/incidents/${key}/debrief.ics`)).status).toBe(401);
  });
});
