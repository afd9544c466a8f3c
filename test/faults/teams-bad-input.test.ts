// The Teams side of the bad-input suite: malformed and hostile activities through the real POST
// /api/messages (Bot Framework JWT auth ON) of a booted Teams bot, with an incident already declared in a
// thread so incident-scoped verbs apply. Every case gets a 200 or a clean 4xx (never a 500: no case here is
// a storage failure, the only thing the bot answers 500 to on purpose), no stack trace or internal error
// text in anything sent to the (fake) Bot Connector or in the HTTP answer, nothing logged as an error by the
// bot or the Teams SDK, the decision log's hash chain intact, no change unless the input is a valid
// command, and no `<at>` mention built from user text. Plus fast-check (fixed seed) over invoke values
// and message texts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERB } from '../../src/platforms/teams/render/card-kit.js';
import {
  ALICE,
  addToLogAction,
  BOB,
  BOT_ID,
  BOT_NAME,
  CAROL,
  findAction,
  GENERAL_CHANNEL,
  invoke,
  type Json,
  mentionMessage,
  type Person,
  taskFetch,
  taskSubmit,
} from '../platforms/teams/activities.js';
import { guardLoopback } from '../platforms/teams/loopback-guard.js';
import { type BootedTeamsBot, bootTeamsBot } from '../support/boot-teams-bot.js';
import { checkChains } from './fault-helpers.js';

let bot: BootedTeamsBot;
let guard: ReturnType<typeof guardLoopback>;
let key = '';
let room = '';
const tried = { corpus: 0, properties: 0 };

const where = (from: Person, conversationId: string, replyToId?: string) => ({
  serviceUrl: bot.connector.serviceUrl,
  from,
  conversationId,
  ...(replyToId ? { replyToId } : {}),
});
const inRoom = (from: Person = BOB) => where(from, room);
let thread = 1760000700000;
const newThread = () => `${GENERAL_CHANNEL};messageid=${++thread}`;

const declareFields = (title: string) => ({
  title,
  triggerClass: 'service_outage',
  impact: 'No market data',
  severeImpact: 'false',
  drill: 'false',
});

async function declareSubmitData(from: Person, conversationId: string): Promise<Json> {
  const res = await bot.sendActivity(
    taskFetch({ data: { msteams: { type: 'task/fetch' }, dialog: 'declare' } }, where(from, conversationId)),
  );
  expect(res.status).toBe(200);
  return findAction(res.body.task.value.card.content, (a) => a.type === 'Action.Submit').data;
}

beforeAll(async () => {
  guard = guardLoopback();
  bot = await bootTeamsBot();
  const w = newThread();
  const submit = await declareSubmitData(ALICE, w);
  const res = await bot.sendActivity(
    taskSubmit({ ...submit, ...declareFields('Open incident for the Teams corpus') }, where(ALICE, w)),
  );
  expect(res.status).toBe(200);
  expect(res.body.task.type).toBe('message');
  await bot.settle();
  const i = bot.store.listOpen()[0]!;
  key = i.key;
  room = i.room!.id;
});

afterAll(async () => {
  await bot?.close();
  guard?.restore();
  if (process.env.FAULTS_VERBOSE)
    console.log(
      'FAULTS teams-bad-input',
      JSON.stringify({ ...tried, warnings: bot?.logs.map((l) => l.msg) }).slice(0, 3000),
    );
});

// ------------------------------------------------------------------ the invariants

function snapshot() {
  const db = bot.db;
  return {
    incidents: db.prepare('SELECT key, version, state FROM incidents ORDER BY key').all(),
    log: (db.prepare('SELECT COUNT(*) n FROM decision_log').get() as { n: number }).n,
    outbox: (db.prepare('SELECT COUNT(*) n FROM outbox').get() as { n: number }).n,
  };
}

/** Internal error text: a stack frame, an exception name, a JS engine message. */
const INTERNAL =
  /\bat (async )?[\w.<>]+ \(|\bat .+\.[cm]?[tj]s:\d+|\b(TypeError|ReferenceError|RangeError|SyntaxError|SqliteError|ZodError)\b|Cannot read propert|is not a function|is not iterable|undefined is not|SQLITE_/;

/**
 * The strings of an outbound activity or invoke answer a person sees: texts, titles, fact values, choice
 * titles, labels, placeholders; not what an Input shows as its (the person's own) value, nor action data.
 */
function shownStrings(v: Json, out: string[] = [], inInput = false): string[] {
  if (typeof v === 'string') {
    out.push(v);
    return out;
  }
  if (Array.isArray(v)) {
    for (const x of v) shownStrings(x, out, inInput);
    return out;
  }
  if (!v || typeof v !== 'object') return out;
  const input = typeof v.type === 'string' && v.type.startsWith('Input.');
  for (const [k, x] of Object.entries(v)) {
    if (k === 'data') continue;
    if ((input || inInput) && k === 'value') continue;
    shownStrings(x, out, input);
  }
  return out;
}

/** A mention entity anywhere, or a live `<at>` in text a person sees. */
function mentionIn(v: Json): string | null {
  const json = JSON.stringify(v ?? null);
  if (/"type":"mention"/.test(json)) return `a mention entity: ${json.slice(0, 300)}`;
  const at = shownStrings(v).find((s) => /<\s*\/?\s*at\b/i.test(s));
  return at ? `a live <at>: ${at.slice(0, 300)}` : null;
}

interface Expect {
  /** Statuses accepted (default: any 2xx or 4xx). */
  status?: number[];
  /** A valid command: state may change (the chain must still verify). */
  changes?: boolean;
  /** Something the person must be told (invoke answer or a posted reply). */
  told?: RegExp;
}

async function probe(activity: Json, e: Expect = {}) {
  const before = snapshot();
  const sent = bot.connector.activities.length;
  const logs = bot.logs.length;
  const sdk = bot.sdkErrors.length;
  const res = await bot.sendActivity(activity);
  const answer = JSON.stringify(res.body ?? '');
  expect(res.status, `status; body ${answer.slice(0, 300)}`).not.toBe(500);
  if (e.status) expect(e.status, `status ${res.status}; body ${answer.slice(0, 300)}`).toContain(res.status);
  else expect(res.status >= 200 && res.status < 500, `status ${res.status}`).toBe(true);
  await bot.settle();
  const posted = bot.connector.activities.slice(sent);
  for (const x of [res.body, ...posted.map((p) => p.body)]) {
    const s = JSON.stringify(x ?? '');
    expect(s, 'no internal error text').not.toMatch(INTERNAL);
    expect(mentionIn(x)).toBeNull();
  }
  if (e.told) {
    const all = shownStrings([res.body, ...posted.map((p) => p.body)]).join('\n');
    expect(all).toMatch(e.told);
  }
  const newLogs = bot.logs.slice(logs);
  expect(
    newLogs.filter((l) => l.level >= 50),
    JSON.stringify(newLogs),
  ).toEqual([]);
  expect(bot.sdkErrors.slice(sdk), 'Teams SDK errors').toEqual([]);
  checkChains(bot.db);
  expect(bot.outbox.pending()).toEqual([]);
  if (!e.changes) expect(snapshot(), 'nothing changed').toEqual(before);
  return { res, posted };
}

// ------------------------------------------------------------------ helpers building hostile activities

/** A message in the room with exactly this `text` (no mention entities unless given). */
function rawMessage(text: unknown, w = inRoom(), entities?: Json[]): Json {
  const a = mentionMessage('', w);
  if (text === undefined) delete a.text;
  else a.text = text;
  delete a.attachments;
  if (entities) a.entities = entities;
  return a;
}
const botMention = {
  type: 'mention',
  text: `<at>${BOT_NAME}</at>`,
  mentioned: { id: BOT_ID, name: BOT_NAME },
};
const cardClick = (value: unknown, w = inRoom()) => invoke('adaptiveCard/action', value, w);
const execute = (verb: unknown, data: unknown, w = inRoom()) =>
  cardClick({ action: { type: 'Action.Execute', verb, data }, trigger: 'manual' }, w);
const dialogOpen = (data: unknown, w = inRoom()) =>
  invoke('task/fetch', { data, context: { theme: 'default' } }, w);
const dialogSubmit = (data: unknown, w = inRoom()) =>
  invoke('task/submit', { data, context: { theme: 'default' } }, w);
const big = (n: number, ch = 'x') => ch.repeat(n);
const AT_INJECTION = `<at>${BOB.name}</at> <AT >x</at> &lt;at&gt;Carol&lt;/at&gt; < at>y< /at>`;
const MD_INJECTION =
  '**bold** _it_ [click](https://evil.example/phish) ![img](https://evil.example/x.png) # heading\n- list\n> quote `code` {"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"pwned"}],"actions":[{"type":"Action.OpenUrl","url":"https://evil.example"}]}';

const logCount = () => bot.store.logEntries(key).length;
const notesWith = (s: string) =>
  bot.store
    .logEntries(key)
    .filter((e) => e.kind === 'note' && String(JSON.parse(e.payload).text).includes(s));

// ------------------------------------------------------------------ messages

describe('messages in the incident thread', () => {
  const cases: [string, () => Json, Expect?][] = [
    ['no text at all', () => rawMessage(undefined, inRoom(), [botMention])],
    ['empty text', () => rawMessage('', inRoom(), [botMention])],
    ['only the bot mention', () => rawMessage(`<at>${BOT_NAME}</at>`, inRoom(), [botMention])],
    ['only the bot mention, padded with &nbsp;', () => rawMessage(`&nbsp;<at>${BOT_NAME}</at>&nbsp;`)],
    ['"incident" and nothing else', () => mentionMessage('incident', inRoom())],
    ['40,000 characters of one word', () => mentionMessage(big(40_000), inRoom(), []), { told: /incident/ }],
    ['40,000 characters after "incident"', () => mentionMessage(`incident ${big(40_000)}`, inRoom())],
    [
      'a 40,000-character log line (refused or accepted whole, never half)',
      () => mentionMessage(`incident log ${big(40_000, 'y')}`, inRoom()),
      { changes: true },
    ],
    [
      'control characters in a verb',
      () => mentionMessage('incident \u0000\u0007\u001b[31mlog\u007f\u0008', inRoom()),
    ],
    [
      'control characters in a log line',
      () => mentionMessage('incident log ctl\u0000\u0001\u001b[2J\u202e\ufeffline', inRoom()),
      { changes: true },
    ],
    [
      'lone surrogates',
      () => mentionMessage('incident log \ud800 and \udfff alone', inRoom()),
      { changes: true },
    ],
    [
      '<at> injections without mention entities, as an unknown verb',
      () => mentionMessage(`incident ${AT_INJECTION}`, inRoom()),
    ],
    [
      '<at> injections in a log line',
      () => mentionMessage(`incident log atinject ${AT_INJECTION}`, inRoom()),
      { changes: true },
    ],
    [
      'a mention entity whose text is not in the message',
      () =>
        rawMessage(`<at>${BOT_NAME}</at> incident status`, inRoom(), [
          botMention,
          { type: 'mention', text: '<at>Ghost</at>', mentioned: { id: '29:ghost', name: 'Ghost' } },
        ]),
    ],
    [
      'mention entities with missing / wrong-typed fields',
      () =>
        rawMessage(`<at>${BOT_NAME}</at> incident status <at>x</at>`, inRoom(), [
          botMention,
          { type: 'mention' },
          { type: 'mention', text: 42, mentioned: null },
          { type: 'mention', text: '<at>x</at>', mentioned: { id: ['a'], name: { n: 1 } } },
          null,
          'mention',
        ]),
    ],
    [
      'markdown and Adaptive Card JSON in a log line',
      () => mentionMessage(`incident log mdinject ${MD_INJECTION}`, inRoom()),
      { changes: true },
    ],
    ['markdown as an unknown verb', () => mentionMessage(`incident **${MD_INJECTION}`, inRoom())],
    [
      'HTML in the text',
      () => mentionMessage('incident <script>alert(1)</script><img src=x onerror=y>', inRoom()),
    ],
    ['an unknown role', () => mentionMessage('incident role wizard', inRoom()), { told: /no role "wizard"/ }],
    [
      'an unknown role for a mentioned person',
      () => mentionMessage(`incident role wizard <at>${CAROL.name}</at>`, inRoom(), [CAROL]),
      { told: /no role "wizard"/ },
    ],
    ['a role named like a prototype key', () => mentionMessage('incident role __proto__', inRoom())],
    ['a role named "constructor"', () => mentionMessage('incident role constructor', inRoom())],
    [
      'a role for a mentioned channel (not a person), by someone who is not the IC',
      () =>
        rawMessage(`<at>${BOT_NAME}</at> incident role scribe <at>General</at>`, inRoom(BOB), [
          botMention,
          {
            type: 'mention',
            text: '<at>General</at>',
            mentioned: { id: GENERAL_CHANNEL, name: 'General' },
          },
        ]),
      { told: /commander|person|user/i },
    ],
    [
      'the IC gives a role to a mentioned channel (not a person)',
      () =>
        rawMessage(`<at>${BOT_NAME}</at> incident role specialist <at>General</at>`, inRoom(ALICE), [
          botMention,
          {
            type: 'mention',
            text: '<at>General</at>',
            mentioned: { id: GENERAL_CHANNEL, name: 'General' },
          },
        ]),
      { told: /A role goes to a person/ },
    ],
    [
      'the IC gives a role to a typed <@id> (no mention entity)',
      () => mentionMessage('incident role specialist &lt;@UMENTION7&gt;', inRoom(ALICE)),
      { told: /A role goes to a person/ },
    ],
    [
      'the IC gives a role to a Slack-style <@U123>',
      () => mentionMessage('incident role specialist &lt;@U0ATTACKER&gt;', inRoom(ALICE)),
      { told: /A role goes to a person/ },
    ],
    [
      'the IC gives a role to a mention with no id',
      () =>
        rawMessage(`<at>${BOT_NAME}</at> incident role scribe <at>Nobody</at>`, inRoom(ALICE), [
          botMention,
          { type: 'mention', text: '<at>Nobody</at>', mentioned: {} },
        ]),
      { told: /A role goes to a person/ },
    ],
    [
      'a role for a mention with no id',
      () =>
        rawMessage(`<at>${BOT_NAME}</at> incident role scribe <at>Nobody</at>`, inRoom(BOB), [
          botMention,
          { type: 'mention', text: '<at>Nobody</at>', mentioned: {} },
        ]),
    ],
    [
      'a role for a typed "@name" (no mention entity)',
      () => mentionMessage('incident role scribe @carol', inRoom()),
      { told: /can't tell who/ },
    ],
    [
      'a stand-down by someone who is not the IC',
      () => mentionMessage('incident standdown because I say so', inRoom(BOB)),
      { told: /Only the incident commander/ },
    ],
    ['the text is a number', () => rawMessage(42, inRoom(), [botMention])],
    ['the text is an object', () => rawMessage({ text: 'incident status' }, inRoom(), [botMention])],
    [
      'entities is not an array',
      () => ({ ...mentionMessage('incident status', inRoom()), entities: 'mention' }),
    ],
    ['entities is a number', () => ({ ...mentionMessage('incident status', inRoom()), entities: 5 })],
    ['from is missing', () => ({ ...mentionMessage('incident status', inRoom()), from: undefined })],
    [
      'from has no ids',
      () => ({ ...mentionMessage('incident log who am i', inRoom()), from: {} }),
      { changes: true },
    ],
    [
      'an Action.Submit fallback (value, no text) with an unknown action',
      () => ({ ...rawMessage(undefined), value: { action: 'nope', incidentKey: 'INC-404' } }),
    ],
    [
      'an Action.Submit fallback whose value is an array',
      () => ({ ...rawMessage(undefined), value: [1, 2] }),
    ],
    ['an Action.Submit fallback whose value is a string', () => ({ ...rawMessage(undefined), value: 'x' })],
    [
      'a message in a conversation that is no incident',
      () => mentionMessage('incident log nowhere', where(BOB, newThread())),
      { told: /incident/ },
    ],
    [
      'a message with no conversation id',
      () => ({ ...mentionMessage('incident status', inRoom()), conversation: {} }),
    ],
  ];
  for (const [name, build, e] of cases)
    it(name, async () => {
      tried.corpus++;
      await probe(build(), e);
    });

  it('the <at> and markdown lines are stored verbatim and shown neutralised in the exported document', async () => {
    expect(notesWith('atinject')).toHaveLength(1);
    expect(notesWith('mdinject')).toHaveLength(1);
    // the 40,000-character line was either refused or stored whole
    const long = notesWith('yyyyyyyy');
    if (long.length) expect(JSON.parse(long[0]!.payload).text).toBe(big(40_000, 'y'));
    const { posted } = await probe(mentionMessage('incident export', inRoom()), { changes: true });
    expect(posted.length).toBeGreaterThan(0);
    const doc = JSON.stringify(posted.map((p) => p.body));
    expect(doc).not.toMatch(/\[click\]\(https:/); // a markdown link stays literal (escaped)
  });
});

// ------------------------------------------------------------------ Action.Execute

describe('Action.Execute (adaptiveCard/action) invokes', () => {
  const cases: [string, () => Json, Expect?][] = [
    ['no value', () => cardClick(undefined)],
    ['value null', () => cardClick(null)],
    ['value is a string', () => cardClick('role_claim')],
    ['value is an array', () => cardClick([{ action: { verb: 'role_claim' } }])],
    ['an action with no data and no verb', () => cardClick({ action: { type: 'Action.Execute' } })],
    ['an action with data null', () => execute(VERB.claimRole, null)],
    ['an action that is a string', () => cardClick({ action: 'role_claim' })],
    ['an unknown verb', () => execute('drop_tables', { action: 'drop_tables' })],
    ['a verb that is a prototype key', () => execute('constructor', { action: 'toString' })],
    [
      'a claim for an incident key that does not exist',
      () => execute(VERB.claimRole, { action: VERB.claimRole, role: 'scribe', incidentKey: 'INC-9999' }),
    ],
    [
      'an incident key that is a number',
      () => execute(VERB.claimRole, { action: VERB.claimRole, role: 'scribe', incidentKey: 42 }),
      { changes: true },
    ],
    [
      'an incident key that is an array',
      () => execute(VERB.releaseRole, { action: VERB.releaseRole, role: 'scribe', incidentKey: [key] }),
      { changes: true },
    ],
    [
      'a role that is a number',
      () => execute(VERB.claimRole, { action: VERB.claimRole, role: 7, incidentKey: key }),
    ],
    [
      'a role that is an unknown id',
      () => execute(VERB.claimRole, { action: VERB.claimRole, role: 'wizard', incidentKey: key }),
    ],
    [
      'a role named __proto__',
      () => execute(VERB.claimRole, { action: VERB.claimRole, role: '__proto__', incidentKey: key }),
    ],
    [
      'a handover to an array / a number / to nobody',
      () =>
        execute(VERB.handoverRole, {
          action: VERB.handoverRole,
          role: 'commander',
          incidentKey: key,
          handover_commander: ['29:1-user-bob'],
        }),
    ],
    [
      'a handover of a role that is an object',
      () =>
        execute(VERB.handoverRole, {
          action: VERB.handoverRole,
          role: { id: 'commander' },
          incidentKey: key,
          '[object Object]': 'x',
        }),
    ],
    [
      'a checklist item that is an array',
      () => execute(VERB.checkItem, { action: VERB.checkItem, item: ['a', 'b'], incidentKey: key }),
    ],
    [
      'a checklist item that does not exist',
      () => execute(VERB.checkItem, { action: VERB.checkItem, item: 'no_such_item', incidentKey: key }),
    ],
    [
      'a checklist item that is missing',
      () => execute(VERB.checkItem, { action: VERB.checkItem, incidentKey: key }),
    ],
    [
      'not applicable with a 100,000-character reason',
      () =>
        execute(VERB.itemNotApplicable, {
          action: VERB.itemNotApplicable,
          item: 'x',
          incidentKey: key,
          na_reason_x: big(100_000),
        }),
    ],
    [
      'not applicable with a reason that is a number',
      () =>
        execute(VERB.itemNotApplicable, {
          action: VERB.itemNotApplicable,
          item: 'x',
          incidentKey: key,
          na_reason_x: 5,
        }),
    ],
    [
      'a snooze with minutes as text / an array kind',
      () =>
        execute(VERB.snooze, {
          action: VERB.snooze,
          incidentKey: key,
          minutes: 'fifteen',
          snoozeKind: ['update'],
        }),
      { status: [200, 400] },
    ],
    [
      'a snooze of a million minutes',
      () =>
        execute(VERB.snooze, { action: VERB.snooze, incidentKey: key, minutes: 1e6, snoozeKind: 'update' }),
      { status: [200, 400] },
    ],
    [
      'a snooze with a malformed due time',
      () =>
        execute(VERB.snooze, {
          action: VERB.snooze,
          incidentKey: key,
          minutes: 15,
          snoozeKind: 'update',
          due: { not: 'a date' },
        }),
      { changes: true },
    ],
    [
      'a follow-up done with an id that is an object',
      () => execute(VERB.followupDone, { action: VERB.followupDone, incidentKey: key, id: { $ne: null } }),
    ],
    [
      'a follow-up done for an unknown id, from the list',
      () =>
        execute(VERB.followupDone, {
          action: VERB.followupDone,
          incidentKey: key,
          id: 'fu-nope',
          src: 'list',
        }),
    ],
    [
      'a form submit of an unknown form',
      () => execute(VERB.formSubmit, { action: VERB.formSubmit, form: 'nope' }),
      { status: [200, 400] },
    ],
    ...(['__proto__', 'toString', 'constructor', 'hasOwnProperty'] as const).map(
      (form): [string, () => Json, Expect] => [
        `a form submit of the form "${form}"`,
        () => execute(VERB.formSubmit, { action: VERB.formSubmit, form, incidentKey: key }),
        { status: [200, 400] },
      ],
    ),
    [
      'a declare form submit with no fields',
      () => execute(VERB.formSubmit, { action: VERB.formSubmit, form: 'declare' }),
    ],
    [
      'a declare form submit with wrong types',
      () =>
        execute(VERB.formSubmit, {
          action: VERB.formSubmit,
          form: 'declare',
          title: ['t'],
          triggerClass: 5,
          impact: { x: 1 },
          severeImpact: [],
          drill: {},
          commander: 7,
        }),
    ],
    [
      'an update form submit with numbers for every field',
      () =>
        execute(VERB.formSubmit, {
          action: VERB.formSubmit,
          form: 'update',
          incidentKey: key,
          status: 1,
          developments: 2,
          risks: 3,
          help: 4,
          next_update: 5,
        }),
    ],
    [
      'a phase form submit with a garbage move, from someone who is not the IC',
      () =>
        execute(VERB.formSubmit, {
          action: VERB.formSubmit,
          form: 'phase',
          incidentKey: key,
          move: { dir: 'forward' },
          to: ['closure'],
          reason: 9,
        }),
    ],
    [
      'a form submit for an incident key that does not exist',
      () => execute(VERB.formSubmit, { action: VERB.formSubmit, form: 'update', incidentKey: 'INC-0000' }),
    ],
    [
      'an action from a conversation that is no incident',
      () => execute(VERB.claimRole, { action: VERB.claimRole, role: 'scribe' }, where(BOB, newThread())),
      { status: [200, 400] },
    ],
  ];
  for (const [name, build, e] of cases)
    it(name, async () => {
      tried.corpus++;
      await probe(build(), e);
    });
});

// ------------------------------------------------------------------ dialogs

describe('dialogs: task/fetch and task/submit', () => {
  const cases: [string, () => Json, Expect?][] = [
    ['task/fetch with no value', () => invoke('task/fetch', undefined, inRoom())],
    ['task/fetch with data null', () => dialogOpen(null)],
    ['task/fetch with data a string', () => dialogOpen('declare')],
    ['task/fetch of an unknown dialog', () => dialogOpen({ dialog: 'nope' }), { told: /Unknown form/ }],
    ...(['__proto__', 'toString', 'constructor', 'valueOf'] as const).map(
      (dialog): [string, () => Json, Expect] => [
        `task/fetch of the dialog "${dialog}"`,
        () => dialogOpen({ dialog }),
        { told: /Unknown form/ },
      ],
    ),
    ['task/fetch of the dialog [1]', () => dialogOpen({ dialog: [1] }), { told: /Unknown form/ }],
    [
      'task/fetch of the phase dialog for an incident key that does not exist',
      () => dialogOpen({ dialog: 'phase', incidentKey: 'INC-4040' }),
      { told: /not an incident room/ },
    ],
    [
      'task/fetch of the phase dialog outside an incident',
      () => dialogOpen({ dialog: 'phase' }, where(BOB, newThread())),
      { told: /not an incident room/ },
    ],
    ['task/submit with no value', () => invoke('task/submit', undefined, inRoom())],
    ['task/submit with data null', () => dialogSubmit(null), { told: /Unknown form/ }],
    ['task/submit of an unknown form', () => dialogSubmit({ form: 'nope' }), { told: /Unknown form/ }],
    ...(['__proto__', 'toString', 'constructor', 'hasOwnProperty'] as const).map(
      (form): [string, () => Json, Expect] => [
        `task/submit of the form "${form}"`,
        () => dialogSubmit({ form, incidentKey: key }),
        { told: /Unknown form/ },
      ],
    ),
    ['the declare dialog with no fields', () => dialogSubmit({ form: 'declare' })],
    [
      'the declare dialog with empty fields',
      () => dialogSubmit({ form: 'declare', ...declareFields(''), impact: '' }),
    ],
    [
      'the declare dialog with a 10,000-character title',
      () => dialogSubmit({ form: 'declare', ...declareFields(big(10_000)) }),
      { told: /At most|characters/ },
    ],
    [
      'the declare dialog with an unknown trigger class',
      () =>
        dialogSubmit({
          form: 'declare',
          ...declareFields('Unknown trigger'),
          triggerClass: 'alien_invasion',
        }),
    ],
    [
      'the declare dialog with a trigger class named __proto__',
      () => dialogSubmit({ form: 'declare', ...declareFields('Proto trigger'), triggerClass: '__proto__' }),
    ],
    [
      'the declare dialog with wrong types everywhere',
      () =>
        dialogSubmit({
          form: 'declare',
          title: 12345,
          triggerClass: ['service_outage'],
          impact: null,
          severeImpact: { yes: true },
          drill: 1,
          commander: ['29:x'],
          nonce: 42,
        }),
    ],
    [
      'the declare dialog with a commander who is no known person',
      () => dialogSubmit({ form: 'declare', ...declareFields('Stranger IC'), commander: '<at>Eve</at>' }),
      { told: /commander from the list/ },
    ],
    [
      'the declare dialog with a title that is only control characters',
      () => dialogSubmit({ form: 'declare', ...declareFields('\u0000\u0001\u0007\u001b') }),
    ],
    [
      'an update dialog with a 100,000-character field and numbers elsewhere',
      () =>
        dialogSubmit({
          form: 'update',
          incidentKey: key,
          status: 'investigating',
          developments: big(100_000),
          risks: 1,
          help: [],
          next_update: {},
        }),
    ],
    [
      'a follow-up dialog with an owner that is an array and a bad date',
      () =>
        dialogSubmit({
          form: 'followup',
          incidentKey: key,
          what: 'x',
          owner: ['29:1-user-bob'],
          due: '2026-02-31',
          objective: 'nope',
        }),
    ],
    [
      'a reclassify dialog from someone who is not the IC with an unknown class',
      () => dialogSubmit({ form: 'reclassify', incidentKey: key, triggerClass: 'x', reason: big(5000) }),
    ],
    [
      'a review dialog for an open incident with every field an object',
      () =>
        dialogSubmit({ form: 'review', incidentKey: key, summary: {}, why_1: {}, corrective_actions: {} }),
    ],
    [
      'a close dialog from someone who is not the IC',
      () => dialogSubmit({ form: 'close', incidentKey: key, resolved_at: 'now', criteria: 5 }),
    ],
  ];
  for (const [name, build, e] of cases)
    it(name, async () => {
      tried.corpus++;
      await probe(build(), e);
    });

  it('a declare dialog with <at> and markdown in the title declares, and every card shows it neutralised', async () => {
    tried.corpus++;
    const w = newThread();
    const submit = await declareSubmitData(CAROL, w);
    const title = `<at>${BOB.name}</at> **urgent** [x](https://evil.example)`;
    const before = bot.store.listOpen().length;
    await probe(taskSubmit({ ...submit, ...declareFields(title) }, where(CAROL, w)), { changes: true });
    expect(bot.store.listOpen()).toHaveLength(before + 1);
    expect(bot.store.listOpen().some((i) => i.title === title)).toBe(true);
  });
});

// ------------------------------------------------------------------ message action, other activity types

describe('the "Add to incident log" message action and other activities', () => {
  const logAction = () =>
    addToLogAction(
      {
        id: '1760000788888',
        html: '<p>hello</p>',
        author: BOB,
        createdDateTime: new Date().toISOString(),
        channel: room.split(';')[0]!,
      },
      inRoom(),
    );
  const cases: [string, () => Json, Expect?][] = [
    [
      'no messagePayload',
      () => {
        const a = logAction();
        delete a.value.messagePayload;
        return a;
      },
      { told: /Use this on a message/ },
    ],
    ['no value', () => invoke('composeExtension/submitAction', undefined, inRoom())],
    [
      'an unknown command id',
      () => ({ ...logAction(), value: { ...logAction().value, commandId: 'deleteEverything' } }),
      { told: /Unknown command/ },
    ],
    [
      'a messagePayload that is a string',
      () => ({ ...logAction(), value: { ...logAction().value, messagePayload: 'hello' } }),
    ],
    [
      'a messagePayload whose id is an object and body a number',
      () => {
        const a = logAction();
        a.value.messagePayload.id = { id: 1 };
        a.value.messagePayload.body = 5;
        return a;
      },
      { changes: true },
    ],
    [
      'a messagePayload with <at> and a card in its body',
      () => {
        const a = logAction();
        a.value.messagePayload.id = '1760000799999';
        a.value.messagePayload.body = {
          contentType: 'html',
          content: `<p>${AT_INJECTION} ${MD_INJECTION}</p>`,
        };
        a.value.messagePayload.from = { user: { displayName: `<at>${CAROL.name}</at>` } };
        a.value.messagePayload.linkToMessage = 'javascript:alert(1)';
        return a;
      },
      { changes: true },
    ],
    [
      'a message action outside any incident',
      () => ({ ...logAction(), conversation: { ...logAction().conversation, id: newThread() } }),
      { told: /not in an incident/ },
    ],
    ['composeExtension/fetchTask (not offered)', () => invoke('composeExtension/fetchTask', {}, inRoom())],
    ['an unknown invoke name', () => invoke('no/such/invoke', { x: 1 }, inRoom())],
    ['an invoke with no name', () => ({ ...invoke('x', {}, inRoom()), name: undefined })],
    [
      'conversationUpdate: the bot added',
      () => ({
        ...rawMessage(undefined),
        type: 'conversationUpdate',
        membersAdded: [{ id: BOT_ID }],
        channelData: { eventType: 'teamMemberAdded', team: { id: 't' }, tenant: { id: 'x' } },
      }),
    ],
    [
      'conversationUpdate with garbage members and channelData',
      () => ({
        ...rawMessage(undefined),
        type: 'conversationUpdate',
        membersAdded: 'everyone',
        membersRemoved: [null, 5],
        channelData: 'x',
      }),
    ],
    ['messageReaction with no reactions', () => ({ ...rawMessage(undefined), type: 'messageReaction' })],
    [
      'installationUpdate',
      () => ({ ...rawMessage(undefined), type: 'installationUpdate', action: 'remove' }),
    ],
    ['typing', () => ({ ...rawMessage(undefined), type: 'typing' })],
    [
      'an event',
      () => ({ ...rawMessage(undefined), type: 'event', name: 'application/vnd.microsoft.meetingStart' }),
    ],
    ['an unknown activity type', () => ({ ...rawMessage('incident log x'), type: 'somethingNew' })],
    [
      'a messageUpdate of a message never logged',
      () => ({ ...rawMessage('<p>edited</p>'), type: 'messageUpdate' }),
    ],
    [
      'a messageDelete with no id',
      () => ({ ...rawMessage(undefined), type: 'messageDelete', id: undefined }),
    ],
  ];
  for (const [name, build, e] of cases)
    it(name, async () => {
      tried.corpus++;
      await probe(build(), e);
    });
});

// ------------------------------------------------------------------ fast-check

describe('random activities (fast-check, seed 42)', () => {
  const anyJson = fc.jsonValue({ maxDepth: 3 });
  const anyText = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom('', ' ', '\u0000', '<at>Bob</at>', '__proto__', 'constructor', big(5000)),
  );

  it('random JSON as the value of each invoke changes nothing and never errs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('adaptiveCard/action', 'task/fetch', 'task/submit', 'composeExtension/submitAction'),
        anyJson,
        async (name, value) => {
          tried.properties++;
          await probe(invoke(name, value, inRoom()));
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });

  it('random data for the real verbs and forms never errs (valid commands may change state)', async () => {
    const field = fc.oneof(anyText, anyJson);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            name: fc.constant('adaptiveCard/action'),
            verb: fc.constantFrom(...Object.values(VERB)),
            data: fc.dictionary(
              fc.constantFrom(
                'role',
                'item',
                'state',
                'minutes',
                'snoozeKind',
                'due',
                'id',
                'src',
                'form',
                'incidentKey',
              ),
              field,
              { maxKeys: 5 },
            ),
          }),
          fc.record({
            name: fc.constant('task/submit'),
            verb: fc.constant(''),
            data: fc.record(
              {
                form: fc.constantFrom(
                  'declare',
                  'update',
                  'alert',
                  'phase',
                  'close',
                  'reclassify',
                  'followup',
                  'review',
                ),
                title: field,
                triggerClass: fc.oneof(field, fc.constant('service_outage')),
                impact: field,
                severeImpact: field,
                commander: field,
                status: field,
                developments: field,
                what: field,
                owner: field,
                due: field,
                move: field,
                reason: field,
              },
              { requiredKeys: ['form'] },
            ),
          }),
        ),
        async ({ name, verb, data }) => {
          tried.properties++;
          const act =
            name === 'task/submit'
              ? dialogSubmit(data)
              : execute(verb, {
                  ...data,
                  action: verb,
                  incidentKey: typeof data.incidentKey === 'string' ? key : data.incidentKey,
                });
          await probe(act, { changes: true });
        },
      ),
      { seed: 42, numRuns: 120 },
    );
  });

  it('random message text (with and without "incident <verb>") never errs', async () => {
    const verbs = [
      '',
      'incident ',
      'incident log ',
      'incident role ',
      'incident evidence ',
      'incident decision ',
    ];
    const logsBefore = logCount();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...verbs), anyText, async (verb, text) => {
        tried.properties++;
        await probe(mentionMessage(`${verb}${text}`, inRoom(BOB)), { changes: true });
      }),
      { seed: 42, numRuns: 150 },
    );
    expect(logCount()).toBeGreaterThanOrEqual(logsBefore);
  });

  it('random JSON as message text never errs', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, async (text) => {
        tried.properties++;
        await probe(rawMessage(text, inRoom(BOB), [botMention]), { changes: typeof text === 'string' });
      }),
      { seed: 42, numRuns: 60 },
    );
  });
});

// ------------------------------------------------------------------ bodies that are no activity

describe('request bodies that are no activity', () => {
  const raw = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: res.status, text: await res.text() };
  };
  const cases: [string, string][] = [
    ['invalid JSON', '{"type":"message",'],
    ['a JSON string', '"incident status"'],
    ['JSON null', 'null'],
    ['a JSON array', '[{"type":"message"}]'],
    ['a 2 MB activity', JSON.stringify({ type: 'message', text: big(2_000_000) })],
  ];
  for (const [name, body] of cases)
    it(`${name}: a clean 4xx with no internal detail`, async () => {
      tried.corpus++;
      const before = snapshot();
      const sdk = bot.sdkErrors.length;
      const r = await raw(body, { authorization: 'Bearer not-a-token' });
      expect(r.status, r.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
      expect(r.text).not.toMatch(INTERNAL);
      expect(r.text).not.toMatch(/node_modules|\/work\//);
      // the SDK logs a refused token as an error of its own; nothing else
      const sdkLogged = bot.sdkErrors.slice(sdk).map((m) => String(m[0]));
      expect(sdkLogged.filter((m) => !/^JWT (validation|verification) failed/.test(m))).toEqual([]);
      expect(snapshot()).toEqual(before);
    });

  const authenticated: [string, () => Json][] = [
    ['an empty object', () => ({ serviceUrl: bot.connector.serviceUrl })],
    [
      'an array',
      () => Object.assign([{ type: 'message', text: 'incident status' }], { serviceUrl: undefined }),
    ],
    ['a message with only a type', () => ({ type: 'message', serviceUrl: bot.connector.serviceUrl })],
    [
      'an invoke with only a name',
      () => ({ type: 'invoke', name: 'task/fetch', serviceUrl: bot.connector.serviceUrl }),
    ],
  ];
  for (const [name, build] of authenticated)
    it(`${name}, with a valid token: no 500`, async () => {
      tried.corpus++;
      await probe(build());
    });
});
