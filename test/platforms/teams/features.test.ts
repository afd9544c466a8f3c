/**
 * The incident's features on Teams, each through the real POST /api/messages (Bot Framework auth ON) and
 * the fake Bot Connector: declare with a chosen incident commander, nudges with snooze and
 * form buttons, re-classify, phase back with a reason, checklist tick / untick and "not applicable", the scribe's record
 * (evidence, follow-ups, review, export) and corrections of logged messages (messageUpdate/messageDelete).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIncidentCommand } from '../../../src/app/intents.js';
import { runReminderPass } from '../../../src/app/reminder-pass.js';
import { VERB } from '../../../src/platforms/teams/render/card-kit.js';
import { naReasonId } from '../../../src/platforms/teams/render/checklist.js';
import { reminderStoreOf } from '../../../src/storage/sqlite/reminder-store.js';
import { describeNudge } from '../../../src/views/nudge.js';
import { checkAdaptiveCard } from '../../support/blockkit-limits.js';
import { type BootedTeamsBot, bootTeamsBot } from '../../support/boot-teams-bot.js';
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
  messageChange,
  type Person,
  taskFetch,
  taskSubmit,
} from './activities.js';
import { guardLoopback } from './loopback-guard.js';

let bot: BootedTeamsBot;
let guard: ReturnType<typeof guardLoopback>;
const cards: Json[] = [];

beforeAll(async () => {
  guard = guardLoopback();
  bot = await bootTeamsBot();
});

afterAll(async () => {
  for (const a of bot?.connector.activities ?? [])
    for (const att of a.body?.attachments ?? []) cards.push(att);
  await bot?.close();
  guard?.restore();
  expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
  expect(cards.length).toBeGreaterThan(10);
  for (const c of cards) expect(checkAdaptiveCard(c)).toEqual([]);
});

const where = (from: Person, conversationId?: string, replyToId?: string) => ({
  serviceUrl: bot.connector.serviceUrl,
  from,
  ...(conversationId ? { conversationId } : {}),
  ...(replyToId ? { replyToId } : {}),
});

async function post(activity: Json): Promise<Json> {
  const res = await bot.sendActivity(activity);
  expect(res.status).toBe(200);
  if (res.body?.type === 'application/vnd.microsoft.card.adaptive') cards.push(res.body.value);
  if (res.body?.task?.value?.card) cards.push(res.body.task.value.card);
  return res.body;
}

/** Sends a typed command and returns what the bot answered in the conversation (after it). */
async function say(text: string, from: Person, conversationId: string, mentioned: Person[] = []) {
  const before = bot.connector.activities.length;
  await post(mentionMessage(text, where(from, conversationId), mentioned));
  const sent = await bot.connector.waitForActivities(before + 1);
  const answer = sent.slice(before).find((x) => x.conversationId === conversationId && x.op === 'send');
  if (!answer) throw new Error(`no answer to "${text}"`);
  return answer;
}

const errorsOf = (card: Json): string[] =>
  (card?.body ?? []).filter((e: Json) => e.color === 'Attention').map((e: Json) => e.text);

let key = '';
let room = '';
const declaringThread = `${GENERAL_CHANNEL};messageid=1760000055555`;

function summaryCard(): { card: Json; activityId: string } {
  const ref = bot.outbox.getMessageRef(key, 'teams', 'summary')!;
  return { card: cardOf(bot.connector.activityById(ref.ref)), activityId: ref.ref };
}
function checklistCard(): { card: Json; activityId: string } {
  const ref = bot.outbox.getMessageRef(key, 'teams', 'checklist')!;
  return { card: cardOf(bot.connector.activityById(ref.ref)), activityId: ref.ref };
}
const incident = () => bot.store.get(key)!;
const logKinds = () => bot.store.logEntries(key).map((e) => e.kind);

/** Opens a dialog from a card button and submits it with these values; returns the submit answer. */
async function dialog(open: Json, by: Person, values: Record<string, unknown>) {
  const fetched = await post(taskFetch(open, where(by, room)));
  expect(fetched.task.type).toBe('continue');
  const form = fetched.task.value.card.content;
  const submit = findAction(form, (a) => a.type === 'Action.Submit');
  return { form, res: await post(taskSubmit({ ...submit.data, ...values }, where(by, room))) };
}

describe('incident features on Teams', () => {
  it('declare: a typed @mention proposes the incident commander; an unknown id is refused', async () => {
    // Bob has talked to the bot before, so his Teams id maps to his AAD object id
    await say('incident list', BOB, `${GENERAL_CHANNEL};messageid=1760000055554`);
    const formMsg = await say('incident declare Ingest down <at>Bob Example</at>', ALICE, declaringThread, [
      BOB,
    ]);
    const form = cardOf(formMsg.body);
    expect(inputIds(form)).toContain('commander');
    const picker = form.body.find((e: Json) => e.id === 'commander');
    expect(picker.value).toBe(BOB.aadObjectId);
    expect(picker.choices.map((c: Json) => c.value)).toEqual(expect.arrayContaining(['me', BOB.aadObjectId]));
    // the bot's own typeahead (no incident yet: the people it has seen), on every Teams client
    expect(picker['choices.data']).toMatchObject({ type: 'Data.Query', dataset: 'incident-people' });
    expect(form.body.find((e: Json) => e.id === 'title').value).toBe('Ingest down');
    const submit = findAction(form, (x) => x.type === 'Action.Execute' && x.data.form === 'declare');
    const fields = {
      title: 'Ingest down',
      triggerClass: 'service_outage',
      impact: 'No market data',
      severeImpact: 'false',
      drill: 'false',
    };
    const bad = await post(
      executeClick(
        submit,
        { ...fields, commander: 'not-a-person' },
        where(ALICE, declaringThread, formMsg.responseId),
      ),
    );
    expect(errorsOf(bad.value)).toEqual(['Choose the incident commander from the list.']);
    expect(bot.store.listOpen()).toHaveLength(0);
    const ok = await post(
      executeClick(
        submit,
        { ...fields, commander: BOB.aadObjectId },
        where(ALICE, declaringThread, formMsg.responseId),
      ),
    );
    expect(cardTexts(ok.value)).toMatch(/INC-\d{4}-\d{4} declared/);
    key = bot.store.listOpen()[0]!.key;
    expect(incident().roles.commander).toEqual([BOB.aadObjectId]);
    expect(incident().declaredBy).toBe(ALICE.aadObjectId);
    await bot.settle();
    room = incident().room!.id;
    expect(cardTexts(summaryCard().card)).toContain('Incident commander: Bob Example');
  });

  it('nudges: describeNudge wording, snooze 15/30 -> snooze, "Send initial alert" opens the form', async () => {
    const before = bot.connector.activities.length;
    const r = runReminderPass({
      reminders: reminderStoreOf(bot.store),
      service: bot.service,
      now: new Date(Date.now() + 11 * 60_000),
    });
    expect(r.claimed).toBeGreaterThan(0);
    // the pass ran "11 minutes from now": make its rows deliverable at the real now
    bot.db
      .prepare("UPDATE outbox SET next_attempt_at = ? WHERE key LIKE 'reminder:%'")
      .run(new Date().toISOString());
    bot.dispatcher.kick();
    await bot.settle();
    const nudges = bot.connector.activities
      .slice(before)
      .filter((x) => x.op === 'send' && /reminder/.test(cardTexts(cardOf(x.body))));
    expect(nudges.length).toBeGreaterThan(0);
    const alertNudge = nudges.find((x) => /initial stakeholder alert/.test(cardTexts(cardOf(x.body))))!;
    expect(alertNudge).toBeDefined();
    const card = cardOf(alertNudge.body);
    // the same wording as Slack (describeNudge), no Slack slash syntax
    const reminder = r.reminders.find((x) => x.kind.startsWith('initial-alert'))!;
    const view = describeNudge(reminder as never);
    expect(cardTexts(card).replace(/\\/g, '')).toContain(view.headline.replace(/\/incident /g, 'incident '));
    expect(cardTexts(card)).not.toContain('/incident');
    expect(alertNudge.body.text).toContain(key);
    const titles = card.actions.map((a: Json) => a.title);
    expect(titles).toEqual(['Send initial alert', 'Snooze 15 min', 'Snooze 30 min']);

    const snooze = findAction(card, (a) => a.title === 'Snooze 15 min');
    expect(snooze.data).toMatchObject({ incidentKey: key, snoozeKind: view.snoozeKind, minutes: 15 });
    const t0 = Date.now();
    const click = executeClick(snooze, {}, where(CAROL, room, alertNudge.responseId));
    const res = await post(click);
    expect(cardTexts(res.value)).toMatch(/reminders snoozed for 15 minutes, until .* by Carol Example/);
    const until = Date.parse(incident().snoozes[view.snoozeKind]!);
    expect(until).toBeGreaterThanOrEqual(t0 + 15 * 60_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 15 * 60_000 + 1000);
    // a double click is the same command
    await post({ ...click, id: 'f:again' });
    expect(logKinds().filter((k) => k === 'snooze')).toHaveLength(1);

    const open = findAction(card, (a) => a.title === 'Send initial alert');
    const { form, res: sent } = await dialog(open, ALICE, {
      system: 'Ingest',
      summary: 'Kafka ingest is down.',
      start_time: '2026-11-26 09:55 UTC',
      impact: 'Prices stale',
      actions: 'Failing over',
      next_update: '10:30 UTC',
      commander: 'Bob Example',
    });
    expect(inputIds(form)).toContain('next_update');
    expect(sent.task.type).toBe('message');
    expect(incident().initialAlertAt).not.toBeNull();
    await bot.settle();
  });

  it('re-classify (incident commander only): trigger class, severe impact, reason -> reclassify', async () => {
    const refused = await say('incident reclassify', ALICE, room);
    expect(refused.body.text).toMatch(
      /^Only the incident commander can re-classify the incident\. The incident commander is [^<@]+: ask them, or ask them to hand the role to you \(`incident role commander @you`\)\.$/,
    );
    const formMsg = await say('incident reclassify', BOB, room);
    const form = cardOf(formMsg.body);
    expect(inputIds(form)).toEqual(['triggerClass', 'severeImpact', 'reason']);
    expect(form.body.find((e: Json) => e.id === 'triggerClass').value).toBe('service_outage');
    const submit = findAction(form, (a) => a.data?.form === 'reclassify');
    const bad = await post(
      executeClick(
        submit,
        { triggerClass: 'security_exposure', severeImpact: 'true', reason: ' ' },
        where(BOB, room, formMsg.responseId),
      ),
    );
    expect(errorsOf(bad.value)).toEqual(['Say why the incident is re-classified.']);
    const same = await post(
      executeClick(
        submit,
        { triggerClass: 'service_outage', severeImpact: 'false', reason: 'x' },
        where(BOB, room, formMsg.responseId),
      ),
    );
    expect(errorsOf(same.value)[0]).toMatch(/Nothing changes/);
    const ok = await post(
      executeClick(
        submit,
        { triggerClass: 'security_exposure', severeImpact: 'true', reason: 'Credentials <at>leaked</at>' },
        where(BOB, room, formMsg.responseId),
      ),
    );
    expect(cardTexts(ok.value)).toMatch(/re-classified: Security exposure, severe impact yes/);
    expect(incident()).toMatchObject({ triggerClass: 'security_exposure', severeImpact: true });
    expect(logKinds()).toContain('reclassified');
    await bot.settle();
    const posted = bot.connector.activities.filter(
      (x) => x.conversationId === room && /re-classified/.test(cardTexts(cardOf(x.body))),
    );
    expect(posted).toHaveLength(1);
    expect(cardTexts(cardOf(posted[0]!.body))).not.toContain('<at>');
    expect(cardTexts(summaryCard().card)).toContain('Trigger: Security exposure');
    // also reachable from the summary card (dialog)
    findAction(summaryCard().card, (a) => a.data?.dialog === 'reclassify');
  });

  it('phase: forward with exit criteria, then BACK with a required reason -> revert_phase', async () => {
    const open = () => findAction(summaryCard().card, (a) => a.data?.dialog === 'phase');
    const fwd = await dialog(open(), BOB, {
      crit_alert_validated: 'true',
      crit_false_positives_ruled_out: 'true',
    });
    expect(fwd.res.task.type).toBe('message');
    expect(incident().phase).toBe('containment');
    await bot.settle();

    const fetched = await post(taskFetch(open(), where(BOB, room)));
    const form = fetched.task.value.card.content;
    const move = form.body.find((e: Json) => e.id === 'move');
    expect(move.choices.map((c: Json) => c.value)).toEqual(['forward:mitigation', 'back:detection']);
    expect(move.choices.map((c: Json) => c.title)).toEqual([
      'Move on to Mitigation & recovery',
      'Move back to Detection & verification',
    ]);
    const submit = findAction(form, (a) => a.type === 'Action.Submit').data;
    const noReason = await post(
      taskSubmit({ ...submit, move: 'back:detection', reason: '' }, where(BOB, room)),
    );
    expect(noReason.task.type).toBe('continue');
    expect(errorsOf(noReason.task.value.card.content)).toEqual(['Say why the incident moves back.']);
    // Alice is not the commander
    const alice = await post(
      taskSubmit({ ...submit, move: 'back:detection', reason: 'x' }, where(ALICE, room)),
    );
    expect(errorsOf(alice.task.value.card.content)[0]).toMatch(/Only the incident commander/);
    const back = await post(
      taskSubmit(
        { ...submit, move: 'back:detection', reason: 'Alert was a false positive after all' },
        where(BOB, room),
      ),
    );
    expect(back.task).toMatchObject({ type: 'message' });
    expect(back.task.value).toMatch(/moved back to Detection/);
    expect(incident().phase).toBe('detection');
    const entry = bot.store
      .logEntries(key)
      .filter((e) => e.kind === 'phase')
      .at(-1)!;
    expect(JSON.parse(entry.payload)).toMatchObject({
      move: 'back',
      to: 'detection',
      reason: 'Alert was a false positive after all',
    });
    await bot.settle();
    const posted = bot.connector.activities.filter(
      (x) => x.conversationId === room && /Moved back from/.test(cardTexts(cardOf(x.body))),
    );
    expect(posted).toHaveLength(1);
    // forward again for the rest of the test
    await dialog(open(), BOB, { crit_alert_validated: 'true', crit_false_positives_ruled_out: 'true' });
    expect(incident().phase).toBe('containment');
    await bot.settle();
  });

  it('checklist: an item marked not applicable with a reason -> item_not_applicable', async () => {
    const { card, activityId } = checklistCard();
    const item = 'stabilize.freeze_deploys';
    const showCard = findAction(
      card,
      (a) => a.type === 'Action.ShowCard' && a.card?.actions?.[0]?.data?.item === item,
    );
    expect(showCard.card.body[0]).toMatchObject({
      type: 'Input.Text',
      id: naReasonId(item),
      isRequired: true,
    });
    const na = showCard.card.actions[0];
    const empty = await post(executeClick(na, {}, where(CAROL, room, activityId)));
    expect(errorsOf(empty.value)).toEqual(['Say why the item does not apply.']);
    const ok = await post(
      executeClick(na, { [naReasonId(item)]: 'No deploys are **running**' }, where(CAROL, room, activityId)),
    );
    expect(cardTexts(ok.value)).toContain('(not applicable: No deploys are \\*\\*running\\*\\*)');
    expect(incident().checklist[item]).toMatchObject({
      state: 'na',
      by: CAROL.aadObjectId,
      reason: 'No deploys are **running**',
    });
    await bot.settle();
    expect(cardTexts(checklistCard().card)).toContain('not applicable');
  });

  it('checklist: "Tick" -> check_item done by the clicker; someone else\'s old Tick is refused; "Untick" -> uncheck_item', async () => {
    const { card, activityId } = checklistCard();
    const item = 'assess.confirm_systems';
    const toggle = (c: Json, title: string) =>
      findAction(
        c,
        (a) =>
          a.type === 'Action.Execute' &&
          a.verb === VERB.checkItem &&
          a.data?.item === item &&
          a.title === title,
      );
    const checklistLog = () =>
      bot.store
        .logEntries(key)
        .filter((e) => e.kind === 'checklist' && JSON.parse(e.payload).item === item)
        .map((e) => JSON.parse(e.payload).state);
    expect(incident().checklist[item]).toBeUndefined();
    const tick = toggle(card, 'Tick');
    expect(tick.data).toMatchObject({ incidentKey: key, item, state: 'check' });

    const ticked = await post(executeClick(tick, {}, where(CAROL, room, activityId)));
    expect(incident().checklist[item]).toMatchObject({ state: 'done', by: CAROL.aadObjectId });
    expect(cardTexts(ticked.value)).toContain('(done by Carol Example)');
    expect(checklistLog()).toEqual(['done']);

    // the same (now stale) Tick button clicked by someone else: refused, still Carol's
    const again = await post(executeClick(tick, {}, where(ALICE, room, activityId)));
    expect(errorsOf(again.value).join(' ')).toContain('Already done by Carol Example');
    expect(incident().checklist[item]).toMatchObject({ state: 'done', by: CAROL.aadObjectId });
    expect(checklistLog()).toEqual(['done']);
    await bot.settle();
    expect(cardTexts(checklistCard().card)).toContain('(done by Carol Example)');

    // the refreshed card offers Untick instead of Tick
    expect(() => toggle(ticked.value, 'Tick')).toThrow(/no such action/);
    const untick = toggle(ticked.value, 'Untick');
    expect(untick.data).toMatchObject({ item, state: 'uncheck' });
    const unticked = await post(executeClick(untick, {}, where(CAROL, room, activityId)));
    expect(incident().checklist[item]).toBeUndefined();
    expect(cardTexts(unticked.value)).not.toContain('(done by Carol Example)');
    expect(toggle(unticked.value, 'Tick').data).toMatchObject({ item, state: 'check' });
    expect(checklistLog()).toEqual(['done', 'open']);
    await bot.settle();
    expect(cardTexts(checklistCard().card)).not.toContain('(done by Carol Example)');
  });

  it('evidence and corrections of logged messages (messageUpdate / messageDelete)', async () => {
    const ev = await say(
      'incident evidence <a href="https://grafana.example/d/ingest">Ingest dashboard</a>',
      CAROL,
      room,
    );
    expect(ev.body.text).toBe('Evidence recorded.');
    const entry = bot.store.logEntries(key).find((e) => e.kind === 'evidence')!;
    expect(entry.source).toBe('https://grafana.example/d/ingest');
    expect(JSON.parse(entry.payload)).toMatchObject({
      name: 'Ingest dashboard',
      link: 'https://grafana.example/d/ingest',
    });

    const channel = room.split(';')[0]!;
    const msg = { id: '1760000077777', html: '<p>Broker 3 restarted</p>', author: CAROL };
    await post(
      addToLogAction({ ...msg, createdDateTime: '2026-01-05T08:00:00.000Z', channel }, where(CAROL, room)),
    );
    expect(incident().loggedMessages).toContain(`${channel}:${msg.id}`);
    const edit = messageChange(
      'edit',
      { ...msg, html: '<p>Broker 3 <b>and 4</b> restarted</p>' },
      where(CAROL, room),
    );
    await post(edit);
    await post(edit); // redelivered: one entry
    await post(messageChange('edit', { id: '1760000070000', html: 'not logged' }, where(CAROL, room)));
    await post(messageChange('delete', msg, where(CAROL, room)));
    const corrections = bot.store
      .logEntries(key)
      .filter((e) => e.kind === 'correction')
      .map((e) => JSON.parse(e.payload));
    expect(corrections).toEqual([
      { messageId: `${channel}:${msg.id}`, change: 'edited', text: 'Broker 3 and 4 restarted' },
      { messageId: `${channel}:${msg.id}`, change: 'deleted', text: null },
    ]);
  });

  it('follow-ups: form (owner picker, Input.Date, objective) -> add_followup; list with "Mark done"', async () => {
    const formMsg = await say('incident followup', CAROL, room);
    const form = cardOf(formMsg.body);
    expect(inputIds(form)).toEqual(['what', 'acceptance', 'owner', 'due', 'objective']);
    const owner = form.body.find((e: Json) => e.id === 'owner');
    expect(owner.type).toBe('Input.ChoiceSet');
    expect(owner.choices.map((c: Json) => c.value)).toEqual(
      expect.arrayContaining([BOB.aadObjectId, CAROL.aadObjectId]),
    );
    expect(form.body.find((e: Json) => e.id === 'due')).toMatchObject({
      type: 'Input.Date',
      value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(form.body.find((e: Json) => e.id === 'objective').choices.map((c: Json) => c.value)).toEqual([
      'risk',
      'compliance',
      'resilience',
    ]);
    const submit = findAction(form, (a) => a.data?.form === 'followup');
    const w = where(CAROL, room, formMsg.responseId);
    const bad = await post(
      executeClick(submit, { what: '', owner: BOB.aadObjectId, due: 'soon', objective: 'x' }, w),
    );
    expect(errorsOf(bad.value)).toEqual([
      'Say what needs doing.',
      'Say how we will know it is done.',
      'Pick the due date.',
      'Choose a control objective.',
    ]);
    const values = {
      what: 'Alert on broker lag',
      acceptance: 'Lag above 500k pages the on-call',
      owner: BOB.aadObjectId,
      due: '2026-12-10',
      objective: 'resilience',
    };
    const ok = await post(executeClick(submit, values, w));
    expect(cardTexts(ok.value)).toMatch(/Follow-up fu-[0-9a-f]{8} added/);
    await post({ ...executeClick(submit, values, w), id: 'f:double' });
    expect(incident().followups).toHaveLength(1);
    expect(incident().followups[0]).toMatchObject({ ...values, state: 'open', createdBy: CAROL.aadObjectId });
    await bot.settle();
    const fpost = bot.connector.activities.find(
      (x) => x.conversationId === room && /follow-up/.test(cardTexts(cardOf(x.body))) && x.op === 'send',
    );
    expect(fpost).toBeDefined();
    findAction(cardOf(fpost!.body), (a) => a.title === 'Mark done');

    const listMsg = await say('incident followups', CAROL, room);
    const list = cardOf(listMsg.body);
    expect(cardTexts(list)).toContain('1 follow-up, 1 open');
    expect(cardTexts(list)).toContain('Bob Example · Resilience · open, due 2026-12-10');
    const done = findAction(list, (a) => a.title === 'Mark done');
    const carol = await post(executeClick(done, {}, where(CAROL, room, listMsg.responseId)));
    expect(errorsOf(carol.value)[0]).toMatch(/Only the owner or the incident commander/);
    const bob = await post(executeClick(done, {}, where(BOB, room, listMsg.responseId)));
    expect(cardTexts(bob.value)).toContain('Follow-up marked done.');
    expect(cardTexts(bob.value)).toContain('1 follow-up, 0 open');
    expect(incident().followups[0]?.state).toBe('done');
  });

  it('review (after closure) -> record_review; export renders the review document and logs it', async () => {
    const early = await say('incident review', CAROL, room);
    expect(early.body.text).toMatch(/recorded after the incident is closed/);
    // close (the commander), through mitigation
    const open = () => findAction(summaryCard().card, (a) => a.data?.dialog === 'phase');
    await dialog(open(), BOB, { crit_damage_contained: 'true', crit_containment_measures: 'true' });
    expect(incident().phase).toBe('mitigation');
    await bot.settle();
    const close = findAction(summaryCard().card, (a) => a.data?.dialog === 'close');
    const closed = await dialog(close, BOB, {
      // closing from mitigation confirms its exit criteria too (the form lists them first)
      crit_runbooks_executed: 'true',
      crit_service_restored: 'true',
      crit_telemetry_stable: 'true',
      crit_evidence_documented: 'true',
      crit_impact_ceased: 'true',
      crit_monitoring_stable: 'true',
      crit_stakeholders_informed: 'true',
      resolved_at: '2026-11-26 11:00 UTC',
      impact_summary: 'Stale prices for 40 minutes',
      followups: 'fu-1',
      review: '2026-11-30, Alice',
    });
    expect(inputIds(closed.form).filter((id) => id.startsWith('crit_'))).toEqual([
      'crit_runbooks_executed',
      'crit_service_restored',
      'crit_telemetry_stable',
      'crit_evidence_documented',
      'crit_impact_ceased',
      'crit_monitoring_stable',
      'crit_stakeholders_informed',
    ]);
    expect(closed.res.task.type).toBe('message');
    expect(incident().phase).toBe('review');
    await bot.settle();

    const formMsg = await say('incident review', CAROL, room);
    const form = cardOf(formMsg.body);
    expect(inputIds(form)).toEqual([
      'summary',
      'why_1',
      'why_2',
      'why_3',
      'why_4',
      'why_5',
      'factor_risk',
      'factor_compliance',
      'factor_resilience',
      'corrective_actions',
      'verification_plan',
      'lessons',
      'question:readiness',
      'question:runbook_library',
      'no_followups',
    ]);
    expect(cardTexts(form)).toContain('1 follow-up task is filed: 1 done, 0 open.');
    // also offered on the summary card once closed
    findAction(summaryCard().card, (a) => a.data?.dialog === 'review');
    const submit = findAction(form, (a) => a.data?.form === 'review');
    const w = where(CAROL, room, formMsg.responseId);
    const bad = await post(executeClick(submit, { summary: ' ', corrective_actions: '  ' }, w));
    expect(errorsOf(bad.value)).toEqual([
      'The review needs a summary.',
      'Give at least the first why.',
      'The review needs the corrective actions.',
      'The review needs the verification plans: how you will know the fixes work.',
      'Answer "Readiness check".',
      'Answer "Runbook library".',
    ]);
    expect(incident().phase).toBe('review');
    const ok = await post(
      executeClick(
        submit,
        {
          summary: 'Broker disk filled up',
          why_1: 'Retention too long',
          why_2: 'No alert on disk',
          factor_resilience: 'Single broker',
          corrective_actions: 'Alert on broker disk usage',
          verification_plan: 'Fill a staging disk to 85% and see the page',
          lessons: 'Alert on disk usage',
          'question:readiness': 'Disk alerts fire on staging',
          'question:runbook_library': 'Failover runbook gains the disk-full case',
          no_followups: 'false',
        },
        w,
      ),
    );
    expect(cardTexts(ok.value)).toMatch(/Review recorded/);
    expect(incident().review).toMatchObject({
      summary: 'Broker disk filled up',
      whys: ['Retention too long', 'No alert on disk'],
      factors: 'Resilience: Single broker',
      lessons: 'Alert on disk usage',
      correctiveActions: 'Alert on broker disk usage',
      verificationPlan: 'Fill a staging disk to 85% and see the page',
    });
    expect(incident().phase).toBe('done');
    const reviewEntry = bot.store.logEntries(key).find((e) => e.kind === 'review')!;
    expect(JSON.parse(reviewEntry.payload)).toMatchObject({
      correctiveActions: 'Alert on broker disk usage',
      verificationPlan: 'Fill a staging disk to 85% and see the page',
      noFollowups: false,
    });
    await bot.settle();
    // the "review recorded" post in the incident conversation carries them
    const recorded = bot.connector.activities
      .filter((x) => x.op === 'send' && x.conversationId === room)
      .map((x) => cardTexts(cardOf(x.body)))
      .find((t) => t.includes('review recorded'));
    expect(recorded).toContain('**Corrective actions**: Alert on broker disk usage');
    expect(recorded).toContain('**Verification plans**: Fill a staging disk to 85% and see the page');

    const exp = await say('incident export', CAROL, room);
    const texts = cardTexts(cardOf(exp.body));
    expect(texts).toContain('Review summary:** Broker disk filled up');
    expect(texts).toContain(`incident-bot export ${key} --format md`);
    expect(texts).toContain(`${key}.md`);
    expect(logKinds()).toContain('export');
  });

  it('review with no follow-ups filed: refused until "No follow-up tasks are needed" is ticked', async () => {
    const thread = `${GENERAL_CHANNEL};messageid=1760000077777`;
    const declareMsg = await say('incident declare Quote feed stale', ALICE, thread);
    const declareForm = cardOf(declareMsg.body);
    const declareSubmit = findAction(
      declareForm,
      (x) => x.type === 'Action.Execute' && x.data.form === 'declare',
    );
    await post(
      executeClick(
        declareSubmit,
        {
          title: 'Quote feed stale',
          triggerClass: 'service_outage',
          impact: 'Stale quotes',
          severeImpact: 'false',
          drill: 'true',
          commander: 'me',
        },
        where(ALICE, thread, declareMsg.responseId),
      ),
    );
    const other = bot.store.listOpen().find((i) => i.title === 'Quote feed stale')!;
    await bot.settle();
    const otherRoom = bot.store.get(other.key)!.room!.id;
    // closed through the service: setup, not under test
    const pb = bot.service.playbookFor(other);
    const actor = { platform: 'teams' as const, id: ALICE.aadObjectId };
    let n = 0;
    const handle = (command: Parameters<typeof bot.service.handle>[0]['command']) =>
      expect(
        bot.service.handle({ key: `test:setup:${other.key}:${n++}`, incidentKey: other.key, command, actor })
          .ok,
      ).toBe(true);
    for (;;) {
      const phase = pb.phases.find((p) => p.id === bot.store.get(other.key)!.phase)!;
      if (phase.next.includes(pb.closurePhase)) break;
      handle({ type: 'advance_phase', to: phase.next[0], confirmed: phase.exitCriteria.map((c) => c.id) });
    }
    const from = pb.phases.find((p) => p.id === bot.store.get(other.key)!.phase)!;
    const closure = pb.phases.find((p) => p.id === pb.closurePhase)!;
    handle({
      type: 'close',
      confirmed: [...from.exitCriteria, ...closure.exitCriteria].map((c) => c.id),
      fields: {
        resolved_at: '2026-11-26 11:00 UTC',
        impact_summary: 'Stale quotes for 10 minutes',
        followups: 'none',
        review: 'Monday, Alice',
      },
    });
    await bot.settle();

    const formMsg = await say('incident review', ALICE, otherRoom);
    const form = cardOf(formMsg.body);
    expect(cardTexts(form)).toContain('No follow-up tasks are filed yet');
    const toggle = form.body.find((e: Json) => e.id === 'no_followups');
    expect(toggle).toMatchObject({
      type: 'Input.Toggle',
      title: 'No follow-up tasks are needed',
      value: 'false',
    });
    const submit = findAction(form, (a) => a.data?.form === 'review');
    const w = where(ALICE, otherRoom, formMsg.responseId);
    const values = {
      summary: 'Quote feed stalled on a stuck consumer',
      why_1: 'The consumer was not restarted after a deploy',
      corrective_actions: 'None beyond the restart: the deploy hook now restarts it (shipped)',
      verification_plan: 'Watch the quote freshness alert over the next three deploys',
      'question:readiness': 'The freshness alert fired in the deploy drill',
      'question:runbook_library': 'No new pattern: the deploy hook covers it',
    };
    const refused = await post(executeClick(submit, { ...values, no_followups: 'false' }, w));
    expect(errorsOf(refused.value)).toEqual([
      // (Markdown-escaped in the card)
      'File the follow-up tasks first with \\`incident followup\\`, or tick "no follow-up tasks" and say why in the corrective actions.',
    ]);
    // re-shown with what was typed, the error under the toggle
    const again = refused.value;
    const ids = (again.body as Json[]).map((e) => e.id ?? (e.color === 'Attention' ? 'ERROR' : undefined));
    expect(ids[ids.indexOf('no_followups') + 1]).toBe('ERROR');
    expect(again.body.find((e: Json) => e.id === 'corrective_actions').value).toBe(values.corrective_actions);
    expect(bot.store.get(other.key)!.phase).toBe('review');

    const resubmit = findAction(again, (a) => a.data?.form === 'review');
    const ok = await post(executeClick(resubmit, { ...values, no_followups: 'true' }, w));
    expect(cardTexts(ok.value)).toMatch(/Review recorded/);
    const done = bot.store.get(other.key)!;
    expect(done.phase).toBe('done');
    expect(done.review).toMatchObject({
      correctiveActions: values.corrective_actions,
      verificationPlan: values.verification_plan,
      noFollowups: true,
    });
    await bot.settle();
    const recorded = bot.connector.activities
      .filter((x) => x.op === 'send' && x.conversationId === otherRoom)
      .map((x) => cardTexts(cardOf(x.body)))
      .find((t) => t.includes('review recorded'));
    expect(recorded).toContain('No follow-up tasks are needed.');
  });
});

describe('teams/manifest.json', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../../teams/manifest.json', import.meta.url), 'utf8'));

  it('command lists fit the limits and list only verbs the bot handles', () => {
    const lists = manifest.bots[0].commandLists as {
      scopes: string[];
      commands: { title: string; description: string }[];
    }[];
    expect(lists.length).toBeLessThanOrEqual(3);
    for (const l of lists) {
      expect(l.commands.length).toBeLessThanOrEqual(10);
      for (const c of l.commands) {
        expect(c.title.length).toBeLessThanOrEqual(32);
        expect(c.description.length).toBeLessThanOrEqual(128);
        expect(c.title).toMatch(/^incident /);
        const intent = parseIncidentCommand(c.title.replace(/^incident /, ''));
        expect(intent.verb).not.toBe('unknown');
      }
    }
  });

  it('asks for the RSC permissions that deliver edits and deletions of channel and chat messages', () => {
    const names = manifest.authorization.permissions.resourceSpecific.map((p: Json) => p.name);
    expect(names).toEqual(expect.arrayContaining(['ChannelMessage.Read.Group', 'ChatMessage.Read.Chat']));
  });
});
