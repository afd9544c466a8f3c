/**
 * Teams when things go wrong (deliveries retried, requests delivered twice, malformed payloads, a database
 * that fails), each through the real POST /api/messages (Bot Framework auth ON), the real dispatcher and
 * TeamsSender, and the fake Bot Connector:
 * 1. create_room never posts a second incident thread (a ref already stored is adopted; a failure after
 *    the post is retried without posting again);
 * 2. a declare dialog submitted twice declares once (the form's nonce is the key);
 * 3. an old snooze button clicked again does not snooze again;
 * 4. "Add to incident log" on a message with a missing / malformed createdDateTime never throws;
 * 5. a message whose handling failed is handled when it is delivered again, and the answer tells a
 *    database that cannot be written (or is busy) from other failures.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATABASE_BUSY, DATABASE_UNWRITABLE, SOMETHING_WENT_WRONG } from '../../../src/app/answers.js';
import type { HandleRequest } from '../../../src/app/incident-service.js';
import { runReminderPass } from '../../../src/app/reminder-pass.js';
import { reminderStoreOf } from '../../../src/storage/sqlite/reminder-store.js';
import {
  type BootedTeamsBot,
  bootTeamsBot,
  INCIDENTS_CHANNEL,
  STAKEHOLDER_CHANNEL,
} from '../../support/boot-teams-bot.js';
import {
  ALICE,
  addToLogAction,
  BOB,
  CAROL,
  cardOf,
  cardTexts,
  executeClick,
  findAction,
  GENERAL_CHANNEL,
  type Json,
  mentionMessage,
  type Person,
  taskFetch,
  taskSubmit,
} from './activities.js';
import { guardLoopback } from './loopback-guard.js';

/** message_refs name of the incident's thread (teams-sender ROOM_REF). */
const ROOM_REF = 'room';

let bot: BootedTeamsBot;
let guard: ReturnType<typeof guardLoopback>;

beforeAll(async () => {
  guard = guardLoopback();
  bot = await bootTeamsBot({ declareLimit: 100 }); // one person declares every incident of this suite
});

afterAll(async () => {
  await bot?.close();
  guard?.restore();
  expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
});

afterEach(() => {
  vi.restoreAllMocks();
});

const where = (from: Person, conversationId: string, replyToId?: string) => ({
  serviceUrl: bot.connector.serviceUrl,
  from,
  conversationId,
  ...(replyToId ? { replyToId } : {}),
});

async function post(activity: Json): Promise<Json> {
  const res = await bot.sendActivity(activity);
  expect(res.status).toBe(200);
  return res.body;
}

const declareFields = (title: string) => ({
  title,
  triggerClass: 'service_outage',
  impact: 'No market data',
  severeImpact: 'false',
  drill: 'false',
});

let thread = 1760000300000;
const newThread = () => `${GENERAL_CHANNEL};messageid=${++thread}`;

/** Opens the declare dialog; returns its submit button's data. */
async function openDeclareDialog(from: Person, conversationId: string): Promise<Json> {
  const fetched = await post(
    taskFetch({ data: { msteams: { type: 'task/fetch' }, dialog: 'declare' } }, where(from, conversationId)),
  );
  expect(fetched.task.type).toBe('continue');
  return findAction(fetched.task.value.card.content, (a) => a.type === 'Action.Submit').data;
}

const incidentsTitled = (title: string) => bot.store.listOpen().filter((i) => i.title === title);

/** Declares through the dialog and waits for the room; returns the incident key and room. */
async function declare(title: string): Promise<{ key: string; room: string }> {
  const w = newThread();
  const submit = await openDeclareDialog(ALICE, w);
  const ok = await post(taskSubmit({ ...submit, ...declareFields(title) }, where(ALICE, w)));
  expect(ok.task.type).toBe('message');
  await bot.settle();
  const [i] = incidentsTitled(title);
  expect(i?.room?.id).toBeTruthy();
  return { key: i!.key, room: i!.room!.id };
}

/**
 * Makes `service.handle` throw once for the first request matching `when`; `code` is the SQLite error
 * code better-sqlite3 puts on its errors (none: an error the bot cannot classify).
 */
function failOnce(
  when: (req: HandleRequest) => boolean,
  message = 'SQLITE_BUSY: database is locked',
  code?: string,
) {
  const original = bot.service.handle.bind(bot.service);
  let failed = false;
  return vi.spyOn(bot.service, 'handle').mockImplementation((req) => {
    if (!failed && when(req)) {
      failed = true;
      throw Object.assign(new Error(message), code ? { code } : {});
    }
    return original(req);
  });
}

describe('1. create_room posts the incident thread once', () => {
  it('a failure after the thread was posted (room_created not stored) is retried without a second thread', async () => {
    const before = bot.connector.conversations.length;
    const spy = failOnce((req) => req.command.type === 'room_created');
    const { key, room } = await declare('Thread once: room_created fails once');
    // room_created was attempted twice (the first threw), the thread posted once
    expect(spy.mock.calls.filter(([r]) => r.command.type === 'room_created')).toHaveLength(2);
    const created = bot.connector.conversations.slice(before);
    expect(created).toHaveLength(1);
    expect(room).toBe(created[0]!.id);
    expect(bot.outbox.getMessageRef(key, 'teams', ROOM_REF)).toEqual({
      channel: created[0]!.id,
      ref: created[0]!.activityId,
    });
    // the live summary is the thread's root, updated in place
    expect(bot.outbox.getMessageRef(key, 'teams', 'summary')?.ref).toBe(created[0]!.activityId);
  });

  it('a failure storing the thread reference right after the post does not post a second thread', async () => {
    const before = bot.connector.conversations.length;
    const original = bot.outbox.setMessageRef.bind(bot.outbox);
    let failed = false;
    vi.spyOn(bot.outbox, 'setMessageRef').mockImplementation((incidentKey, platform, name, channel, ref) => {
      // the first reference stored for the new thread (the fake connector's thread ids are not in the
      // incidents channel's id space, so match on the name)
      if (!failed && platform === 'teams' && (name === ROOM_REF || name === 'summary')) {
        failed = true;
        throw new Error('SQLITE_FULL: database or disk is full');
      }
      return original(incidentKey, platform, name, channel, ref);
    });
    const { room } = await declare('Thread once: ref not stored');
    expect(failed).toBe(true);
    const created = bot.connector.conversations.slice(before);
    expect(created).toHaveLength(1);
    expect(room).toBe(created[0]!.id);
  });

  it('a thread already recorded for the incident (an earlier attempt) is adopted, not posted again', async () => {
    bot.dispatcher.stop(); // the create_room row waits
    const before = bot.connector.conversations.length;
    const title = 'Thread once: adopted';
    const w = newThread();
    const submit = await openDeclareDialog(ALICE, w);
    await post(taskSubmit({ ...submit, ...declareFields(title) }, where(ALICE, w)));
    const key = incidentsTitled(title)[0]!.key;
    expect(bot.store.get(key)?.room).toBeNull();
    // what an attempt that posted the thread and then died stored
    const earlier = `${INCIDENTS_CHANNEL};messageid=1760000399999`;
    bot.outbox.setMessageRef(key, 'teams', ROOM_REF, earlier, '1760000399999');
    bot.dispatcher.start(25);
    await bot.settle();
    expect(bot.connector.conversations.length).toBe(before);
    expect(bot.store.get(key)?.room).toMatchObject({ platform: 'teams', id: earlier });
    // the summary is refreshed in place on the adopted root
    expect(
      bot.connector.activities.some(
        (x) => x.op === 'update' && x.conversationId === earlier && x.activityId === '1760000399999',
      ),
    ).toBe(true);
  });
});

describe('2. the declare dialog submitted twice declares once', () => {
  it('the submit data carries the rendering nonce; the second submit answers with the existing incident', async () => {
    const w = newThread();
    const submit = await openDeclareDialog(ALICE, w);
    expect(submit.nonce).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    const title = 'Double submitted dialog';
    // an invalid submit re-shows the form with the same nonce (nothing was declared)
    const bad = await post(taskSubmit({ ...submit, ...declareFields(title), impact: '' }, where(ALICE, w)));
    expect(bad.task.type).toBe('continue');
    const again = findAction(bad.task.value.card.content, (a) => a.type === 'Action.Submit').data;
    expect(again.nonce).toBe(submit.nonce);

    const first = taskSubmit({ ...again, ...declareFields(title) }, where(ALICE, w));
    const second = taskSubmit({ ...again, ...declareFields(title) }, where(ALICE, w));
    expect(second.id).not.toBe(first.id); // each task/submit is a new activity
    const r1 = await post(first);
    const r2 = await post(second);
    expect(incidentsTitled(title)).toHaveLength(1);
    const key = incidentsTitled(title)[0]!.key;
    expect(r1.task).toEqual({
      type: 'message',
      value: expect.stringMatching(new RegExp(`^${key} declared: `)),
    });
    expect(r2.task).toEqual({
      type: 'message',
      value: `${key} was already declared from this form: ${title}.`,
    });
    await bot.settle();

    // a new rendering of the dialog is a new declaration
    const other = await openDeclareDialog(ALICE, w);
    expect(other.nonce).not.toBe(submit.nonce);
  });
});

describe('in an incident room', () => {
  let key = '';
  let room = '';
  const incident = () => bot.store.get(key)!;

  beforeAll(async () => {
    ({ key, room } = await declare('Findings 3-5 incident'));
  });

  it('3. an old snooze button clicked again (by anyone, either duration) does not snooze again', async () => {
    const before = bot.connector.activities.length;
    const r = runReminderPass({
      reminders: reminderStoreOf(bot.store),
      service: bot.service,
      now: new Date(Date.now() + 11 * 60_000),
    });
    // the pass ran "11 minutes from now": make its rows deliverable at the real now
    bot.db
      .prepare("UPDATE outbox SET next_attempt_at = ? WHERE key LIKE 'reminder:%'")
      .run(new Date().toISOString());
    bot.dispatcher.kick();
    await bot.settle();
    const nudge = bot.connector.activities
      .slice(before)
      .find(
        (x) =>
          x.op === 'send' &&
          x.conversationId === room &&
          cardTexts(cardOf(x.body)).includes(key) &&
          JSON.stringify(cardOf(x.body)).includes('Snooze 15 min'),
      )!;
    expect(nudge).toBeDefined();
    const card = cardOf(nudge.body);
    const snooze15 = findAction(card, (a) => a.title === 'Snooze 15 min');
    const snooze30 = findAction(card, (a) => a.title === 'Snooze 30 min');
    const reminder = r.reminders.find(
      (x) => x.incidentKey === key && x.data.snoozeKind === snooze15.data.snoozeKind,
    )!;
    expect(snooze15.data.due).toBe(reminder.dueAt);
    expect(snooze30.data.due).toBe(reminder.dueAt);
    const kind = snooze15.data.snoozeKind as string;
    const snoozes = () => bot.store.logEntries(key).filter((e) => e.kind === 'snooze');

    const first = await post(executeClick(snooze15, {}, where(CAROL, room, nudge.responseId)));
    expect(cardTexts(first.value)).toMatch(/reminders snoozed for 15 minutes, until .* by Carol Example/);
    const until = incident().snoozes[kind];
    expect(until).toBeTruthy();
    expect(snoozes()).toHaveLength(1);

    // someone else clicks the other duration on the same (old) reminder
    const bob = await post(executeClick(snooze30, {}, where(BOB, room, nudge.responseId)));
    expect(cardTexts(bob.value)).toMatch(/this reminder was already snoozed, until .*Nothing changed/);
    // and the first button again, as a new invoke
    const again = await post(executeClick(snooze15, {}, where(CAROL, room, nudge.responseId)));
    expect(cardTexts(again.value)).toMatch(/already snoozed/);
    expect(snoozes()).toHaveLength(1);
    expect(incident().snoozes[kind]).toBe(until);

    // Once the snooze has run out, the reminder that follows (due at 14 min into the snooze, i.e. before the
    // snooze's end) can be snoozed again: its button is not "already snoozed".
    const later = new Date(Date.parse(until!) + 60_000);
    const realNow = bot.service.now.bind(bot.service);
    bot.service.now = () => later;
    try {
      const nextDue = new Date(Date.parse(until!) - 60_000).toISOString();
      const next = { ...snooze15, data: { ...snooze15.data, due: nextDue } };
      const res = await post(executeClick(next, {}, where(CAROL, room, nudge.responseId)));
      expect(cardTexts(res.value)).toMatch(/reminders snoozed for 15 minutes/);
      expect(snoozes()).toHaveLength(2);
    } finally {
      bot.service.now = realNow;
    }
  });

  it('4. "Add to incident log" with a malformed or missing createdDateTime logs it, write time unknown', async () => {
    const channel = room.split(';')[0]!;
    const notes = () =>
      bot.store
        .logEntries(key)
        .filter((e) => e.kind === 'note')
        .map((e) => ({ at: e.at, ...JSON.parse(e.payload) }));

    const malformed = addToLogAction(
      {
        id: '1760000311111',
        html: '<p>Broker 5 restarted</p>',
        author: BOB,
        createdDateTime: 'yesterday',
        channel,
      },
      where(BOB, room),
    );
    const res = await bot.sendActivity(malformed);
    expect(res.status).toBe(200);
    expect(res.body.task).toEqual({ type: 'message', value: `${key}: 📝 Added to the incident log.` });
    // the write time is unknown: recorded as such (no made-up time), the entry dated when it was logged
    const broker5 = notes().find((n) => n.text === 'Broker 5 restarted');
    expect(broker5?.source?.writtenAt ?? broker5?.writtenAt ?? null).toBeNull();

    const missing = addToLogAction(
      { id: '1760000322222', html: '<p>Broker 6 restarted</p>', author: BOB, createdDateTime: '', channel },
      where(BOB, room),
    );
    delete missing.value.messagePayload.createdDateTime;
    expect((await post(missing)).task.type).toBe('message');
    expect(notes().find((n) => n.text === 'Broker 6 restarted')?.writtenAt ?? null).toBeNull();

    // nothing usable at all: the time of recording
    const neither = addToLogAction(
      {
        id: '1760000333333',
        html: '<p>Broker 7 restarted</p>',
        author: BOB,
        createdDateTime: '2026-13-45T99:00',
        channel,
      },
      where(BOB, room),
    );
    neither.value.messagePayload.createdDateTime = { not: 'a date' };
    neither.timestamp = 'garbage';
    expect((await post(neither)).task.type).toBe('message');
    const at = notes().find((n) => n.text === 'Broker 7 restarted')?.at;
    expect(at).toBe(new Date(Date.parse(at!)).toISOString());
  });

  it('5a. a command that could not be stored is processed when the same message is delivered again', async () => {
    const text = 'failover of broker 8 started';
    failOnce((req) => req.command.type === 'log' && req.command.text === text);
    const logged = () =>
      bot.store.logEntries(key).filter((e) => e.kind === 'note' && JSON.parse(e.payload).text === text);
    const msg = mentionMessage(`incident log ${text}`, where(CAROL, room));
    await bot.settle(); // the timeline refreshed by earlier notes is out: the next activity is the answer
    const before = bot.connector.activities.length;
    await post(msg);
    const [answer] = (await bot.connector.waitForActivities(before + 1)).slice(before);
    expect(answer?.body.text).toBe(SOMETHING_WENT_WRONG);
    expect(logged()).toHaveLength(0);

    await post(msg); // redelivered: same activity id
    expect(logged()).toHaveLength(1);
    await post(msg); // and once more: handled already
    expect(logged()).toHaveLength(1);
  });

  it('5c. a command the database could not store is answered by the SQLite code: cannot be written, busy', async () => {
    const ask = async (text: string): Promise<string> => {
      await bot.settle(); // no timeline refresh of an earlier note in between
      const before = bot.connector.activities.length;
      await post(mentionMessage(`incident log ${text}`, where(CAROL, room)));
      const [answer] = (await bot.connector.waitForActivities(before + 1)).slice(before);
      return String(answer?.body.text ?? '');
    };
    const logged = (text: string) =>
      bot.store.logEntries(key).filter((e) => e.kind === 'note' && JSON.parse(e.payload).text === text);

    const full = 'broker 10 logs rotated';
    failOnce(
      (req) => req.command.type === 'log' && req.command.text === full,
      'SQLITE_FULL: database or disk is full',
      'SQLITE_FULL',
    );
    const unwritable = await ask(full);
    expect(unwritable).toBe(DATABASE_UNWRITABLE);
    expect(unwritable).toMatch(/database cannot be written/);
    expect(unwritable).not.toBe(SOMETHING_WENT_WRONG);
    expect(logged(full)).toHaveLength(0);
    vi.restoreAllMocks();

    const busy = 'broker 11 logs rotated';
    failOnce(
      (req) => req.command.type === 'log' && req.command.text === busy,
      'SQLITE_BUSY: database is locked',
      'SQLITE_BUSY',
    );
    expect(await ask(busy)).toBe(DATABASE_BUSY);
    expect(logged(busy)).toHaveLength(0);
  });

  it('5b. a message whose handling threw is processed when it is delivered again', async () => {
    const text = 'broker 9 disk cleaned';
    const original = bot.store.findByRoom.bind(bot.store);
    let thrown = false;
    vi.spyOn(bot.store, 'findByRoom').mockImplementation((platform, roomId) => {
      if (!thrown) {
        thrown = true;
        throw new Error('SQLITE_IOERR: disk I/O error');
      }
      return original(platform, roomId);
    });
    const logged = () =>
      bot.store.logEntries(key).filter((e) => e.kind === 'note' && JSON.parse(e.payload).text === text);
    const msg = mentionMessage(`incident log ${text}`, where(CAROL, room));
    const failed = await bot.sendActivity(msg);
    expect(thrown).toBe(true);
    expect(failed.status).toBe(500);
    expect(logged()).toHaveLength(0);

    await post(msg); // the Bot Connector delivers it again
    expect(logged()).toHaveLength(1);
    await post(msg);
    expect(logged()).toHaveLength(1);
  });
});

describe('stand down (false alarm) on Teams', () => {
  it('`@bot incident standdown <reason>`: the IC only; room and stakeholders get the all-clear', async () => {
    const { key, room } = await declare('False alarm: feed maintenance');
    const before = bot.connector.activities.length;
    await post(mentionMessage('incident standdown planned feed maintenance', where(BOB, room)));
    await post(mentionMessage('incident standdown planned feed maintenance', where(ALICE, room)));
    await bot.settle();
    const i = bot.store.get(key)!;
    expect(i).toMatchObject({ phase: 'done', standDown: { reason: 'planned feed maintenance' } });
    const sent = bot.connector.activities.slice(before).filter((x) => x.op === 'send');
    const texts = sent.map((x) => `${x.conversationId} ${x.body.text ?? ''}`);
    expect(texts.some((t) => t.includes('Only the incident commander can stand the incident down.'))).toBe(
      true,
    );
    expect(texts.some((t) => t.includes('Stood down as a false alarm'))).toBe(true);
    const allClear = sent.filter((x) => String(x.body.text ?? '').includes('stood down: false alarm'));
    expect(new Set(allClear.map((x) => (x.conversationId ?? '').split(';')[0]))).toEqual(
      new Set([room.split(';')[0], STAKEHOLDER_CHANNEL]),
    );
  });
});
