// The Slack sender end to end: IncidentService + real temp-file SQLite store + Dispatcher + a real
// WebClient talking to the fake Slack Web API on loopback. The WebClient never retries by itself
// (retries: 0, rejectRateLimitedCalls: true): the dispatcher owns retries.
import { webApi } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../../src/app/dispatcher.js';
import type { Incident } from '../../../src/domain/incident.js';
import { incidentChannelName, withSuffix } from '../../../src/platforms/slack/channel-name.js';
import { REF } from '../../../src/platforms/slack/room-creator.js';
import { classifySlackError } from '../../../src/platforms/slack/slack-errors.js';
import { SlackSender } from '../../../src/platforms/slack/slack-sender.js';
import { atomically } from '../../../src/storage/sqlite/open-database.js';
import { openStack, type Stack } from '../../helpers/store.js';
import { checkAllRecorded } from '../../support/blockkit-limits.js';
import { type FakeSlack, startFakeSlackApi } from '../../support/fake-slack-api.js';
import { incidentApp } from '../../support/incident-app.js';
import { cleanupTempDbs, tempDbPath } from '../../support/temp-db.js';

const IC = { platform: 'slack' as const, id: 'U0IC' };
const ALICE = { platform: 'slack' as const, id: 'U0ALICE' };
const DECLARED_IN = 'C0DECLARE';
const STAKEHOLDERS = 'C0STAKE';

let fake: FakeSlack;
let stack: Stack;
let client: webApi.WebClient;
let dispatcher: Dispatcher;
let n = 0;

beforeAll(async () => {
  fake = await startFakeSlackApi({
    channels: [
      { id: DECLARED_IN, name: 'ops', members: ['U0IC'] },
      { id: STAKEHOLDERS, name: 'incidents', members: [] },
    ],
  });
});
afterAll(async () => {
  await fake.close();
  cleanupTempDbs();
});

beforeEach(() => {
  fake.reset();
  fake.addChannel({ id: DECLARED_IN, name: 'ops', members: ['U0BOT', 'U0IC'] });
  fake.addChannel({ id: STAKEHOLDERS, name: 'incidents', members: ['U0BOT'] });
  stack = openStack(tempDbPath());
  client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: webApi.LogLevel.ERROR,
  });
  const late = { kick: () => dispatcher.kick() };
  const sender = new SlackSender({
    client,
    refs: stack.outbox,
    app: incidentApp({ db: stack.db, service: stack.service, outbox: stack.outbox, dispatcher: late }),
    stakeholderChannel: STAKEHOLDERS,
  });
  dispatcher = new Dispatcher({
    outbox: stack.outbox,
    atomically: atomically(stack.outbox.db),
    incidents: stack.store,
    senders: { slack: sender },
    baseDelayMs: 1,
    maxDelayMs: 5,
  });
});
afterEach(() => {
  dispatcher.stop();
  stack.close();
});

function declare(title = 'Ingest pipeline hard down', drill = false): Incident {
  const r = stack.service.handle({
    key: `test:declare:${n++}`,
    incidentKey: null,
    command: {
      type: 'declare',
      key: '',
      title,
      triggerClass: 'service_outage',
      impact: 'No data',
      severeImpact: false,
      drill,
      declaredIn: DECLARED_IN,
    },
    actor: IC,
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.incident;
}

function run(
  key: string,
  command: Parameters<Stack['service']['handle']>[0]['command'],
  actor = IC,
): Incident {
  const r = stack.service.handle({ key: `test:${n++}`, incidentKey: key, command, actor });
  if (!r.ok) throw new Error(`${command.type}: ${r.error.message}`);
  return r.incident;
}

async function drain(): Promise<void> {
  expect(await dispatcher.drain(5000)).toBe(true);
}

const failedRows = () =>
  stack.db.prepare('SELECT key, last_error FROM outbox WHERE failed_at IS NOT NULL').all() as {
    key: string;
    last_error: string;
  }[];

describe('SlackSender', () => {
  it('declare -> channel created, people invited, summary posted and pinned, checklist and announcement out', async () => {
    const i = declare();
    await drain();
    const expected = incidentChannelName(i, new Date(i.declaredAt));
    const created = fake.okCallsTo('conversations.create');
    expect(created).toHaveLength(1);
    expect(created[0]!.args.name).toBe(expected);
    const room = fake.channelByName(expected)!;
    expect(room.members.has('U0IC')).toBe(true);

    const after = stack.service.get(i.key)!;
    expect(after.room).toMatchObject({ platform: 'slack', id: room.id, name: expected });
    expect(stack.outbox.getMessageRef(i.key, 'slack', REF.room)).toEqual({ channel: room.id, ref: expected });

    const inRoom = fake.messagesIn(room.id);
    expect(inRoom).toHaveLength(3); // summary + checklist + timeline
    const summaryRef = stack.outbox.getMessageRef(i.key, 'slack', 'summary')!;
    const timelineRef = stack.outbox.getMessageRef(i.key, 'slack', 'timeline')!;
    expect(fake.pins).toEqual([
      { channel: room.id, timestamp: summaryRef.ref },
      { channel: room.id, timestamp: timelineRef.ref },
    ]);
    expect(stack.outbox.getMessageRef(i.key, 'slack', 'checklist')).not.toBeNull();

    const announce = fake.messagesIn(STAKEHOLDERS);
    expect(announce).toHaveLength(1);
    expect(announce[0]!.text).toContain(`<#${room.id}>`);
    expect(failedRows()).toEqual([]);
    expect(checkAllRecorded(fake)).toEqual([]);
  });

  it('updates the summary in place on a claim (same ts, never re-posted) and DMs the role brief', async () => {
    const i = declare();
    await drain();
    const room = stack.service.get(i.key)!.room!;
    const summary = stack.outbox.getMessageRef(i.key, 'slack', 'summary')!;
    const posts = fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === room.id).length;

    run(i.key, { type: 'claim_role', role: 'technical_lead' }, ALICE);
    await drain();

    const updates = fake.okCallsTo('chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args.ts).toBe(summary.ref);
    expect(fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === room.id)).toHaveLength(posts);
    expect(JSON.stringify(fake.message(room.id, summary.ref)!.blocks)).toContain('<@U0ALICE>');
    expect(stack.outbox.getMessageRef(i.key, 'slack', 'summary')).toEqual(summary);
    // role brief as a DM (channel = the user id)
    const dm = fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === 'U0ALICE');
    expect(dm).toHaveLength(1);
    expect(dm[0]!.args.text).toContain('Technical lead');
    expect(checkAllRecorded(fake)).toEqual([]);
  });

  it('a drill gets an inc-drill- channel and says DRILL everywhere', async () => {
    const i = declare('Quarterly exercise', true);
    await drain();
    const created = fake.okCallsTo('conversations.create')[0]!;
    expect(created.args.name).toMatch(/^inc-drill-\d{4}-\d{2}-\d{2}-quarterly-exercise$/);
    for (const c of fake.okCallsTo('chat.postMessage')) expect(c.args.text).toContain('DRILL');
    expect(i.drill).toBe(true);
  });

  it('name_taken twice -> -3', async () => {
    const base = incidentChannelName({ title: 'Kafka lag', key: 'X', drill: false }, new Date());
    fake.takenChannelNames.add(base);
    fake.takenChannelNames.add(withSuffix(base, 2));
    const i = declare('Kafka lag');
    expect(incidentChannelName(i, new Date(i.declaredAt))).toBe(base);
    await drain();
    const calls = fake.callsTo('conversations.create');
    expect(calls.map((c) => c.error ?? 'ok')).toEqual(['name_taken', 'name_taken', 'ok']);
    expect(stack.service.get(i.key)!.room!.name).toBe(`${base}-3`);
  });

  it('restricted_action -> falls back to the declaring channel', async () => {
    fake.failNext('conversations.create', { error: 'restricted_action' });
    const i = declare();
    await drain();
    const after = stack.service.get(i.key)!;
    expect(after.room).toMatchObject({ id: DECLARED_IN, fallback: true });
    const msgs = fake.messagesIn(DECLARED_IN);
    expect(msgs.some((m) => (m.text ?? '').includes('using this channel'))).toBe(true);
    expect(stack.outbox.getMessageRef(i.key, 'slack', 'summary')!.channel).toBe(DECLARED_IN);
    expect(fake.okCallsTo('conversations.create')).toHaveLength(0);
    const log = stack.store.logEntries(i.key).filter((e) => e.kind === 'room');
    expect(JSON.parse(log[0]!.payload)).toMatchObject({
      failed: true,
      reason: 'restricted_action',
      fallbackRoomId: DECLARED_IN,
    });
    expect(failedRows()).toEqual([]);
  });

  it('a crash after creating the channel does not create a second one', async () => {
    const i = declare();
    stack.outbox.setMessageRef(i.key, 'slack', REF.room, 'C0EXISTING', 'inc-existing');
    fake.addChannel({ id: 'C0EXISTING', name: 'inc-existing', members: ['U0BOT'] });
    await drain();
    expect(fake.callsTo('conversations.create')).toHaveLength(0);
    expect(stack.service.get(i.key)!.room!.id).toBe('C0EXISTING');
  });

  it('429 then success: retried by the dispatcher after Retry-After', async () => {
    const i = declare();
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 0 });
    await drain();
    const posts = fake.callsTo('chat.postMessage');
    expect(posts[0]!.status).toBe(429);
    expect(posts.filter((c) => c.ok).length).toBeGreaterThanOrEqual(2);
    const room = stack.service.get(i.key)!.room!;
    expect(fake.messagesIn(room.id)).toHaveLength(3);
    expect(failedRows()).toEqual([]);
  });

  it('not_in_channel -> joins once and posts', async () => {
    const i = declare();
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    await drain();
    expect(fake.okCallsTo('conversations.join')).toHaveLength(1);
    expect(fake.messagesIn(stack.service.get(i.key)!.room!.id)).toHaveLength(3);
    expect(failedRows()).toEqual([]);
  });

  it('is_archived is a failure, not a retry', async () => {
    const i = declare();
    await drain();
    const room = stack.service.get(i.key)!.room!;
    fake.channels.get(room.id)!.is_archived = true;
    run(i.key, { type: 'claim_role', role: 'scribe' }, ALICE);
    await drain();
    expect(failedRows().map((r) => r.last_error)).toContain('is_archived');
  });
});

describe('classifySlackError with a real WebClient', () => {
  async function errorOf(spec: Parameters<FakeSlack['failNext']>[1]): Promise<unknown> {
    fake.failNext('chat.postMessage', spec);
    try {
      await client.chat.postMessage({ channel: STAKEHOLDERS, text: 'x' });
    } catch (e) {
      return e;
    }
    throw new Error('expected a failure');
  }

  it('maps rate limits, 5xx and platform errors', async () => {
    expect(classifySlackError(await errorOf({ status: 429, retryAfter: 7 }))).toEqual({
      status: 'retry',
      error: 'ratelimited',
      afterMs: 7000,
    });
    expect(classifySlackError(await errorOf({ status: 500 }))).toMatchObject({ status: 'retry' });
    expect(classifySlackError(await errorOf({ error: 'ratelimited' }))).toMatchObject({ status: 'retry' });
    for (const error of ['channel_not_found', 'is_archived', 'msg_too_long', 'invalid_blocks', 'no_text']) {
      expect(classifySlackError(await errorOf({ error }))).toEqual({ status: 'failed', error });
    }
  });
});
