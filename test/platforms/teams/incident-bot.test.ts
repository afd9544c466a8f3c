import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyError } from '../../../src/platforms/teams/teams-sender.js';
import { checkAdaptiveCard } from '../../support/blockkit-limits.js';
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
  inputIds,
  type Json,
  mentionMessage,
  taskFetch,
  taskSubmit,
} from './activities.js';
import { guardLoopback } from './loopback-guard.js';

let bot: BootedTeamsBot;
let guard: ReturnType<typeof guardLoopback>;
/** Every card the bot produced (posted, updated, or answered in an invoke). */
const cards: Json[] = [];

const collectSent = () => {
  for (const a of bot.connector.activities) for (const att of a.body?.attachments ?? []) cards.push(att);
  for (const c of bot.connector.conversations)
    for (const att of c.params?.activity?.attachments ?? []) cards.push(att);
};

beforeAll(async () => {
  guard = guardLoopback();
  bot = await bootTeamsBot();
});

afterAll(async () => {
  collectSent();
  await bot?.close();
  guard?.restore();
  expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
  // every card passes the Adaptive Card limits
  expect(cards.length).toBeGreaterThan(5);
  for (const c of cards) expect(checkAdaptiveCard(c)).toEqual([]);
});

const where = (extra: Record<string, unknown> = {}) => ({ serviceUrl: bot.connector.serviceUrl, ...extra });

async function post(activity: Json) {
  const res = await bot.sendActivity(activity);
  expect(res.status).toBe(200);
  if (res.body?.type === 'application/vnd.microsoft.card.adaptive') cards.push(res.body.value);
  if (res.body?.task?.value?.card) cards.push(res.body.task.value.card);
  return res.body;
}

const validDeclare = {
  title: 'Ingest pipeline hard down',
  triggerClass: 'service_outage',
  impact: 'No market data for any desk',
  severeImpact: 'false',
  drill: 'false',
};

let declaredKey = '';
let room = '';
const declaringThread = `${GENERAL_CHANNEL};messageid=1760000099999`;

describe('Teams incident bot through POST /api/messages', () => {
  it('refuses an unauthenticated request by default', async () => {
    const res = await bot.sendActivity(mentionMessage('incident help', where()), { auth: 'none' });
    expect(res.status).toBe(401);
    expect(bot.connector.activities).toHaveLength(0);
  });

  it('`@bot incident help` answers in the thread with the verbs', async () => {
    const a = mentionMessage('incident help', where());
    await post(a);
    const [sent] = await bot.connector.waitForActivities(1);
    expect(sent?.conversationId).toBe(a.conversation.id);
    const text = cardTexts(cardOf(sent?.body));
    for (const verb of [
      'declare',
      'list',
      'status',
      'alert',
      'update',
      'role',
      'phase',
      'close',
      'log',
      'decision',
    ]) {
      expect(text).toContain(`incident ${verb}`);
    }
    expect(text).toContain('Add to incident log');
  });

  it('`@bot incident declare` sends the form; invalid input is shown in the form; valid declares', async () => {
    const before = bot.connector.activities.length;
    await post(mentionMessage('incident declare Ingest down', where({ conversationId: declaringThread })));
    const [formMsg] = (await bot.connector.waitForActivities(before + 1)).slice(before);
    const form = cardOf(formMsg?.body);
    expect(inputIds(form)).toEqual([
      'title',
      'triggerClass',
      'impact',
      'severeImpact',
      'drill',
      'visibility',
      'commander',
    ]);
    const choices = form.body.find((e: Json) => e.id === 'triggerClass').choices.map((c: Json) => c.value);
    expect(choices).toEqual(bot.playbook.triggers.map((t) => t.id));
    expect(form.body.find((e: Json) => e.id === 'title').value).toBe('Ingest down');
    const submit = findAction(form, (x) => x.type === 'Action.Execute' && x.data.form === 'declare');

    const bad = await post(
      executeClick(
        submit,
        { title: '  ', triggerClass: 'nope', impact: '' },
        where({ conversationId: declaringThread, replyToId: formMsg?.responseId }),
      ),
    );
    expect(bad.type).toBe('application/vnd.microsoft.card.adaptive');
    const errors = bad.value.body.filter((e: Json) => e.color === 'Attention').map((e: Json) => e.text);
    expect(errors).toEqual(['Title is required', 'Choose one of the trigger classes', 'Impact is required']);
    expect(bot.store.listOpen()).toHaveLength(0);

    const ok = await post(
      executeClick(
        submit,
        validDeclare,
        where({ conversationId: declaringThread, replyToId: formMsg?.responseId }),
      ),
    );
    expect(cardTexts(ok.value)).toMatch(/INC-\d{4}-0001 declared: Ingest pipeline hard down/);
    const [incident] = bot.store.listOpen();
    expect(incident).toMatchObject({
      title: 'Ingest pipeline hard down',
      triggerClass: 'service_outage',
      platform: 'teams',
    });
    expect(incident?.roles.commander).toEqual([ALICE.aadObjectId]);
    declaredKey = incident!.key;

    await bot.settle();
    // a new thread in the incidents channel, its root the summary card
    expect(bot.connector.conversations).toHaveLength(1);
    const conv = bot.connector.conversations[0]!;
    expect(conv.params.channelData.channel.id).toBe(INCIDENTS_CHANNEL);
    expect(conv.params.isGroup).toBe(true);
    expect(cardTexts(cardOf(conv.params.activity))).toContain(`${declaredKey}: Ingest pipeline hard down`);
    const stored = bot.store.get(declaredKey)!;
    room = conv.id;
    expect(stored.room).toMatchObject({ platform: 'teams', id: room });
    expect(bot.store.findByRoom('teams', room)?.key).toBe(declaredKey);
    expect(stored.checklist['communicate.channel']?.state).toBe('done');
    // summary updated in place (PUT on the root), checklist and timeline posted once in the room
    const inRoom = bot.connector.activities.filter((x) => x.conversationId === room);
    expect(inRoom.some((x) => x.op === 'update' && x.activityId === conv.activityId)).toBe(true);
    expect(inRoom.filter((x) => x.op === 'send').map((x) => cardTexts(cardOf(x.body)))).toEqual([
      expect.stringContaining('Golden hour checklist'),
      expect.stringContaining('Timeline: '),
    ]);
    // stakeholder announcement
    const toStakeholders = bot.connector.activities.filter((x) => x.conversationId === STAKEHOLDER_CHANNEL);
    expect(toStakeholders).toHaveLength(1);
    const announced = cardTexts(cardOf(toStakeholders[0]?.body));
    expect(announced).toContain(`New incident ${declaredKey}`);
    expect(announced).toContain('**Ingest pipeline hard down**');
    expect(toStakeholders[0]?.authorization).toMatch(/^Bearer /);
  });

  it('claiming a role with Action.Execute answers with the refreshed card and stores the role', async () => {
    const conv = bot.connector.conversations[0]!;
    const summary = cardOf(bot.connector.activityById(conv.activityId!));
    const claim = findAction(summary, (x) => x.verb === 'role_claim' && x.data.role === 'comms_lead');
    const click = executeClick(
      claim,
      {},
      where({ conversationId: room, from: BOB, replyToId: conv.activityId }),
    );
    const res = await post(click);
    expect(res.statusCode).toBe(200);
    expect(cardTexts(res.value)).toContain('Communications lead: Bob Example');
    expect(cardTexts(res.value)).toContain('Bob Example is now Communications lead.');
    expect(bot.store.get(declaredKey)?.roles.comms_lead).toEqual([BOB.aadObjectId]);
    // a retried/double-clicked invoke is the same command: no second change
    const again = await post({ ...click, id: 'f:retry' });
    expect(cardTexts(again.value)).toContain('Communications lead: Bob Example');
    expect(bot.store.logEntries(declaredKey).filter((e) => e.kind === 'role')).toHaveLength(2);
    await bot.settle();
    // the summary in the thread was updated in place for everyone
    expect(cardTexts(cardOf(bot.connector.activityById(conv.activityId!)))).toContain(
      'Communications lead: Bob Example',
    );
  });

  it('the alert dialog opens from the summary card and delivers to room and stakeholders (proactive)', async () => {
    const conv = bot.connector.conversations[0]!;
    const summary = cardOf(bot.connector.activityById(conv.activityId!));
    const open = findAction(summary, (x) => x.type === 'Action.Submit' && x.data?.dialog === 'alert');
    const fetched = await post(taskFetch(open, where({ conversationId: room, from: BOB })));
    expect(fetched.task.type).toBe('continue');
    const form = fetched.task.value.card.content;
    expect(inputIds(form)).toEqual([
      'system',
      'summary',
      'start_time',
      'impact',
      'actions',
      'next_update',
      'commander',
    ]);
    // prefilled like on every platform: "@" and the IC's name
    expect(form.body.find((e: Json) => e.id === 'commander').value).toBe('@Alice Example');
    const submitData = findAction(form, (x) => x.type === 'Action.Submit').data;

    const bad = await post(
      taskSubmit({ ...submitData, system: 'Ingest' }, where({ conversationId: room, from: BOB })),
    );
    expect(bad.task.type).toBe('continue');
    expect(
      bad.task.value.card.content.body.filter((e: Json) => e.color === 'Attention').length,
    ).toBeGreaterThan(0);

    const before = bot.connector.activities.length;
    const fields = {
      system: 'Ingest',
      summary: 'Kafka ingest is down.',
      start_time: '2026-11-26 09:55 UTC',
      impact: 'Prices stale',
      actions: 'Failing over',
      next_update: '10:30 UTC',
      commander: 'Alice Example',
    };
    const ok = await post(
      taskSubmit({ ...submitData, ...fields }, where({ conversationId: room, from: BOB })),
    );
    expect(ok.task.type).toBe('message');
    await bot.settle();
    const sent = bot.connector.activities.slice(before).filter((x) => x.op === 'send');
    const targets = sent.map((x) => x.conversationId);
    expect(targets).toContain(room);
    expect(targets).toContain(STAKEHOLDER_CHANNEL);
    const alert = sent.find((x) => x.conversationId === STAKEHOLDER_CHANNEL)!;
    expect(alert.path.startsWith('/v3/conversations/')).toBe(true);
    // markdown is escaped in cards: `\[` renders as `[`
    const alerted = cardTexts(cardOf(alert.body)).replace(/\\/g, '');
    expect(alerted).toContain(`Initial stakeholder alert: ${declaredKey}`);
    expect(alerted).toContain('**[EMERGENCY] Ingest incident activated**');
    expect(bot.store.get(declaredKey)?.initialAlertAt).not.toBeNull();
  });

  it('"Add to incident log" logs the message with its original time and link', async () => {
    const channel = room.split(';')[0]!;
    const writtenAt = '2026-01-05T08:00:00.000Z';
    const res = await post(
      addToLogAction(
        {
          id: '1760000012345',
          html: '<p>Restarted <b>broker-3</b>&nbsp;at 07:59</p>',
          author: BOB,
          createdDateTime: writtenAt,
          channel,
        },
        where({ conversationId: room }),
      ),
    );
    expect(res.task.type).toBe('message');
    const note = bot.store.logEntries(declaredKey).find((e) => e.kind === 'note');
    expect(note?.at).toBe(writtenAt);
    expect(note?.source).toBe(`https://teams.microsoft.com/l/message/${channel}/1760000012345`);
    expect(JSON.parse(note!.payload)).toMatchObject({
      text: 'Restarted broker-3 at 07:59',
      author: 'Bob Example',
    });
  });

  it('typed commands in the room: role hand-over by @mention, log, decision, status', async () => {
    const before = bot.connector.activities.length;
    await post(
      mentionMessage(
        'incident log <at>Bob Example</at> restarted **everything** [x](https://evil)',
        where({ conversationId: room }),
      ),
    );
    await post(mentionMessage('incident decision fail over to DR', where({ conversationId: room })));
    await post(
      mentionMessage('incident role scribe <at>Bob Example</at>', where({ conversationId: room }), [BOB]),
    );
    await bot.settle();
    const i = bot.store.get(declaredKey)!;
    expect(i.roles.scribe).toEqual([BOB.aadObjectId]);
    const kinds = bot.store.logEntries(declaredKey).map((e) => e.kind);
    expect(kinds).toContain('decision');
    const replies = bot.connector.activities
      .slice(before)
      .filter((x) => x.conversationId === room && x.op === 'send');
    expect(replies.some((x) => x.body.text === 'Added to the incident log.')).toBe(true);
    expect(replies.some((x) => x.body.text === 'Decision recorded.')).toBe(true);
  });

  it('user text cannot inject mentions or markdown into cards', async () => {
    const card = await post(
      mentionMessage('incident declare <at>Bob</at> **boom**', where({ conversationId: declaringThread })),
    );
    void card;
    const last = bot.connector.activities.at(-1)!;
    const title = cardOf(last.body).body.find((e: Json) => e.id === 'title').value;
    // Input values are not rendered as markdown; what matters is TextBlocks:
    expect(title).toBe('<at>Bob</at> **boom**'.replace(/<\/?at>/g, '').replace('Bob', 'Bob'));
    const conv = bot.connector.conversations[0]!;
    const texts = cardTexts(cardOf(bot.connector.activityById(conv.activityId!)));
    expect(texts).not.toContain('<at>');
  });

  it('maps connector failures: 429 with Retry-After is retried, 403 fails', async () => {
    expect(
      classifyError({ response: { status: 429, headers: { 'retry-after': '2' } }, message: 'x' }),
    ).toMatchObject({
      status: 'retry',
      afterMs: 2000,
    });
    expect(classifyError({ response: { status: 412, headers: {} } }).status).toBe('retry');
    expect(classifyError({ response: { status: 502 } }).status).toBe('retry');
    expect(classifyError({ response: { status: 504 } }).status).toBe('retry');
    expect(classifyError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }).status).toBe('retry');
    expect(classifyError({ response: { status: 403 } }).status).toBe('failed');
    // end to end: a 429 on the summary update is retried (Retry-After: 0) and then delivered
    const conv = bot.connector.conversations[0]!;
    bot.connector.failNext('update', { status: 429, retryAfter: 0 });
    const summary = cardOf(bot.connector.activityById(conv.activityId!));
    const claim = findAction(summary, (x) => x.verb === 'role_claim' && x.data.role === 'technical_lead');
    await post(
      executeClick(claim, {}, where({ conversationId: room, from: CAROL, replyToId: conv.activityId })),
    );
    await bot.settle();
    const updates = bot.connector.requests.filter(
      (r) => r.op === 'update' && r.activityId === conv.activityId,
    );
    expect(updates.at(-2)?.status).toBe(429);
    expect(updates.at(-1)?.status).toBe(200);
    expect(cardTexts(cardOf(bot.connector.activityById(conv.activityId!)))).toContain(
      'Technical lead: Carol Example',
    );
  });
});

describe('without an incidents channel', () => {
  let b2: BootedTeamsBot;
  beforeAll(async () => {
    b2 = await bootTeamsBot({ incidentsChannel: false });
  });
  afterAll(async () => {
    for (const a of b2.connector.activities) for (const att of a.body?.attachments ?? []) cards.push(att);
    await b2.close();
  });

  it('the declaring conversation becomes the room (dialog declare)', async () => {
    const w = {
      serviceUrl: b2.connector.serviceUrl,
      conversationId: `${GENERAL_CHANNEL};messageid=1760000088888`,
    };
    const fetched = await b2.sendActivity(
      taskFetch({ data: { msteams: { type: 'task/fetch' }, dialog: 'declare' } }, w),
    );
    expect(fetched.body.task.value.title).toBe('Declare an incident');
    cards.push(fetched.body.task.value.card);
    const bad = await b2.sendActivity(taskSubmit({ form: 'declare', action: 'form_submit', title: 'x' }, w));
    expect(bad.body.task.type).toBe('continue');
    const ok = await b2.sendActivity(
      taskSubmit({ form: 'declare', action: 'form_submit', ...validDeclare, drill: 'true' }, w),
    );
    expect(ok.body.task.type).toBe('message');
    expect(ok.body.task.value).toMatch(/^DRILL: INC-/);
    await b2.settle();
    const [i] = b2.store.listOpen();
    expect(i?.room).toMatchObject({ id: w.conversationId, fallback: true });
    expect(i?.drill).toBe(true);
    expect(b2.connector.conversations).toHaveLength(0);
    const inRoom = b2.connector.activities.filter((x) => x.conversationId === w.conversationId);
    expect(inRoom.length).toBeGreaterThanOrEqual(3); // fallback note, summary, checklist
    for (const x of b2.connector.activities) expect(JSON.stringify(x.body)).toContain('DRILL');
  });
});
