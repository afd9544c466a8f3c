// Who may see and write what, through the real Slack receiver and the fake Slack Web API (which models
// channel membership and private channels): an outsider sees no confidential incident anywhere and writes
// into no incident's record; members come and go by Slack's events, or are learned from Slack when the
// record does not know them; confidential incidents get a private channel and a redacted announcement;
// one person cannot flood the workspace with declarations, nor declare the same incident twice by accident.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import { SHORTCUT, VIEW } from '../../src/platforms/slack/ids.js';
import {
  BOB,
  CAROL,
  declare,
  declareValues,
  freshViewId,
  IC,
  submitDeclare,
  waitFor,
} from '../faults/fault-helpers.js';
import { bootSlackBot, type SlackBot, STAKEHOLDER_CHANNEL } from '../support/boot-slack-bot.js';
import { stateValue } from '../support/slack-request.js';

let bot: SlackBot;
beforeEach(async () => {
  bot = await bootSlackBot();
});
afterEach(async () => {
  await bot.close();
});

const entries = (key: string, kind?: string) =>
  bot.store.logEntries(key).filter((e) => !kind || e.kind === kind);
const ephemeralsTo = (user: string) =>
  bot.fake.ephemerals.filter((e) => e.user === user).map((e) => e.text ?? '');
/** Everything said where an outsider can read it: ephemerals to them, and #general and the stakeholder channel. */
const visibleTo = (user: string) =>
  JSON.stringify([
    ephemeralsTo(user),
    bot.fake.messagesIn('C0GENERAL').map((m) => [m.text, m.blocks]),
    bot.fake.messagesIn(STAKEHOLDER_CHANNEL).map((m) => [m.text, m.blocks]),
    bot.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === user)
      .map((c) => c.args),
  ]);

async function both(): Promise<{ open: Incident; secret: Incident }> {
  const open = await declare(bot, { title: 'Feed handler down', impact: 'EU prices stale' });
  const secret = await declare(bot, {
    title: 'Leaked API key for the order gateway',
    trigger: 'security_exposure',
    impact: 'Attacker may place orders',
  });
  return { open, secret };
}

describe('an outsider (in neither incident channel)', () => {
  it('sees no confidential incident anywhere, and cannot write into any record', async () => {
    const { open, secret } = await both();
    expect(secret.confidential).toBe(true);
    expect(open.confidential).toBeUndefined();
    // the confidential one got a private channel, the other a public one
    const created = bot.fake
      .callsTo('conversations.create')
      .map((c) => [c.args.name, String(c.args.is_private)]);
    // ...named by its number, never its title (workspace admins see private channel names)
    expect(created.find(([n]) => String(n).endsWith(`-${secret.key.slice(-4)}`))?.[1]).toBe('true');
    expect(created.some(([n]) => String(n).includes('leaked'))).toBe(false);
    expect(created.find(([n]) => String(n).includes('feed'))?.[1]).toBe('false');
    // the stakeholder channel heard that a confidential incident exists, and who leads it: nothing else
    const stake = JSON.stringify(bot.fake.messagesIn(STAKEHOLDER_CHANNEL).map((m) => [m.text, m.blocks]));
    expect(stake).toContain('A confidential incident was declared');
    expect(stake).toContain(open.title);

    const list = await bot.sim.slash('list', { userId: CAROL, channelId: 'C0GENERAL' });
    expect(list.body.text + JSON.stringify(list.body.blocks ?? [])).toContain(open.key);
    for (const bit of [secret.key, secret.title]) expect(JSON.stringify(list.body)).not.toContain(bit);
    // its members see it listed
    const icList = await bot.sim.slash('list', { userId: IC, channelId: 'C0GENERAL' });
    expect(icList.body.text + JSON.stringify(icList.body.blocks ?? [])).toContain(secret.key);

    // the shortcut in #general offers nothing: Carol is in no incident's channel
    await bot.sim.messageShortcut({
      callbackId: SHORTCUT.addToLog,
      userId: CAROL,
      channelId: 'C0GENERAL',
      messageTs: '1714570300.000500',
      messageText: 'all good here',
      messageUser: CAROL,
    });
    await waitFor(
      () => ephemeralsTo(CAROL).some((t) => t.includes('You are not in any open incident')),
      'told',
    );
    expect(bot.fake.callsTo('views.open')).toHaveLength(0);

    // never trust the picker: a crafted submission for either incident writes nothing
    const before = { open: entries(open.key).length, secret: entries(secret.key).length };
    for (const i of [open, secret]) {
      const res = await bot.sim.viewSubmission({
        callbackId: VIEW.logPick,
        userId: CAROL,
        viewId: freshViewId(),
        privateMetadata: JSON.stringify({ c: 'C0GENERAL', ts: '1714570300.000500', t: 'all good here' }),
        values: {
          incident: { value: stateValue.staticSelect(i.key) },
          decision: { value: stateValue.checkboxes(['decision']) },
          note: { value: stateValue.plainText('trust me') },
        },
      });
      expect(res.status).toBe(200);
    }
    await waitFor(() => ephemeralsTo(CAROL).length >= 3 || undefined, 'both refusals');
    // ... and a crafted follow-up form for the confidential incident, opened "elsewhere"
    const form = await bot.sim.viewSubmission({
      callbackId: VIEW.followup,
      userId: CAROL,
      viewId: freshViewId(),
      privateMetadata: JSON.stringify({ k: secret.key, c: 'C0GENERAL' }),
      values: {
        what: { value: stateValue.plainText('Rotate nothing') },
        acceptance: { value: stateValue.plainText('Nothing rotated') },
        owner: { value: stateValue.usersSelect(CAROL) },
        due: { value: stateValue.datepicker('2026-12-31') },
        objective: { value: stateValue.staticSelect('risk') },
      },
    });
    expect(form.body.response_action).toBe('errors');
    expect(JSON.stringify(form.body.errors)).toContain('You are not a member of this incident');
    await bot.dispatcher.drain(5000);
    expect({ open: entries(open.key).length, secret: entries(secret.key).length }).toEqual(before);
    expect(ephemeralsTo(CAROL).some((t) => t.includes(`You are not in ${open.key}`))).toBe(true);

    // nothing an outsider can read names the confidential incident, its title or its impact
    const seen = visibleTo(CAROL);
    for (const secretBit of [secret.key, secret.title, secret.impact]) expect(seen).not.toContain(secretBit);
  });
});

describe('members', () => {
  it('join and leave by Slack events, recorded in the log; the picker then offers the incident', async () => {
    const { open } = await both();
    const room = open.room!.id;
    await bot.sim.event({ type: 'member_joined_channel', user: BOB, channel: room, channel_type: 'C' });
    await waitFor(() => bot.store.get(open.key)!.members?.includes(BOB), 'Bob is a member');
    expect(entries(open.key, 'member').at(-1)?.payload).toContain('"via":"joined_room"');
    bot.fake.channels.get(room)!.members.add(BOB);
    await bot.sim.messageShortcut({
      callbackId: SHORTCUT.addToLog,
      userId: BOB,
      channelId: 'C0GENERAL',
      messageTs: '1714570300.000600',
      messageText: 'the feed is back',
      messageUser: BOB,
    });
    const [call] = await bot.fake.waitForCalls('views.open', 1);
    const offered = call!.args.view.blocks
      .find((b: { block_id?: string }) => b.block_id === 'incident')
      .element.options.map((o: { value: string }) => o.value);
    expect(offered).toEqual([open.key]); // not the confidential one
    await bot.sim.event({ type: 'member_left_channel', user: BOB, channel: room, channel_type: 'C' });
    await waitFor(() => !bot.store.get(open.key)!.members?.includes(BOB), 'Bob left');
    expect(JSON.parse(entries(open.key, 'member').at(-1)!.payload)).toEqual({ kind: 'left', user: BOB });
  });

  it('are learned from Slack when the record does not know them yet (no event was seen)', async () => {
    const { open } = await both();
    bot.fake.channels.get(open.room!.id)!.members.add(BOB); // joined while the bot was away
    await bot.sim.messageShortcut({
      callbackId: SHORTCUT.addToLog,
      userId: BOB,
      channelId: 'C0GENERAL',
      messageTs: '1714570300.000700',
      messageText: 'note from elsewhere',
      messageUser: BOB,
    });
    await bot.fake.waitForCalls('views.open', 1);
    expect(bot.fake.callsTo('users.conversations').map((c) => c.args.user)).toContain(BOB);
    expect(JSON.parse(entries(open.key, 'member').at(-1)!.payload)).toMatchObject({
      user: BOB,
      via: 'platform_lookup',
    });
  });

  it('are added by a member (invited to the channel), and a confidential incident is changed by its IC only', async () => {
    const { open, secret } = await both();
    const add = await bot.sim.slash(`add <@U0ERIN|erin>`, { userId: IC, channelId: open.room!.id });
    expect(add.status).toBe(200);
    await bot.dispatcher.drain(5000);
    expect(bot.fake.callsTo('conversations.invite').some((c) => c.args.users === 'U0ERIN')).toBe(true);
    expect(JSON.parse(entries(open.key, 'member').at(-1)!.payload)).toMatchObject({
      kind: 'added',
      user: 'U0ERIN',
    });
    // making it public needs the IC and a reason, which the log keeps
    const noReason = await bot.sim.slash('public', { userId: IC, channelId: secret.room!.id });
    expect(noReason.body.text).toContain('Say why everyone may see the incident');
    const byOther = await bot.sim.slash('public contained', { userId: BOB, channelId: secret.room!.id });
    expect(byOther.body.text).toMatch(/Only the incident commander can change who may see the incident/);
    await bot.sim.slash('public contained, no customer data', { userId: IC, channelId: secret.room!.id });
    expect(bot.store.get(secret.key)!.confidential).toBe(false);
    expect(JSON.parse(entries(secret.key, 'confidential').at(-1)!.payload)).toEqual({
      confidential: false,
      reason: 'contained, no customer data',
    });
  });
});

describe('confidential incidents without a private channel', () => {
  it('never fall back to the (public) channel they were declared in', async () => {
    bot.fake.failNext('conversations.create', { error: 'restricted_action' });
    const secret = await submitDeclare(bot, {
      title: 'Insider trading suspicion',
      visibility: 'confidential',
    });
    await bot.dispatcher.drain(5000);
    const i = bot.store.get(secret.key)!;
    expect(i.confidential).toBe(true);
    expect(i.room).toBeNull();
    expect(JSON.stringify(bot.fake.messagesIn('C0GENERAL'))).not.toContain('Insider trading');
    const dm = bot.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === IC);
    expect(dm.map((c) => c.args.text).join(' ')).toContain(
      'I could not create a private channel for the confidential incident',
    );
  });
});

describe('declare limits', () => {
  it('the same title twice by the same person is shown the first; a flood is refused', async () => {
    const first = await submitDeclare(bot, { user: 'U0DAVE', title: 'Risk engine down' });
    const twice = await bot.sim.viewSubmission({
      callbackId: VIEW.declare,
      userId: 'U0DAVE',
      values: declareValues({ title: 'risk engine down ' }),
      privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
      viewId: freshViewId(),
    });
    expect(twice.body.errors.title).toBe(
      `You declared ${first.key} less than a minute ago with this title. Open it (its room is in \`/incident list\`), or change the title to declare a separate incident.`,
    );
    for (let n = 2; n <= 5; n++) await submitDeclare(bot, { user: 'U0DAVE', title: `Incident ${n}` });
    const sixth = await bot.sim.viewSubmission({
      callbackId: VIEW.declare,
      userId: 'U0DAVE',
      values: declareValues({ title: 'Incident 6' }),
      privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
      viewId: freshViewId(),
    });
    expect(JSON.stringify(sixth.body.errors)).toContain(
      'You have declared 5 incidents in the last 10 minutes',
    );
    expect(bot.store.listOpen().filter((i) => i.declaredBy === 'U0DAVE')).toHaveLength(5);
    // someone else is not held back
    await submitDeclare(bot, { user: BOB, title: 'Incident 6' });
  });
});
