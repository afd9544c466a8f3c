// Who may see and write what on Teams, through POST /api/messages and the fake Bot Connector: a
// confidential incident's thread goes to the private channel (TEAMS_CONFIDENTIAL_CHANNEL), never to the
// public incidents channel; the stakeholder channel hears only that one exists; an outsider's list shows
// it not, and a dialog submitted from another conversation with its key writes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BootedTeamsBot,
  bootTeamsBot,
  INCIDENTS_CHANNEL,
  STAKEHOLDER_CHANNEL,
} from '../../support/boot-teams-bot.js';
import {
  ALICE,
  CAROL,
  cardTexts,
  findAction,
  GENERAL_CHANNEL,
  type Json,
  membersChanged,
  mentionMessage,
  type Person,
  taskFetch,
  taskSubmit,
} from './activities.js';

const CONFIDENTIAL_CHANNEL = '19:security0000000000000000000000@thread.tacv2';

let bot: BootedTeamsBot;
afterEach(async () => {
  await bot?.close();
});

let thread = 1760000900000;
const newThread = () => `${GENERAL_CHANNEL};messageid=${++thread}`;
const where = (from: Person, conversationId: string) => ({
  serviceUrl: bot.connector.serviceUrl,
  from,
  conversationId,
});

async function post(activity: Json): Promise<Json> {
  const res = await bot.sendActivity(activity);
  expect(res.status).toBe(200);
  return res.body;
}

async function declare(title: string, trigger: string, visibility = 'default'): Promise<string> {
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
        impact: 'Attacker may place orders',
        severeImpact: 'false',
        drill: 'false',
        visibility,
      },
      where(ALICE, w),
    ),
  );
  expect(ok.task.type).toBe('message');
  await bot.settle();
  return bot.store.listOpen().find((i) => i.title === title)!.key;
}

describe('confidential incidents on Teams', () => {
  it('get a thread in the private channel; the stakeholder channel and an outsider learn nothing of them', async () => {
    bot = await bootTeamsBot({ env: { TEAMS_CONFIDENTIAL_CHANNEL: CONFIDENTIAL_CHANNEL } });
    const key = await declare('Leaked order gateway key', 'security_exposure');
    const i = bot.store.get(key)!;
    expect(i.confidential).toBe(true);
    expect(i.room?.id.startsWith(`${CONFIDENTIAL_CHANNEL};messageid=`)).toBe(true);
    const sends = bot.connector.sent();
    expect(sends.some((r) => (r.conversationId ?? '').startsWith(INCIDENTS_CHANNEL))).toBe(false);
    const stake = JSON.stringify(
      sends.filter((r) => (r.conversationId ?? '').startsWith(STAKEHOLDER_CHANNEL)).map((r) => r.body),
    );
    expect(stake).toContain('A confidential incident was declared');
    for (const bit of [key, 'Leaked order gateway key', 'Attacker may place orders'])
      expect(stake).not.toContain(bit);

    // Carol, in #general, lists open incidents: none she may see
    const listed = await post(mentionMessage('incident list', where(CAROL, GENERAL_CHANNEL)));
    void listed;
    await bot.settle();
    const toGeneral = bot.connector
      .sent()
      .filter((r) => r.conversationId === GENERAL_CHANNEL)
      .map((r) => JSON.stringify(r.body));
    expect(toGeneral.length).toBeGreaterThan(0);
    for (const t of toGeneral) expect(t).not.toContain(key);

    // a dialog submitted from #general with the incident's key: refused, nothing written
    const before = bot.store.logEntries(key).length;
    const open = await post(
      taskFetch(
        { data: { msteams: { type: 'task/fetch' }, dialog: 'followup', incidentKey: key } },
        where(CAROL, GENERAL_CHANNEL),
      ),
    );
    expect(open.task.type).toBe('message');
    expect(String(open.task.value)).toContain('You are not a member of this incident');
    const crafted = await post(
      taskSubmit(
        {
          form: 'followup',
          incidentKey: key,
          what: 'nothing',
          acceptance: 'nothing',
          owner: CAROL.aadObjectId,
          due: '2026-12-31',
          objective: 'risk',
        },
        where(CAROL, GENERAL_CHANNEL),
      ),
    );
    expect(cardTexts(crafted.task?.value?.card?.content ?? {}) + JSON.stringify(crafted)).not.toContain(
      'Leaked order gateway key',
    );
    expect(bot.store.logEntries(key).length).toBe(before);
  });

  it('without a private channel configured get no room at all, never a public thread', async () => {
    bot = await bootTeamsBot();
    const key = await declare('Suspected spoofing by a client', 'safety_regulatory', 'confidential');
    expect(bot.store.get(key)!.room).toBeNull();
    const threads = bot.connector
      .sent()
      .filter((r) => r.op === 'createConversation' || (r.conversationId ?? '').startsWith(INCIDENTS_CHANNEL));
    expect(threads).toEqual([]);
    const log = bot.store
      .logEntries(key)
      .filter((e) => e.kind === 'room')
      .map((e) => JSON.parse(e.payload));
    expect(log.at(-1)).toMatchObject({ failed: true, fallbackRoomId: null });
    expect(String(log.at(-1).reason)).toContain('TEAMS_CONFIDENTIAL_CHANNEL');
  });

  it('people added to a conversation that is an incident room are members, and removed ones are not', async () => {
    bot = await bootTeamsBot({ incidentsChannel: false }); // the declaring conversation becomes the room
    const key = await declare('Vendor feed outage', 'service_outage');
    const room = bot.store.get(key)!.room!.id;
    await post(membersChanged(where(ALICE, room), [CAROL]));
    expect(bot.store.get(key)!.members).toContain(CAROL.aadObjectId);
    await post(membersChanged(where(ALICE, room), [], [CAROL]));
    expect(bot.store.get(key)!.members).not.toContain(CAROL.aadObjectId);
    const kinds = bot.store
      .logEntries(key)
      .filter((e) => e.kind === 'member')
      .map((e) => JSON.parse(e.payload).kind);
    expect(kinds.slice(-2)).toEqual(['joined', 'left']);
  });
});
