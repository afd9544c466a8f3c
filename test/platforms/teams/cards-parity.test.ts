/**
 * Teams cards at parity (issue 20), through the real POST /api/messages and the fake Bot Connector: the
 * summary and the status card show the playbook version; card times are Adaptive Card date functions
 * (local time on each reader's device) on RFC 3339 UTC instants, in TextBlocks only, with UTC kept on the
 * timeline; the overload warning is posted in the incident's thread; the hand-over picker offers the people
 * the bot knows and its typeahead (`application/search`) answers, but never lists a confidential
 * incident's people to someone outside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERB } from '../../../src/platforms/teams/render/card-kit.js';
import { checkAdaptiveCard } from '../../support/blockkit-limits.js';
import { type BootedTeamsBot, bootTeamsBot } from '../../support/boot-teams-bot.js';
import {
  ALICE,
  BOB,
  CAROL,
  cardOf,
  cardTexts,
  executeClick,
  findAction,
  GENERAL_CHANNEL,
  invoke,
  type Json,
  mentionMessage,
  type Person,
  taskFetch,
  taskSubmit,
} from './activities.js';
import { guardLoopback } from './loopback-guard.js';

const CONFIDENTIAL_CHANNEL = '19:security0000000000000000000000@thread.tacv2';

let bot: BootedTeamsBot;
let guard: ReturnType<typeof guardLoopback>;
let thread = 1760002000000;
const newThread = () => `${GENERAL_CHANNEL};messageid=${++thread}`;
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

async function declare(title: string, trigger: string): Promise<string> {
  const w = newThread();
  const fetched = await post(
    taskFetch({ data: { msteams: { type: 'task/fetch' }, dialog: 'declare' } }, where(ALICE, w)),
  );
  const submit = findAction(fetched.task.value.card.content, (a: Json) => a.type === 'Action.Submit').data;
  const ok = await post(
    taskSubmit(
      {
        ...submit,
        title,
        triggerClass: trigger,
        impact: 'Orders are slow',
        severeImpact: 'false',
        drill: 'false',
      },
      where(ALICE, w),
    ),
  );
  expect(ok.task.type).toBe('message');
  await bot.settle();
  return bot.store.listOpen().find((i) => i.title === title)!.key;
}

function liveCard(key: string, view: 'summary' | 'timeline'): Json {
  const ref = bot.outbox.getMessageRef(key, 'teams', view);
  expect(ref, `${view} posted`).toBeTruthy();
  return cardOf(bot.connector.activityById(ref!.ref));
}

/** Every card the connector received (posts, updates), with the activity's own text. */
function sentCards(): { card: Json; text: string }[] {
  return bot.connector.activities.flatMap((a) =>
    (a.body?.attachments ?? []).map((att: Json) => ({ card: att.content, text: String(a.body?.text ?? '') })),
  );
}

/** Every string in a card that holds a date function, with the key and element type it sits in. */
function functionPlaces(card: Json): { key: string; type: string; value: string }[] {
  const out: { key: string; type: string; value: string }[] = [];
  const visit = (v: Json, type: string) => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x, type);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const here = typeof v.type === 'string' ? v.type : type;
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' && x.includes('{{')) out.push({ key: k, type: here, value: x });
      else visit(x, here);
    }
  };
  visit(card, 'AdaptiveCard');
  return out;
}

const FUNCTION = /\{\{(DATE|TIME)\(([^)]*)\)\}\}/g;
const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The date functions in a text, each checked against the documented syntax. */
function functionsIn(text: string): { fn: string; at: string }[] {
  const out: { fn: string; at: string }[] = [];
  for (const m of text.matchAll(FUNCTION)) {
    const [at, format] = m[2]!.split(', ');
    out.push({ fn: m[1]!, at: at! });
    expect(at, m[0]).toMatch(RFC3339_Z);
    expect(Number.isNaN(Date.parse(at!)), m[0]).toBe(false);
    if (m[1] === 'DATE') expect(format, m[0]).toBe('SHORT');
    else expect(format, m[0]).toBeUndefined();
  }
  // nothing that looks like a function but breaks the syntax (spaces, lower case, a cut one)
  expect(text.replace(FUNCTION, '')).not.toMatch(/\{\{|\}\}/);
  return out;
}

const rfc = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

let key = '';
let room = '';

beforeAll(async () => {
  guard = guardLoopback();
  bot = await bootTeamsBot({ env: { TEAMS_CONFIDENTIAL_CHANNEL: CONFIDENTIAL_CHANNEL } });
  // Carol and Bob have talked to the bot, so it knows their names
  await post(mentionMessage('incident list', where(CAROL, newThread())));
  await post(mentionMessage('incident list', where(BOB, newThread())));
  key = await declare('Order gateway slow', 'service_outage');
  room = bot.store.get(key)!.room!.id;
});

afterAll(async () => {
  const cards = sentCards();
  await bot?.close();
  guard?.restore();
  expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
  expect(cards.length).toBeGreaterThan(3);
  for (const c of cards) expect(checkAdaptiveCard(c.card)).toEqual([]);
});

describe('Teams cards', () => {
  it('the summary and the status card show the playbook version', async () => {
    const version = bot.store.get(key)!.playbook.version;
    expect(version).toBeTruthy();
    expect(cardTexts(liveCard(key, 'summary'))).toMatch(
      new RegExp(`Playbook: .* v${version.replace(/\./g, '\\.')}`),
    );
    const before = bot.connector.activities.length;
    await post(mentionMessage('incident status', where(ALICE, room)));
    const sent = await bot.connector.waitForActivities(before + 1);
    const status = sent.slice(before).find((a) => a.conversationId === room && a.op === 'send');
    expect(cardTexts(cardOf(status!.body))).toContain(`v${version}`);
  });

  it('times are date functions on RFC 3339 UTC instants, in TextBlocks only; the timeline keeps UTC', async () => {
    const i = bot.store.get(key)!;
    const summary = liveCard(key, 'summary');
    const texts = cardTexts(summary);
    // the declaration time, in the reader's zone
    expect(texts).toContain(`{{DATE(${rfc(i.declaredAt)}, SHORT)}} {{TIME(${rfc(i.declaredAt)})}}`);
    expect(texts).not.toMatch(/UTC/);
    expect(functionsIn(texts).length).toBeGreaterThanOrEqual(4);
    // the timeline is the record: local time, then the exact UTC time
    const timeline = cardTexts(liveCard(key, 'timeline'));
    expect(timeline).toMatch(/\{\{TIME\([^)]+\)\}\} \(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)/);
    functionsIn(timeline);
    let functions = 0;
    for (const { card, text } of sentCards()) {
      for (const p of functionPlaces(card)) {
        expect(p, 'a date function outside a TextBlock text').toMatchObject({
          key: 'text',
          type: 'TextBlock',
        });
        functions += functionsIn(p.value).length;
      }
      // activity text (the notification) cannot format them: never a function there
      expect(text).not.toContain('{{');
    }
    expect(functions).toBeGreaterThan(4);
  });

  it('the overload warning is posted in the incident thread, where the incident commander sees it', async () => {
    const i = bot.store.get(key)!;
    expect(i.roles.commander).toEqual([ALICE.aadObjectId]);
    const claim = findAction(
      liveCard(key, 'summary'),
      (a) => a.verb === VERB.claimRole && a.data.role === 'comms_lead',
    );
    const before = bot.connector.activities.length;
    const res = await post(executeClick(claim, {}, where(ALICE, room)));
    expect(cardTexts(res.value)).toContain('Heads up');
    await bot.settle();
    const posted = bot.connector.activities
      .slice(before)
      .filter((a) => a.op === 'send' && a.conversationId === room)
      .map((a) => cardTexts(cardOf(a.body)));
    const warning = posted.find((t) => t.includes('role overload'));
    expect(warning).toBeTruthy();
    expect(warning).toMatch(/Alice Example holds \*\*Incident commander\*\* and \*\*Communications lead\*\*/);
    expect(bot.store.logEntries(key).map((e) => e.kind)).toContain('overload');
  });

  it('the hand-over picker offers the known people; its typeahead answers a search, then the hand-over', async () => {
    const summary = liveCard(key, 'summary');
    const handover = findAction(
      summary,
      (a) => a.type === 'Action.ShowCard' && a.card?.body?.[0]?.id === 'handover_commander',
    );
    const picker = handover.card.body[0];
    expect(picker.type).toBe('Input.ChoiceSet');
    expect(picker.style).toBe('filtered');
    expect(picker.choices.map((c: Json) => c.value)).toEqual(
      expect.arrayContaining([ALICE.aadObjectId, BOB.aadObjectId, CAROL.aadObjectId]),
    );
    // the bot's own dataset (works on mobile), not Graph people search (desktop and web only)
    expect(picker['choices.data']).toEqual({ type: 'Data.Query', dataset: `incident-people:${key}` });

    const found = await post(
      invoke(
        'application/search',
        { queryText: 'car', queryOptions: { skip: 0, top: 15 }, dataset: picker['choices.data'].dataset },
        where(BOB, room),
      ),
    );
    expect(found).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.search.searchResponse',
      value: { results: [{ title: 'Carol Example', value: CAROL.aadObjectId }] },
    });
    const everyone = await post(
      invoke(
        'application/search',
        { queryText: '', dataset: picker['choices.data'].dataset },
        where(BOB, room),
      ),
    );
    expect(everyone.value.results.length).toBeGreaterThanOrEqual(3);
    expect(everyone.value.results.length).toBeLessThanOrEqual(15);

    const go = findAction(handover.card, (a) => a.verb === VERB.handoverRole);
    await post(executeClick(go, { handover_commander: CAROL.aadObjectId }, where(ALICE, room)));
    expect(bot.store.get(key)!.roles.commander).toEqual([CAROL.aadObjectId]);
    await bot.settle();
  });

  it("the typeahead never lists a confidential incident's people to someone outside it", async () => {
    const secret = await declare('Leaked order gateway key', 'security_exposure');
    expect(bot.store.get(secret)!.confidential).toBe(true);
    const dataset = `incident-people:${secret}`;
    const outsider = await post(
      invoke('application/search', { queryText: '', dataset }, where(BOB, newThread())),
    );
    expect(outsider).toMatchObject({ statusCode: 403, type: 'application/vnd.microsoft.error' });
    expect(JSON.stringify(outsider)).not.toMatch(/Alice|Carol|Leaked/);
    // its members may
    const member = await post(
      invoke('application/search', { queryText: 'ali', dataset }, where(ALICE, newThread())),
    );
    expect(member.value.results).toEqual([{ title: 'Alice Example', value: ALICE.aadObjectId }]);
    // and a dataset that is not the bot's is refused, not guessed at
    const other = await post(
      invoke(
        'application/search',
        { queryText: 'a', dataset: 'graph.microsoft.com/users' },
        where(ALICE, room),
      ),
    );
    expect(other).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
  });
});
