// Actions with a record (issue 19: "Freeze deployments via the promotion gate", "Trigger emergency switch-off
// or throttling"), end to end through each platform's real endpoint: the IC presses the action's button or
// types `action <id>`, confirms the consequence, the fake system on 127.0.0.1 gets the call with its auth
// header and body, the decision log keeps the answer (status, latency), the checklist item is done, and the
// undo works. Refusals (not the role, not configured) call nothing; failures (401, 404, 429 then success,
// a timeout then success) are retried or given up as they should be, and the room is told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import { plainText } from '../../src/domain/text.js';
import { ACTION, VIEW } from '../../src/platforms/slack/ids.js';
import { REF } from '../../src/platforms/slack/room-creator.js';
import { SlackDriver } from '../scenarios/slack-driver.js';
import { TEAMS_USERS, TeamsDriver } from '../scenarios/teams-driver.js';
import { bootLocalBot, ConsoleClient, type LocalBot } from '../support/boot-local-bot.js';
import { bootSlackBot, type SlackBot } from '../support/boot-slack-bot.js';
import { type BootedTeamsBot, bootTeamsBot } from '../support/boot-teams-bot.js';
import type { Json } from '../support/fake-slack-api.js';
import { type FakeWebhook, startFakeWebhook } from '../support/fake-webhook.js';
import { stateValue } from '../support/slack-request.js';
import {
  cardOf,
  cardTexts,
  executeClick,
  findAction,
  mentionMessage,
  taskFetch,
  taskSubmit,
} from './teams/activities.js';

const outage = {
  title: 'Bad release rolling out',
  triggerClass: 'service_outage',
  impact: 'Orders rejected',
  severeImpact: true,
  drill: false,
};

const GATE_TOKEN = 'gate-secret-7f3a';
const SWITCH_TOKEN = 'switch-secret-91c2';

function envFor(fake: FakeWebhook, o: { withoutSwitchToken?: boolean } = {}): Record<string, string> {
  return {
    PROMOTION_GATE_URL: `${fake.url}/gate`,
    PROMOTION_GATE_TOKEN: GATE_TOKEN,
    MASTER_SWITCH_URL: `${fake.url}/switch`,
    ...(o.withoutSwitchToken ? {} : { MASTER_SWITCH_TOKEN: SWITCH_TOKEN }),
    ACTION_TIMEOUT_SECONDS: '0.5',
  };
}

type Row = { kind: string; payload: string; actor: string };
const actionEntries = (rows: Row[]) =>
  rows.filter((r) => r.kind === 'action').map((r) => JSON.parse(r.payload) as Record<string, unknown>);

let fake: FakeWebhook;
beforeAll(async () => {
  fake = await startFakeWebhook();
});
afterAll(async () => {
  await fake.close();
});

describe('Slack: actions with a record', () => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await bootSlackBot({ env: envFor(fake) });
  });
  afterAll(async () => {
    await bot.close();
  });

  const IC = 'U0IC';
  const incident = (key: string): Incident => bot.store.get(key)!;

  /** Presses the summary's button for `action` and returns the modal it opened. */
  async function pressSummaryButton(key: string, action: string, user = IC): Promise<Json | string> {
    const ref = bot.outbox.getMessageRef(key, 'slack', REF.summary)!;
    const blocks: Json[] = bot.fake.message(ref.channel, ref.ref)!.blocks ?? [];
    const button = blocks
      .flatMap((b) => (b.elements ?? []).map((e: Json) => ({ block: b.block_id, e })))
      .find(({ e }) => e.action_id === `${ACTION.openAction}:${action}`);
    if (!button) throw new Error(`no ${action} button on the summary`);
    const opened = bot.fake.callsTo('views.open').length;
    const said = bot.fake.callsTo('chat.postEphemeral').length;
    const res = await bot.sim.blockAction({
      actionId: button.e.action_id,
      blockId: button.block,
      value: button.e.value,
      userId: user,
      channelId: ref.channel,
      messageTs: ref.ref,
    });
    expect(res.status).toBe(200);
    for (let n = 0; n < 100; n++) {
      if (bot.fake.callsTo('views.open').length > opened)
        return bot.fake.callsTo('views.open').at(-1)!.args.view;
      if (bot.fake.callsTo('chat.postEphemeral').length > said)
        return String(bot.fake.callsTo('chat.postEphemeral').at(-1)!.args.text);
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the button opened nothing and said nothing');
  }

  async function confirm(key: string, action: string, reason: string, user = IC) {
    const res = await bot.sim.viewSubmission({
      callbackId: VIEW.action,
      userId: user,
      privateMetadata: JSON.stringify({ k: key, c: incident(key).room!.id }),
      values: {
        action_id: { value: stateValue.radio(action) },
        reason: { value: stateValue.plainText(reason) },
      },
    });
    expect(res.status).toBe(200);
    return res.body;
  }

  const roomTexts = (key: string) =>
    bot.fake
      .messagesIn(incident(key).room!.id)
      .map((m) => JSON.stringify([m.text, m.blocks]))
      .join('\n');

  it('the IC freezes deployments after confirming; the gate gets one call; the log, the checklist and the room agree; unfreeze undoes it', async () => {
    const d = new SlackDriver(bot);
    const key = await d.declare(outage, 'ic');
    const modal = await pressSummaryButton(key, 'freeze_deployments');
    expect(typeof modal).toBe('object');
    const shown = JSON.stringify(modal);
    expect((modal as Json).callback_id).toBe(VIEW.action);
    expect(shown).toContain('The promotion gate stops every deployment to production');
    expect(fake.callsTo('/gate/freeze')).toHaveLength(0); // opening the confirmation calls nothing

    const answer = await confirm(key, 'freeze_deployments', 'bad release 4.2 is rolling out');
    expect(JSON.stringify(answer)).toContain(
      'Requested: Freeze deployments. The answer is posted in the room.',
    );
    await d.settle();

    const [call] = fake.callsTo('/gate/freeze');
    expect(fake.callsTo('/gate/freeze')).toHaveLength(1);
    expect(call!.method).toBe('POST');
    expect(call!.headers.authorization).toBe(`Bearer ${GATE_TOKEN}`);
    expect(call!.headers['idempotency-key']).toMatch(/action:freeze_deployments\.1$/);
    expect(call!.body).toEqual({
      incident: key,
      title: outage.title,
      requested_by: expect.any(String),
      reason: 'bad release 4.2 is rolling out',
      request: 'freeze_deployments.1',
      drill: false,
    });

    const entries = actionEntries(bot.store.logEntries(key));
    expect(entries.map((e) => e.state)).toEqual(['requested', 'succeeded']);
    expect(entries[1]).toMatchObject({
      status: 200,
      attempt: 1,
      // the playbook's url, its variable by name: never the address it holds
      // biome-ignore lint/suspicious/noTemplateCurlyInString: `${NAME}` is the playbook's variable syntax
      target: '${PROMOTION_GATE_URL}/freeze',
    });
    expect(entries[1]!.latencyMs).toEqual(expect.any(Number));
    expect(incident(key).checklist['stabilize.freeze_deploys']).toMatchObject({ state: 'done', by: IC });
    const checklist = bot.store
      .logEntries(key)
      .filter((r) => r.kind === 'checklist')
      .map((r) => JSON.parse(r.payload));
    expect(checklist).toEqual([
      expect.objectContaining({ item: 'stabilize.freeze_deploys', action: 'freeze_deployments' }),
    ]);
    // secrets never reach the record
    expect(JSON.stringify(bot.store.logEntries(key))).not.toContain(GATE_TOKEN);
    expect(roomTexts(key)).toMatch(/Freeze deployments\* done \(HTTP 200, \d+ ms\)/);

    // the summary now offers the undo; typed, it opens the same confirmation with the reason filled in
    const opened = bot.fake.callsTo('views.open').length;
    const typed = await bot.sim.slash('action unfreeze release rolled back', {
      userId: IC,
      channelId: incident(key).room!.id,
    });
    expect(typed.status).toBe(200);
    const view = (await bot.fake.waitForCalls('views.open', opened + 1)).at(-1)!.args.view;
    expect(JSON.stringify(view)).toContain('release rolled back');
    await confirm(key, 'unfreeze_deployments', 'release rolled back');
    await d.settle();
    expect(fake.callsTo('/gate/unfreeze')).toHaveLength(1);
    expect(actionEntries(bot.store.logEntries(key)).map((e) => [e.action, e.state])).toEqual([
      ['freeze_deployments', 'requested'],
      ['freeze_deployments', 'succeeded'],
      ['unfreeze_deployments', 'requested'],
      ['unfreeze_deployments', 'succeeded'],
    ]);

    // someone without the role is refused, whether by button or typed; nothing is called
    const calls = fake.calls.length;
    const refusal = await pressSummaryButton(key, 'freeze_deployments', 'U0COMMS');
    expect(plainText(String(refusal))).toMatch(
      /Only the Incident commander or Technical lead can run "Freeze deployments"/,
    );
    const typedRefusal = await bot.sim.slash('action master_switch_off limits', {
      userId: 'U0COMMS',
      channelId: incident(key).room!.id,
    });
    expect(String(typedRefusal.body?.text)).toMatch(
      /Only the Incident commander can run "Master switch off"/,
    );
    expect(fake.calls.length).toBe(calls);
  });

  it('401 is final and shown; 429 with Retry-After is retried: called twice, completed once', async () => {
    const d = new SlackDriver(bot);
    const key = await d.declare({ ...outage, title: 'Gate refuses us' }, 'ic');
    fake.script('/gate/freeze', [{ status: 401, body: '{"error":"bad token"}' }]);
    const before = fake.callsTo('/gate/freeze').length;
    await pressSummaryButton(key, 'freeze_deployments');
    await confirm(key, 'freeze_deployments', 'first try');
    await d.settle();
    expect(fake.callsTo('/gate/freeze').length - before).toBe(1);
    expect(actionEntries(bot.store.logEntries(key)).at(-1)).toMatchObject({
      state: 'failed',
      status: 401,
      excerpt: '{"error":"bad token"}',
    });
    expect(incident(key).checklist['stabilize.freeze_deploys']).toBeUndefined();
    expect(roomTexts(key)).toMatch(/Freeze deployments\* failed: HTTP 401 Unauthorized after 1 attempt/);

    fake.script('/gate/freeze', [{ status: 429, headers: { 'retry-after': '1' }, body: 'slow down' }]);
    const second = fake.callsTo('/gate/freeze').length;
    await pressSummaryButton(key, 'freeze_deployments');
    await confirm(key, 'freeze_deployments', 'second try');
    await d.settle();
    const calls = fake.callsTo('/gate/freeze').slice(second);
    expect(calls).toHaveLength(2);
    // the same idempotency key on both attempts: the gate can tell a retry from a new freeze
    expect(calls[0]!.headers['idempotency-key']).toBe(calls[1]!.headers['idempotency-key']);
    expect(
      actionEntries(bot.store.logEntries(key))
        .slice(-3)
        .map((e) => [e.state, e.status]),
    ).toEqual([
      ['requested', undefined],
      ['attempt_failed', 429],
      ['succeeded', 200],
    ]);
    const ticks = bot.store.logEntries(key).filter((r) => r.kind === 'checklist');
    expect(ticks).toHaveLength(1);
    expect(roomTexts(key)).toMatch(/Freeze deployments\*: attempt 1 failed \(HTTP 429/);
  });

  it('404 is final; a timeout is retried and then succeeds', async () => {
    const d = new SlackDriver(bot);
    const key = await d.declare({ ...outage, title: 'Limits exceeded' }, 'ic');
    fake.script('/switch/off', [{ status: 404, body: 'no such switch' }]);
    await pressSummaryButton(key, 'master_switch_off');
    await confirm(key, 'master_switch_off', 'limits exceeded');
    await d.settle();
    expect(actionEntries(bot.store.logEntries(key)).at(-1)).toMatchObject({ state: 'failed', status: 404 });
    expect(incident(key).checklist['stabilize.switch_off']).toBeUndefined();

    fake.script('/switch/off', [{ status: 200, delayMs: 1500, body: '{}' }]);
    const before = fake.callsTo('/switch/off').length;
    await pressSummaryButton(key, 'master_switch_off');
    await confirm(key, 'master_switch_off', 'limits still exceeded');
    await d.settle();
    expect(fake.callsTo('/switch/off').length - before).toBe(2);
    const last = actionEntries(bot.store.logEntries(key)).slice(-3);
    expect(last.map((e) => e.state)).toEqual(['requested', 'attempt_failed', 'succeeded']);
    expect(last[1]).toMatchObject({ status: 0, error: 'timed out after 0.5 s' });
    expect(incident(key).checklist['stabilize.switch_off']?.state).toBe('done');
    expect(JSON.stringify(bot.store.logEntries(key))).not.toContain(SWITCH_TOKEN);
  });
});

describe('Teams: actions with a record', () => {
  let bot: BootedTeamsBot;
  beforeAll(async () => {
    bot = await bootTeamsBot({ env: envFor(fake, { withoutSwitchToken: true }) });
  });
  afterAll(async () => {
    await bot.close();
  });

  const where = (who: 'ic' | 'comms', key: string) => ({
    serviceUrl: bot.connector.serviceUrl,
    from: TEAMS_USERS[who],
    conversationId: bot.store.get(key)!.room!.id,
  });
  const summaryCard = (key: string) =>
    cardOf(bot.connector.activityById(bot.outbox.getMessageRef(key, 'teams', 'summary')!.ref));
  const opener = (key: string, action: string) =>
    findAction(summaryCard(key), (a) => a.data?.dialog === 'action' && a.data?.prefill?.action_id === action);

  it('the IC freezes from the summary card, unfreezes by typing; others and the unconfigured are refused', async () => {
    const d = new TeamsDriver(bot);
    const key = await d.declare({ ...outage, title: 'Teams freeze' }, 'ic');
    const before = fake.callsTo('/gate/freeze').length;

    const fetched = (await bot.sendActivity(taskFetch(opener(key, 'freeze_deployments'), where('ic', key))))
      .body;
    expect(fetched.task?.type).toBe('continue');
    const card = fetched.task.value.card.content;
    expect(cardTexts(card)).toContain('The promotion gate stops every deployment to production');
    const submit = findAction(card, (a) => a.type === 'Action.Submit');
    const done = (
      await bot.sendActivity(
        taskSubmit(
          { ...submit.data, action_id: 'freeze_deployments', reason: 'bad release' },
          where('ic', key),
        ),
      )
    ).body;
    expect(done.task?.type).toBe('message');
    await bot.settle();

    const calls = fake.callsTo('/gate/freeze').slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers.authorization).toBe(`Bearer ${GATE_TOKEN}`);
    expect(calls[0]!.body).toMatchObject({ incident: key, reason: 'bad release', drill: false });
    expect(actionEntries(bot.store.logEntries(key)).map((e) => e.state)).toEqual(['requested', 'succeeded']);
    expect(actionEntries(bot.store.logEntries(key))[1]).toMatchObject({
      status: 200,
      latencyMs: expect.any(Number),
    });
    expect(bot.store.get(key)!.checklist['stabilize.freeze_deploys']?.state).toBe('done');

    // typed: the confirmation is an inline card, submitted from the conversation
    const sent = bot.connector.activities.length;
    const r = await bot.sendActivity(
      mentionMessage('incident action unfreeze_deployments fixed', where('ic', key)),
    );
    expect(r.status).toBe(200);
    const formMsg = (await bot.connector.waitForActivities(sent + 1))
      .slice(sent)
      .find((a) => cardOf(a.body))!;
    const form = cardOf(formMsg.body);
    expect(cardTexts(form)).toContain('lets deployments to production through again');
    const go = findAction(form, (a) => a.data?.form === 'action');
    const clicked = await bot.sendActivity(
      executeClick(
        go,
        { action_id: 'unfreeze_deployments', reason: 'fixed' },
        { ...where('ic', key), replyToId: formMsg.responseId },
      ),
    );
    expect(JSON.stringify(clicked.body)).toContain('Requested: Unfreeze deployments');
    await bot.settle();
    expect(fake.callsTo('/gate/unfreeze').at(-1)?.body).toMatchObject({ incident: key, reason: 'fixed' });
    expect(bot.store.get(key)!.actionRuns?.map((x) => [x.action, x.state])).toEqual([
      ['freeze_deployments', 'succeeded'],
      ['unfreeze_deployments', 'succeeded'],
    ]);

    // Bob holds no role that may freeze; the master switch has no token here: both refused, nothing called
    const callsNow = fake.calls.length;
    const bob = (await bot.sendActivity(taskFetch(opener(key, 'freeze_deployments'), where('comms', key))))
      .body;
    expect(bob.task?.type).toBe('message');
    expect(String(bob.task.value)).toMatch(/Only the Incident commander or Technical lead can run/);
    const off = (await bot.sendActivity(taskFetch(opener(key, 'master_switch_off'), where('ic', key)))).body;
    expect(String(off.task.value)).toBe(
      '"Master switch off" is not configured: set MASTER_SWITCH_TOKEN in the bot\'s environment (see docs/configuration.md, "Playbook actions"). Nothing was called.',
    );
    expect(fake.calls.length).toBe(callsNow);
    expect(bot.store.get(key)!.checklist['stabilize.switch_off']).toBeUndefined();
  });
});

describe('the local console: actions with a record', () => {
  let local: LocalBot;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    // local mode reads the actions' variables from the environment, as src/bot.ts does
    for (const [k, v] of Object.entries(envFor(fake))) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    local = await bootLocalBot({ ACTION_TIMEOUT_SECONDS: '0.5' });
  });
  afterAll(async () => {
    await local.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('the room offers the action; its form confirms it; the gate is called and the item is done', async () => {
    const c = await new ConsoleClient(local).enter('alice');
    const declared = await c.post('/declare', {
      _key: 'actions-declare-01',
      title: 'Console freeze',
      triggerClass: 'service_outage',
      impact: 'Orders rejected',
      severeImpact: 'no',
      visibility: 'default',
      commander: 'me',
    });
    await local.settle();
    const room = await c.get(declared.location!);
    const href = /href="([^"]*\/forms\/action\?action_id=freeze_deployments)"/.exec(room.html)?.[1];
    expect(href).toBeDefined();
    const form = await c.get(href!.replace(/&amp;/g, '&'));
    expect(form.status).toBe(200);
    expect(form.html).toContain('The promotion gate stops every deployment to production');
    const key = /\/incidents\/([^/]+)\//.exec(href!)![1]!;
    const before = fake.callsTo('/gate/freeze').length;
    const posted = await c.post(`/incidents/${key}/forms/action`, {
      _key: 'actions-console-01',
      action_id: 'freeze_deployments',
      reason: 'console drill of the gate',
    });
    expect(posted.status).toBe(303);
    await local.settle();
    expect(fake.callsTo('/gate/freeze').length - before).toBe(1);
    expect(fake.callsTo('/gate/freeze').at(-1)!.headers.authorization).toBe(`Bearer ${GATE_TOKEN}`);
    expect(local.bot.store.get(key)!.checklist['stabilize.freeze_deploys']?.state).toBe('done');
  });
});
