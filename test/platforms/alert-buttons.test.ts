// An alert prompt's three buttons end to end (issue 21), through the real receivers: Declare incident (the
// declare form prefilled from the alert; the incident's log has the alert right after `declared`; the prompt
// then says "Declared as INC-…"), Add to INC-… (only incidents the person is in: a confidential one of
// someone else is not offered; the alert is logged and posted in the room), Dismiss (a reason), a second
// decision on a settled alert refused, and the alert resolving (logged, posted in the room, shown by the
// close form as evidence that impact ceased). Slack runs the real bot (src/bot.ts) with its alert webhook.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertStore } from '../../src/app/alert-ports.js';
import { ALERT_ACTIONS, type AlertGroup } from '../../src/domain/alert-group.js';
import type { Actor } from '../../src/domain/incident.js';
import { ACTION, VIEW } from '../../src/platforms/slack/ids.js';
import { alertButton } from '../../src/platforms/teams/render/alert-buttons.js';
import { SqliteAlertStore } from '../../src/storage/sqlite/alert-store.js';
import { type RealBot, startRealBot } from '../faults/real-bot.js';
import { alertGroup, alertNotification } from '../helpers/alerts.js';
import { type BootedTeamsBot, bootTeamsBot } from '../support/boot-teams-bot.js';
import type { Json } from '../support/fake-slack-api.js';
import { stateValue } from '../support/slack-request.js';
import { waitFor } from '../support/wait-for.js';
import { ALICE, CAROL, cardOf, cardTexts, findAction, taskFetch, taskSubmit } from './teams/activities.js';

const TOKEN = 'alert-buttons-token-0123456789abcdef';
const ALERTS = 'C0ALERTS';

/** Alertmanager's recorded payload (test/fixtures/alerts) for a `severity: page` alert of its own group. */
function alertmanager(name: string, summary: string, status: 'firing' | 'resolved' = 'firing'): Json {
  const file = status === 'firing' ? 'alertmanager-firing.json' : 'alertmanager-resolved.json';
  const p = JSON.parse(readFileSync(new URL(`../fixtures/alerts/${file}`, import.meta.url), 'utf8'));
  p.groupKey = `{}:{alertname="${name}"}`;
  p.groupLabels.alertname = name;
  p.commonLabels = { ...p.commonLabels, alertname: name, severity: 'page' };
  p.commonAnnotations.summary = summary;
  for (const a of p.alerts) {
    a.labels = { ...a.labels, alertname: name, severity: 'page' };
    // Alertmanager's fingerprint is its labels' (an alert of another name has another one)
    a.fingerprint = `fp-${name}`;
  }
  return p;
}

const suggestion = {
  rule: 'page',
  triggerClass: 'service_outage',
  impact: 'Prices stale for the desks',
  severe: true,
  mode: 'prompt' as const,
  notify: [],
};

/** A firing alert group in the store, as the intake leaves it (its raw notification kept). */
function firing(store: AlertStore, n: number, channel: string, over: Partial<AlertGroup> = {}): AlertGroup {
  const groupKey = `{}:{alertname="Alert${n}"}`;
  return store.save(
    alertGroup({ groupKey, summary: `Pricing API error rate above ${n}%`, suggestion, channel, ...over }),
    new Date(),
    { notification: alertNotification({ groupKey, raw: `{"version":"4","n":${n}}` }) },
  );
}

const kinds = (bot: { store: { logEntries(k: string): { kind: string }[] } }, key: string) =>
  bot.store.logEntries(key).map((e) => e.kind);
const payloads = (
  bot: { store: { logEntries(k: string): { kind: string; payload: string }[] } },
  key: string,
) => bot.store.logEntries(key).map((e) => ({ kind: e.kind, payload: JSON.parse(e.payload) as Json }));

describe('alert prompt buttons on Slack (real bot)', () => {
  let rb: RealBot;
  let store: AlertStore;
  let view = 0;
  const ALICE_ID = 'U0ALICE';
  const CAROL_ID = 'U0CAROL';
  let declared = '';
  let hidden = '';

  beforeAll(async () => {
    rb = await startRealBot({ ALERT_WEBHOOK_TOKEN: TOKEN, ALERTS_CHANNEL: ALERTS });
    rb.fake.addChannel({ id: ALERTS, name: 'alerts', members: ['U0BOT', ALICE_ID, CAROL_ID] });
    store = new SqliteAlertStore(rb.bot.db);
  });
  afterAll(async () => {
    await rb?.close();
  });

  const settle = () => rb.bot.dispatcher.drain(5000);
  /** POSTs a notification to the bot's Alertmanager webhook; the group's id. */
  async function webhook(body: Json): Promise<string> {
    const r = await fetch(`${rb.bot.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(200);
    const { alert } = (await r.json()) as { alert: string };
    await settle();
    return alert;
  }
  /** The group's prompt in the alerts channel, as Slack holds it now. */
  function prompt(alert: string): Json {
    const ref = rb.bot.outbox.getMessageRef(alert, 'slack', 'alert_prompt:1');
    if (!ref) throw new Error(`no prompt for ${alert}`);
    return rb.fake.message(ALERTS, ref.ref)!;
  }
  /** Clicks one of the prompt's buttons, as Slack sends it (the button read from the posted message). */
  function click(kind: keyof typeof ALERT_ACTIONS, alert: string, userId: string) {
    const msg = prompt(alert);
    const button = (msg.blocks as Json[])
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .find((e: Json) => e.action_id === ALERT_ACTIONS[kind]);
    if (!button) throw new Error(`no ${kind} button on the prompt of ${alert}`);
    return rb.sim.blockAction({
      actionId: button.action_id,
      value: button.value,
      userId,
      channelId: ALERTS,
      messageTs: msg.ts,
    });
  }
  /** The modal the click opened. */
  async function opened(calls: number): Promise<Json> {
    const [call] = (await rb.fake.waitForCalls('views.open', calls)).slice(calls - 1);
    return call!.args.view as Json;
  }
  const submit = (callbackId: string, userId: string, alert: string, values: Record<string, Json>) =>
    rb.sim.viewSubmission({
      callbackId,
      userId,
      privateMetadata: JSON.stringify({ a: alert, c: ALERTS }),
      viewId: `VALERT${++view}`,
      values,
    });

  it('Declare incident: the declare modal prefilled; the alert is the first evidence; the prompt says so', async () => {
    const id = await webhook(alertmanager('PricingErrors', 'Pricing API error rate above 5%'));
    const before = rb.fake.callsTo('views.open').length;
    expect((await click('declare', id, ALICE_ID)).status).toBe(200);
    const modal = await opened(before + 1);
    expect(modal.callback_id).toBe(VIEW.alertDeclare);
    expect(JSON.parse(modal.private_metadata)).toEqual({ a: id, c: ALERTS });
    const block = (b: string) => modal.blocks.find((x: Json) => x.block_id === b)?.element;
    expect(block('title').initial_value).toBe('Pricing API error rate above 5%');
    // the shipped playbook's `page` rule: an outage with severe customer impact
    expect(block('triggerClass').initial_option.value).toBe('service_outage');
    expect(block('severeImpact').initial_option.value).toBe('yes');
    expect(JSON.stringify(modal.blocks)).toContain(id);

    const res = await submit(VIEW.alertDeclare, ALICE_ID, id, {
      title: { value: stateValue.plainText('Pricing API error rate above 5%') },
      triggerClass: { value: stateValue.radio('service_outage') },
      impact: { value: stateValue.plainText('Prices stale for the desks') },
      severeImpact: { value: stateValue.radio('yes') },
      drill: { value: stateValue.checkboxes([]) },
      visibility: { value: stateValue.radio('default') },
      commander: { value: stateValue.usersSelect(null) },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toMatch(new RegExp(`INC-\\d{4}-\\d{4} declared from ${id}`));
    const decided = store.get(id)!.decision;
    expect(decided).toMatchObject({ kind: 'declared', by: ALICE_ID });
    declared = (decided as { incident: string }).incident;
    const i = rb.bot.store.get(declared)!;
    expect(i.declaredBy).toBe(ALICE_ID);
    expect(i.alerts).toEqual([expect.objectContaining({ id, status: 'firing' })]);
    // the alert is the incident's first evidence, right after `declared`, with the raw notification
    expect(kinds(rb.bot, declared).slice(0, 2)).toEqual(['declared', 'evidence']);
    const evidence = payloads(rb.bot, declared)[1]!.payload;
    expect(evidence).toMatchObject({ alert: id, source: 'alertmanager', labels: { severity: 'page' } });
    expect(JSON.parse(evidence.raw).groupKey).toBe('{}:{alertname="PricingErrors"}');
    await settle();
    await waitFor(() => rb.bot.store.get(declared)?.room, 'the incident channel');
    // the prompt, updated in place: who declared what, and no buttons left
    const blocks = JSON.stringify(prompt(id).blocks);
    expect(blocks).toContain(`Declared as *${declared}* by <@${ALICE_ID}>`);
    expect(blocks).not.toContain(ALERT_ACTIONS.declare);
  });

  it('a second decision on a settled alert is refused, and declares nothing', async () => {
    const id = store.get(store.byGroupKey('alertmanager', '{}:{alertname="PricingErrors"}')!.id)!.id;
    const open = rb.bot.store.listOpen().length;
    // an old copy of the prompt (its buttons): Carol dismisses
    await rb.sim.blockAction({
      actionId: ALERT_ACTIONS.dismiss,
      value: id,
      userId: CAROL_ID,
      channelId: ALERTS,
    });
    const told = await waitFor(
      () =>
        rb.fake.ephemerals.find((e) => e.user === CAROL_ID && String(e.text).includes(`${id} was already`)),
      'the refusal',
    );
    expect(told.text).toContain(`${id} was already declared as *${declared}* by <@${ALICE_ID}>`);
    // a modal left open meanwhile: its submission is refused in the modal
    const res = await submit(VIEW.alertDeclare, CAROL_ID, id, {
      title: { value: stateValue.plainText('Again') },
      triggerClass: { value: stateValue.radio('service_outage') },
      impact: { value: stateValue.plainText('x') },
      severeImpact: { value: stateValue.radio('no') },
      visibility: { value: stateValue.radio('default') },
    });
    expect(res.body.response_action).toBe('errors');
    expect(JSON.stringify(res.body.errors)).toContain(`${id} was already declared as`);
    // Alice's own form submitted again (a retry): answered with what it did, nothing declared again
    const again = await submit(VIEW.alertDeclare, ALICE_ID, id, {
      title: { value: stateValue.plainText('Pricing API error rate above 5%') },
      triggerClass: { value: stateValue.radio('service_outage') },
      impact: { value: stateValue.plainText('Prices stale for the desks') },
      severeImpact: { value: stateValue.radio('yes') },
      visibility: { value: stateValue.radio('default') },
    });
    expect(again.body.response_action).toBe('update');
    expect(JSON.stringify(again.body)).toContain(`${id} was already declared as ${declared} by you`);
    expect(rb.bot.store.listOpen().length).toBe(open);
  });

  it('Add to INC-…: only incidents the person is in (not a confidential one of someone else); logged and posted', async () => {
    // Carol's confidential incident: Alice is not in it, so it is not offered to her
    const carol: Actor = { platform: 'slack', id: CAROL_ID };
    const r = rb.bot.service.handle({
      key: 'carol-confidential',
      incidentKey: null,
      actor: carol,
      command: {
        type: 'declare',
        key: '',
        title: 'Suspected data leak',
        triggerClass: 'service_outage',
        impact: 'unknown',
        severeImpact: false,
        drill: false,
        confidential: true,
      },
    });
    if (!r.ok) throw new Error(r.error.message);
    hidden = r.incident.key;
    await settle();

    const id = await webhook(alertmanager('PricingLag', 'Pricing API error rate above 7%'));
    const before = rb.fake.callsTo('views.open').length;
    await click('attach', id, ALICE_ID);
    const modal = await opened(before + 1);
    expect(modal.callback_id).toBe(VIEW.alertAttach);
    const options = modal.blocks.find((b: Json) => b.block_id === 'incident').element.options as Json[];
    expect(options.map((o) => o.value)).toEqual([declared]);
    expect(JSON.stringify(modal)).not.toContain(hidden);

    // a forged choice (the confidential incident) is refused next to the field
    const forged = await submit(VIEW.alertAttach, ALICE_ID, id, {
      incident: { value: stateValue.staticSelect(hidden) },
    });
    expect(forged.body.response_action).toBe('errors');
    expect(forged.body.errors.incident).toBe('That incident is not open, or you are not in it.');

    const res = await submit(VIEW.alertAttach, ALICE_ID, id, {
      incident: { value: stateValue.staticSelect(declared) },
    });
    expect(JSON.stringify(res.body)).toContain(`${id} added to ${declared}`);
    expect(store.get(id)!.decision).toMatchObject({ kind: 'attached', incident: declared, by: ALICE_ID });
    const entry = payloads(rb.bot, declared).find((e) => e.kind === 'alert')!;
    expect(entry.payload).toMatchObject({ kind: 'attached', alert: id });
    expect(JSON.parse(entry.payload.raw).groupKey).toBe('{}:{alertname="PricingLag"}');
    await settle();
    const room = rb.bot.store.get(declared)!.room!.id;
    const posted = await waitFor(
      () => rb.fake.messagesIn(room).find((m) => JSON.stringify(m).includes(`added alert *${id}*`)),
      'the room post',
    );
    expect(JSON.stringify(posted)).toContain(`<@${ALICE_ID}> added alert *${id}* to this incident`);
    expect(JSON.stringify(prompt(id).blocks)).toContain(`Added to *${declared}* by <@${ALICE_ID}>`);
    // Carol is offered her own incident only
    const carolBefore = rb.fake.callsTo('views.open').length;
    const other = await webhook(alertmanager('PricingLatency', 'Pricing API latency above 2 s'));
    await click('attach', other, CAROL_ID);
    const hers = await opened(carolBefore + 1);
    const offered = hers.blocks.find((b: Json) => b.block_id === 'incident').element.options;
    expect(offered.map((o: Json) => o.value)).toEqual([hidden]);

    // Carol adds it to her confidential incident: the alerts channel is not told which one
    const added = await submit(VIEW.alertAttach, CAROL_ID, other, {
      incident: { value: stateValue.staticSelect(hidden) },
    });
    expect(JSON.stringify(added.body)).toContain(`${other} added to ${hidden}`);
    expect(store.get(other)!.decision).toMatchObject({
      kind: 'attached',
      incident: hidden,
      confidential: true,
    });
    await settle();
    const shown = JSON.stringify(prompt(other));
    expect(shown).toContain(`Added to a confidential incident by <@${CAROL_ID}>`);
    expect(shown).not.toContain(hidden);
    expect(shown).not.toContain('Suspected data leak');
    // a second decision: Alice (not a member) is not told which incident; Carol is
    for (const user of [ALICE_ID, CAROL_ID])
      await rb.sim.blockAction({
        actionId: ALERT_ACTIONS.dismiss,
        value: other,
        userId: user,
        channelId: ALERTS,
      });
    const toAlice = await waitFor(
      () =>
        rb.fake.ephemerals.find(
          (e) => e.user === ALICE_ID && String(e.text).includes(`${other} was already`),
        ),
      'the refusal to Alice',
    );
    expect(toAlice.text).toContain(`${other} was already added to a confidential incident by <@${CAROL_ID}>`);
    expect(toAlice.text).not.toContain(hidden);
    const toCarol = await waitFor(
      () =>
        rb.fake.ephemerals.find(
          (e) => e.user === CAROL_ID && String(e.text).includes(`${other} was already`),
        ),
      'the refusal to Carol',
    );
    expect(toCarol.text).toContain(`${other} was already added to *${hidden}*`);
  });

  it('an alert with an oversized annotation and group key is accepted, cut, and prompted', async () => {
    const body = alertmanager('PricingHuge', 'Pricing API error rate above 9%');
    body.commonAnnotations.description = 'd'.repeat(9_000);
    body.alerts[0].annotations.description = 'd'.repeat(9_000);
    body.groupKey = `{}:{alertname="PricingHuge", trace="${'t'.repeat(3_000)}"}`;
    const id = await webhook(body);
    const g = store.get(id)!;
    expect(g.truncated).toBe(true);
    expect(g.groupKey.length).toBeLessThanOrEqual(2_000);
    expect(g.groupKey).toMatch(/…sha256:[0-9a-f]{64}$/);
    expect(g.alerts[0]!.annotations.description).toHaveLength(8_000);
    expect(JSON.stringify(prompt(id).blocks)).toContain('were too long and were cut');
    // the same long key again finds the same group
    expect(await webhook(body)).toBe(id);
  });

  it('Dismiss: a reason is required; the alert is settled with it, and the prompt says so', async () => {
    const id = await webhook(alertmanager('PricingFlap', 'Pricing health check flapping'));
    const before = rb.fake.callsTo('views.open').length;
    await click('dismiss', id, ALICE_ID);
    const modal = await opened(before + 1);
    expect(modal.callback_id).toBe(VIEW.alertDismiss);
    const short = await submit(VIEW.alertDismiss, ALICE_ID, id, {
      reason: { value: stateValue.plainText('no') },
    });
    expect(short.body.errors.reason).toBe('At least 3 characters.');
    const res = await submit(VIEW.alertDismiss, ALICE_ID, id, {
      reason: { value: stateValue.plainText('planned maintenance of the pricing cluster') },
    });
    expect(JSON.stringify(res.body)).toContain(`${id} dismissed`);
    expect(store.get(id)!.decision).toMatchObject({
      kind: 'dismissed',
      by: ALICE_ID,
      reason: 'planned maintenance of the pricing cluster',
    });
    await settle();
    expect(JSON.stringify(prompt(id).blocks)).toContain(`Dismissed by <@${ALICE_ID}>`);
    await rb.sim.blockAction({
      actionId: ALERT_ACTIONS.declare,
      value: id,
      userId: CAROL_ID,
      channelId: ALERTS,
    });
    const told = await waitFor(
      () =>
        rb.fake.ephemerals.find((e) => e.user === CAROL_ID && String(e.text).includes(`${id} was already`)),
      'the refusal',
    );
    expect(told.text).toContain(`${id} was already dismissed by <@${ALICE_ID}>`);
    expect(told.text).toContain('planned maintenance');
  });

  it('the alert resolves: logged, posted in the room, and the close form shows it as evidence', async () => {
    const id = store.byGroupKey('alertmanager', '{}:{alertname="PricingErrors"}')!.id;
    const lag = store.byGroupKey('alertmanager', '{}:{alertname="PricingLag"}')!.id;
    await webhook(alertmanager('PricingErrors', 'Pricing API error rate above 5%', 'resolved'));
    const i = rb.bot.store.get(declared)!;
    const resolvedAt = store.get(id)!.resolvedAt!;
    expect(i.alerts?.find((a) => a.id === id)).toMatchObject({ status: 'resolved', resolvedAt });
    expect(
      payloads(rb.bot, declared)
        .filter((e) => e.kind === 'alert')
        .map((e) => e.payload.kind),
    ).toEqual(['attached', 'resolved']);
    const room = i.room!.id;
    const post = await waitFor(
      () => rb.fake.messagesIn(room).find((m) => JSON.stringify(m).includes(`Alert *${id}*`)),
      'the resolved post',
    );
    expect(JSON.stringify(post)).toContain(`Alert *${id}* (Pricing API error rate above 5%) resolved at`);

    // the close form (the IC, Alice, from the room's summary button, once in mitigation): the first alert
    // resolved, the second still firing
    const alice: Actor = { platform: 'slack', id: ALICE_ID };
    for (const phase of ['detection', 'containment']) {
      const confirmed = rb.bot.app
        .playbookFor(i)
        .phases.find((p) => p.id === phase)!
        .exitCriteria.map((c) => c.id);
      const moved = rb.bot.service.handle({
        key: `advance-${phase}`,
        incidentKey: declared,
        actor: alice,
        command: { type: 'advance_phase', confirmed },
      });
      if (!moved.ok) throw new Error(moved.error.message);
    }
    const before = rb.fake.callsTo('views.open').length;
    await rb.sim.blockAction({
      actionId: ACTION.openClose,
      value: declared,
      userId: ALICE_ID,
      channelId: room,
    });
    const modal = JSON.stringify(await opened(before + 1));
    expect(modal).toContain('Evidence for \\"Impact has ceased\\"');
    expect(modal).toContain(`*${id}* (Pricing API error rate above 5%) resolved at`);
    expect(modal).toContain(`*${lag}* (Pricing API error rate above 7%) is still firing`);
  });

  it('an incident made confidential after an alert was added to it is no longer named by the prompt', async () => {
    const id = await webhook(alertmanager('PricingCpu', 'Pricing API CPU above 90%'));
    await submit(VIEW.alertAttach, ALICE_ID, id, { incident: { value: stateValue.staticSelect(declared) } });
    await settle();
    expect(JSON.stringify(prompt(id).blocks)).toContain(`Added to *${declared}*`);
    // the IC makes it confidential; the decision recorded it as it was then
    const room = rb.bot.store.get(declared)!.room!.id;
    await rb.sim.slash('confidential', { userId: ALICE_ID, channelId: room });
    expect(rb.bot.store.get(declared)!.confidential).toBe(true);
    expect(store.get(id)!.decision).toMatchObject({ kind: 'attached', incident: declared });
    // the next notification refreshes the prompt: by the incident's confidentiality now
    await webhook(alertmanager('PricingCpu', 'Pricing API CPU above 90%'));
    // as the message stands now (the fake keeps earlier edits beside it)
    const { text, blocks } = prompt(id);
    const shown = JSON.stringify({ text, blocks });
    expect(shown).toContain('Added to a confidential incident');
    expect(shown).not.toContain(declared);
  });
});

describe('alert prompt buttons on Teams', () => {
  let bot: BootedTeamsBot;
  let store: SqliteAlertStore;
  beforeAll(async () => {
    bot = await bootTeamsBot();
    store = new SqliteAlertStore(bot.db);
  });
  afterAll(async () => {
    await bot?.close();
  });

  const TEAMS_ALERTS = '19:alerts000000000000000000000000@thread.tacv2';
  const where = (from = ALICE) => ({
    serviceUrl: bot.connector.serviceUrl,
    from,
    conversationId: TEAMS_ALERTS,
  });
  /** The group's prompt card in the alerts channel, as Teams holds it now. */
  const promptCard = (alert: string): Json =>
    cardOf(bot.connector.activityById(bot.outbox.getMessageRef(alert, 'teams', 'alert_prompt:1')!.ref));
  const fetchDialog = async (kind: 'declare' | 'attach' | 'dismiss', alert: string, from = ALICE) =>
    (await bot.sendActivity(taskFetch(alertButton(kind, alert), where(from)))).body;
  const submitDialog = async (card: Json, values: Record<string, unknown>, from = ALICE) => {
    const submit = findAction(card, (a) => a.type === 'Action.Submit');
    return (await bot.sendActivity(taskSubmit({ ...submit.data, ...values }, where(from)))).body;
  };

  it('Declare, Add to INC-…, Dismiss, and a second decision refused', async () => {
    const g = firing(store, 5, TEAMS_ALERTS, { platform: 'teams' });
    await bot.settle();
    // the prompt's Declare button, as the posted card carries it
    const button = findAction(promptCard(g.id), (a) => a.data?.dialog === ALERT_ACTIONS.declare);
    const opened = (await bot.sendActivity(taskFetch(button, where()))).body;
    expect(opened.task.type).toBe('continue');
    const card = opened.task.value.card.content;
    const input = (id: string): unknown => {
      const find = (x: Json): Json =>
        Array.isArray(x)
          ? x.map(find).find(Boolean)
          : x && typeof x === 'object'
            ? x.id === id
              ? x
              : find(Object.values(x))
            : undefined;
      return find(card.body)?.value;
    };
    expect(input('title')).toBe('Pricing API error rate above 5%');
    expect(input('triggerClass')).toBe('service_outage');
    expect(cardTexts(card)).toContain('ALERT-1');
    const done = await submitDialog(card, {
      title: 'Pricing API error rate above 5%',
      triggerClass: 'service_outage',
      impact: 'Prices stale for the desks',
      severeImpact: 'true',
      drill: 'false',
      visibility: 'default',
    });
    expect(done.task.type).toBe('message');
    const key = /(INC-\d{4}-\d{4}) declared from ALERT-1/.exec(done.task.value)?.[1];
    expect(key).toBeDefined();
    expect(store.get(g.id)!.decision).toMatchObject({
      kind: 'declared',
      incident: key,
      by: ALICE.aadObjectId,
    });
    expect(kinds(bot, key!).slice(0, 2)).toEqual(['declared', 'evidence']);
    await bot.settle();
    expect(cardTexts(promptCard(g.id))).toContain(`Declared as **${key}**`);

    // Carol: a second decision is refused
    const again = await fetchDialog('dismiss', g.id, CAROL);
    expect(again.task.type).toBe('message');
    expect(again.task.value).toContain(`ALERT-1 was already declared as ${key}`);

    // Add to INC-…: Alice's incident is offered; the alert is logged and posted in its room
    const g2 = firing(store, 7, TEAMS_ALERTS, { platform: 'teams' });
    const attach = (await fetchDialog('attach', g2.id)).task.value.card.content;
    expect(JSON.stringify(attach)).toContain(key!);
    const added = await submitDialog(attach, { incident: key });
    expect(added.task.value).toContain(`ALERT-2 added to ${key}`);
    expect(payloads(bot, key!).find((e) => e.kind === 'alert')!.payload).toMatchObject({ alert: 'ALERT-2' });
    await bot.settle();
    expect(JSON.stringify(bot.connector.activities)).toContain('added alert **ALERT-2** to this incident');
    // Carol is in no incident: nothing to add to
    const none = await fetchDialog('attach', firing(store, 8, TEAMS_ALERTS, { platform: 'teams' }).id, CAROL);
    expect(none.task.value).toContain('You are not in any open incident');

    // Dismiss with a reason
    const dismiss = (await fetchDialog('dismiss', 'ALERT-3')).task.value.card.content;
    const short = await submitDialog(dismiss, { reason: 'x' });
    expect(short.task.type).toBe('continue');
    expect(cardTexts(short.task.value.card.content)).toContain('At least 3 characters.');
    const dismissed = await submitDialog(dismiss, { reason: 'known flapping check' });
    expect(dismissed.task.value).toContain('ALERT-3 dismissed');
    expect(store.get('ALERT-3')!.decision).toMatchObject({
      kind: 'dismissed',
      reason: 'known flapping check',
    });
    await bot.settle();
    expect(cardTexts(promptCard('ALERT-3'))).toContain('Dismissed by');
  });
  it('a declaration refused by the core, corrected in the same dialog, is declared (a new nonce)', async () => {
    const g = firing(store, 9, TEAMS_ALERTS, { platform: 'teams' });
    const card = (await fetchDialog('declare', g.id)).task.value.card.content;
    const values = {
      triggerClass: 'service_outage',
      impact: 'Prices stale for the desks',
      severeImpact: 'false',
      drill: 'false',
      visibility: 'default',
    };
    // the title Alice declared minutes ago: the core refuses a twin; the dialog shows why
    const refused = await submitDialog(card, { ...values, title: 'Pricing API error rate above 5%' });
    expect(refused.task.type).toBe('continue');
    const shown = refused.task.value.card.content;
    expect(cardTexts(shown)).toContain('with this title');
    const nonce = (c: Json) => findAction(c, (a) => a.type === 'Action.Submit').data.nonce;
    expect(nonce(shown)).not.toBe(nonce(card));
    // corrected and submitted from the dialog as shown: a new request, not the refusal replayed
    const done = await submitDialog(shown, { ...values, title: 'Pricing API error rate above 9%' });
    expect(done.task.type).toBe('message');
    expect(done.task.value).toMatch(new RegExp(`INC-\\d{4}-\\d{4} declared from ${g.id}`));
    expect(store.get(g.id)!.decision.kind).toBe('declared');
  });
});
