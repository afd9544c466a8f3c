// Slack failing under the bot: random 429 / 500 through a whole incident, pacing per channel, and
// channel creation refused. Asserts the database (outbox, decision log) and what Slack received.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ACTION, VIEW } from '../../src/platforms/slack/ids.js';
import { bootSlackBot, type SlackBot, STAKEHOLDER_CHANNEL } from '../support/boot-slack-bot.js';
import {
  alertValues,
  BOB,
  CAROL,
  checkChains,
  checkDeliveredExactlyOnce,
  closeValues,
  declareValues,
  freshViewId,
  IC,
  outboxRows,
  phaseValues,
  submitDeclare,
  updateValues,
  waitFor,
} from './fault-helpers.js';
import { type RealBot, startRealBot } from './real-bot.js';

let bot: SlackBot | null = null;
let real: RealBot | null = null;
afterEach(async () => {
  await bot?.close();
  await real?.close();
  bot = null;
  real = null;
});

const injected = { faults: 0 };

describe('Slack answering 30% of calls with 429 or 500 (seeded)', () => {
  for (const seed of [42, 7]) {
    it(`a whole incident, seed ${seed}: every owed message exactly once, in order, log complete, outbox empty`, async () => {
      bot = await bootSlackBot();
      const b = bot;
      b.fake.setRandomFailures({ rate: 0.3, seed, kinds: ['429', '500'] });
      const drain = async () => expect(await b.dispatcher.drain(20_000)).toBe(true);
      const incident = await submitDeclare(b, { title: `Flaky Slack ${seed}` });
      await drain();
      const room = b.store.get(incident.key)!.room!.id;
      expect(b.store.get(incident.key)!.room!.fallback).toBeFalsy();
      const meta = JSON.stringify({ k: incident.key, c: room });
      for (const [role, user] of [
        ['technical_lead', BOB],
        ['scribe', CAROL],
      ] as const) {
        await b.sim.blockAction({ actionId: ACTION.claimRole, value: role, userId: user, channelId: room });
        await waitFor(() => b.store.get(incident.key)!.roles[role]?.includes(user), role);
      }
      const submit = async (callbackId: string, values: Record<string, Record<string, unknown>>) => {
        const r = await b.sim.viewSubmission({
          callbackId,
          userId: IC,
          values,
          privateMetadata: meta,
          viewId: freshViewId(),
        });
        expect(r.body, JSON.stringify(r.body)).toBe('');
        await drain();
      };
      await submit(VIEW.initialAlert, alertValues());
      const block = {
        type: 'actions',
        block_id: 'checklist:stabilize:v1',
        elements: [
          {
            type: 'checkboxes',
            action_id: ACTION.checkItem,
            options: ['stabilize.switch_off', 'stabilize.freeze_deploys'].map((value) => ({
              text: { type: 'mrkdwn', text: value },
              value,
            })),
          },
        ],
      };
      await b.sim.blockAction({
        actionId: ACTION.checkItem,
        blockId: block.block_id,
        type: 'checkboxes',
        selectedOptions: [{ value: 'stabilize.switch_off' }, { value: 'stabilize.freeze_deploys' }],
        userId: BOB,
        channelId: room,
        message: { blocks: [block] },
      });
      await waitFor(() => b.store.get(incident.key)!.checklist['stabilize.freeze_deploys'], 'ticked');
      await submit(VIEW.phase, phaseValues('detection', 'containment'));
      await submit(VIEW.statusUpdate, updateValues('Contained'));
      await submit(VIEW.phase, phaseValues('containment', 'mitigation'));
      await submit(VIEW.statusUpdate, updateValues('Mitigated'));
      await submit(VIEW.phase, phaseValues('mitigation', 'closure'));
      await submit(VIEW.close, closeValues());
      await drain();

      const final = b.store.get(incident.key)!;
      expect(final.closedAt).not.toBeNull();
      const failures = b.fake.calls.filter((c) => c.status === 429 || c.status === 500);
      injected.faults += failures.length;
      expect(failures.length).toBeGreaterThan(5);
      // Nothing stuck, nothing lost, nothing twice, in order per channel.
      const { posts } = checkDeliveredExactlyOnce(b.store.db, b.fake, [room, STAKEHOLDER_CHANNEL]);
      expect(posts).toBeGreaterThan(8);
      // One channel; the summary and the timeline each pinned once at most.
      expect(b.fake.okCallsTo('conversations.create')).toHaveLength(1);
      const pinned = b.fake.okCallsTo('pins.add').map((c) => String(c.args.timestamp));
      expect(pinned.length).toBeLessThanOrEqual(2);
      expect(new Set(pinned).size).toBe(pinned.length);
      // stakeholders: announcement, alert, two updates, closure notice, in that order
      const stake = b.fake.messagesIn(STAKEHOLDER_CHANNEL).map((m) => m.text ?? '');
      expect(stake).toHaveLength(5);
      expect(stake[2]).toMatch(/update/i);
      // The decision log is complete: every command once, and one message_sent per delivered post.
      const log = b.store.logEntries(incident.key);
      const kinds = (k: string) => log.filter((e) => e.kind === k).length;
      expect(kinds('declared')).toBe(1);
      expect(kinds('room')).toBe(1);
      expect(kinds('communication')).toBe(4);
      expect(kinds('checklist')).toBe(2);
      expect(kinds('closed')).toBe(1);
      expect(kinds('phase')).toBe(4);
      const postRows = outboxRows(b.store.db).filter((r) => JSON.parse(r.body).kind === 'post');
      const sentLogs = log
        .filter((e) => e.kind === 'message_sent')
        .map((e) => JSON.parse(e.payload).outboxKey);
      expect(new Set(sentLogs).size).toBe(sentLogs.length);
      expect(sentLogs.sort()).toEqual(
        postRows
          .filter((r) => r.incident_key === incident.key)
          .map((r) => r.key)
          .sort(),
      );
      checkChains(b.store.db);
      expect(b.errors.filter((e) => e.msg === 'slack listener error')).toEqual([]);
    });
  }
});

describe('pacing per channel', () => {
  it('with OUTBOX_PACE_MS=250 posts to one channel are at least 250 ms apart', async () => {
    real = await startRealBot({ OUTBOX_PACE_MS: '250' });
    const r = real;
    const decl = await r.sim.viewSubmission({
      callbackId: VIEW.declare,
      userId: IC,
      values: declareValues({ title: 'Paced incident' }),
      privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
      viewId: freshViewId(),
    });
    expect(decl.status).toBe(200);
    const incident = await waitFor(
      () => r.bot.store.listOpen()[0]?.room && r.bot.store.listOpen()[0],
      'room',
      5000,
    );
    const meta = JSON.stringify({ k: incident.key, c: incident.room!.id });
    // A burst: three updates and two decisions at once.
    await Promise.all(
      [1, 2, 3].map((n) =>
        r.sim.viewSubmission({
          callbackId: VIEW.statusUpdate,
          userId: IC,
          values: updateValues(`burst ${n}`),
          privateMetadata: meta,
          viewId: freshViewId(),
        }),
      ),
    );
    await waitFor(() => r.bot.outbox.pending().length === 0, 'outbox drained', 15_000);
    const byChannel = new Map<string, number[]>();
    for (const c of r.fake.calls.filter(
      (c) => c.ok && ['chat.postMessage', 'chat.update'].includes(c.method),
    )) {
      const ch = String(c.args.channel);
      byChannel.set(ch, [...(byChannel.get(ch) ?? []), c.at]);
    }
    const room = byChannel.get(incident.room!.id) ?? [];
    expect(room.length).toBeGreaterThanOrEqual(4); // checklist, summary, three updates (superseded summary rows coalesce)
    for (const [ch, times] of byChannel) {
      for (let k = 1; k < times.length; k++) {
        expect(times[k]! - times[k - 1]!, `gap in ${ch} before call ${k}`).toBeGreaterThanOrEqual(245);
      }
    }
    expect(r.fake.messagesIn('C0STAKE')).toHaveLength(4);
  }, 20_000);
});

describe('the incident channel cannot be created', () => {
  for (const [name, spec] of [
    ['name_taken beyond the suffix limit', { error: 'name_taken', times: 40 }],
    ['restricted_action', { error: 'restricted_action', times: 1 }],
  ] as const) {
    it(`${name}: the incident exists and is logged, the declaring channel is told and becomes the room`, async () => {
      bot = await bootSlackBot();
      const b = bot;
      b.fake.failNext('conversations.create', spec);
      const incident = await submitDeclare(b, { channel: 'C0GENERAL' });
      expect(await b.dispatcher.drain(5000)).toBe(true);
      const i = b.store.get(incident.key)!;
      expect(i.room).toMatchObject({ id: 'C0GENERAL', fallback: true });
      const attempts = b.fake.callsTo('conversations.create').length;
      expect(attempts).toBe(spec.error === 'name_taken' ? 20 : 1);
      expect(b.fake.okCallsTo('conversations.create')).toHaveLength(0);
      const roomLog = b.store.logEntries(i.key).find((e) => e.kind === 'room');
      expect(JSON.parse(roomLog!.payload)).toMatchObject({
        failed: true,
        reason: spec.error,
        fallbackRoomId: 'C0GENERAL',
      });
      const told = b.fake
        .messagesIn('C0GENERAL')
        .find((m) => /could not create a channel/.test(JSON.stringify(m.blocks)));
      expect(told, 'the declaring channel is told').toBeTruthy();
      expect(JSON.stringify(told!.blocks)).toContain(spec.error);
      // The fallback room works: status, log and role commands there reach this incident.
      const status = await b.sim.slash('status', { userId: IC, channelId: 'C0GENERAL' });
      expect(status.body.text).toContain(i.key);
      const note = await b.sim.slash('log Working from #general', { userId: BOB, channelId: 'C0GENERAL' });
      expect(note.body.text).toContain('Added to the incident log');
      const upd = await b.sim.viewSubmission({
        callbackId: VIEW.statusUpdate,
        userId: IC,
        values: updateValues(),
        privateMetadata: JSON.stringify({ k: i.key, c: 'C0GENERAL' }),
        viewId: freshViewId(),
      });
      expect(upd.body).toBe('');
      expect(await b.dispatcher.drain(5000)).toBe(true);
      expect(b.store.logEntries(i.key).some((e) => e.kind === 'note')).toBe(true);
      checkDeliveredExactlyOnce(b.store.db, b.fake, ['C0GENERAL', STAKEHOLDER_CHANNEL]);
      checkChains(b.store.db);
      expect(b.errors).toEqual([]);
    });
  }

  it('name_taken once: the channel is created with the -2 suffix, becomes the room, and is the only one', async () => {
    bot = await bootSlackBot();
    const b = bot;
    b.fake.failNext('conversations.create', { error: 'name_taken', times: 1 });
    const incident = await submitDeclare(b, { title: 'Ingest pipeline hard down', channel: 'C0GENERAL' });
    expect(await b.dispatcher.drain(5000)).toBe(true);
    const attempts = b.fake.callsTo('conversations.create');
    expect(attempts.map((c) => [c.ok, c.error ?? null])).toEqual([
      [false, 'name_taken'],
      [true, null],
    ]);
    const base = String(attempts[0]!.args.name);
    expect(base).toMatch(/^inc-\d{4}-\d{2}-\d{2}-ingest-pipeline-hard-down$/);
    const name = `${base}-2`;
    expect(attempts[1]!.args.name).toBe(name);
    const [created] = b.fake.okCallsTo('conversations.create');
    expect(b.fake.okCallsTo('conversations.create')).toHaveLength(1);
    const channel = b.fake.channelByName(name);
    expect(channel, `channel ${name}`).toBeTruthy();
    expect(b.fake.channelByName(base)).toBeUndefined();
    expect([...b.fake.channels.values()].filter((c) => c.name.startsWith('inc-'))).toHaveLength(1);
    expect(created!.args.name).toBe(name);

    const i = b.store.get(incident.key)!;
    expect(i.room).toMatchObject({ id: channel!.id });
    expect(i.room!.fallback).toBeFalsy();
    const roomLog = b.store.logEntries(i.key).filter((e) => e.kind === 'room');
    expect(roomLog).toHaveLength(1);
    expect(JSON.stringify(JSON.parse(roomLog[0]!.payload))).toContain(name);
    expect(JSON.parse(roomLog[0]!.payload).failed).toBeFalsy();
    // the incident's messages went to that channel, not the declaring one
    expect(b.fake.messagesIn(channel!.id).length).toBeGreaterThan(0);
    checkDeliveredExactlyOnce(b.store.db, b.fake, [channel!.id, STAKEHOLDER_CHANNEL]);
    checkChains(b.store.db);
    expect(b.errors).toEqual([]);
  });

  it('the channel was created but the answer was lost (or the bot died before storing it): adopted, not duplicated', async () => {
    bot = await bootSlackBot();
    const b = bot;
    b.fake.setHandler('conversations.list', () => ({
      channels: [...b.fake.channels.values()].map((c) => ({
        id: c.id,
        name: c.name,
        is_archived: c.is_archived,
      })),
      response_metadata: { next_cursor: '' },
    }));
    let created = '';
    b.fake.setHandler('conversations.create', (args) => {
      b.fake.setHandler('conversations.create', null);
      created = b.fake.addChannel({ name: String(args.name) }).id;
      throw new Error('connection reset after the channel was created');
    });
    const incident = await submitDeclare(b);
    expect(await b.dispatcher.drain(5000)).toBe(true);
    const i = b.store.get(incident.key)!;
    expect(created).toBeTruthy();
    expect(i.room).toMatchObject({ id: created });
    expect([...b.fake.channels.values()].filter((c) => c.name.startsWith('inc-'))).toHaveLength(1);
    checkDeliveredExactlyOnce(b.store.db, b.fake, [created, STAKEHOLDER_CHANNEL]);
  });

  it('no declaring channel known (declared from a global shortcut): the declarer still hears about it', async () => {
    bot = await bootSlackBot();
    const b = bot;
    b.fake.failNext('conversations.create', { error: 'restricted_action' });
    const incident = await submitDeclare(b, { channel: '' });
    await b.dispatcher.drain(3000);
    const i = b.store.get(incident.key)!;
    expect(b.store.logEntries(i.key).find((e) => e.kind === 'room')).toBeTruthy();
    const dm = b.fake.messagesIn(`D${IC.slice(1)}`).map((m) => JSON.stringify([m.text, m.blocks]));
    expect(
      dm.some((t) => /could not create a channel/.test(t)),
      'a DM to the declarer',
    ).toBe(true);
  });
});

afterAll(() => {
  if (process.env.FAULTS_VERBOSE) console.log('FAULTS slack-failures', JSON.stringify(injected));
});
