// The scribe's record through the real Slack endpoint (Bolt + fake Web API): the "Add to incident log"
// shortcut, decisions, evidence, file shares, corrections, follow-ups, the review, export and snooze.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/domain/incident.js';
import { ACTION, SHORTCUT, VIEW } from '../../../src/platforms/slack/ids.js';
import { renderPostView } from '../../../src/platforms/slack/render/post.js';
import { postView } from '../../../src/views/posts.js';
import { checkAllRecorded, checkView } from '../../support/blockkit-limits.js';
import { bootSlackBot, type SlackBot } from '../../support/boot-slack-bot.js';
import { stateValue } from '../../support/slack-request.js';
import { waitFor } from '../../support/wait-for.js';

const IC = 'U0IC';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';

let bot: SlackBot;

beforeEach(async () => {
  bot = await bootSlackBot();
});

afterEach(async () => {
  await bot.close();
});

async function declare(o: { title?: string; drill?: boolean } = {}): Promise<Incident> {
  const before = new Set(bot.store.listOpen().map((i) => i.key));
  const res = await bot.sim.viewSubmission({
    callbackId: VIEW.declare,
    userId: IC,
    viewId: `V${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
    values: {
      title: { value: stateValue.plainText(o.title ?? 'Ingest pipeline hard down') },
      triggerClass: { value: stateValue.staticSelect('service_outage') },
      impact: { value: stateValue.plainText('No market data for EU clients') },
      severeImpact: { value: stateValue.radio('no') },
      drill: { value: stateValue.checkboxes(o.drill ? ['drill'] : []) },
      commander: { value: stateValue.usersSelect(null) },
    },
  });
  expect(res.status).toBe(200);
  const incident = await waitFor(() => bot.store.listOpen().find((i) => !before.has(i.key)), 'the incident');
  expect(await bot.dispatcher.drain(5000)).toBe(true);
  return bot.store.get(incident.key)!;
}

const entries = (key: string, kind?: string) =>
  bot.store
    .logEntries(key)
    .filter((e) => !kind || e.kind === kind)
    .map((e) => ({ ...e, payload: JSON.parse(e.payload) as Record<string, unknown> }));

function ephemeralTo(user: string, match: RegExp | string) {
  return waitFor(
    () =>
      bot.fake.ephemerals.find(
        (e) =>
          e.user === user && (typeof match === 'string' ? e.text?.includes(match) : match.test(e.text ?? '')),
      ),
    `ephemeral to ${user} matching ${String(match)}`,
  );
}

async function settle() {
  expect(await bot.dispatcher.drain(5000)).toBe(true);
  expect(checkAllRecorded(bot.fake)).toEqual([]);
  expect(bot.errors).toEqual([]);
}

/** Moves an incident into the review phase (closed) through the service: setup, not under test. */
function closeForReview(incident: Incident): Incident {
  const pb = bot.service.playbookFor(incident);
  const actor = { platform: 'slack' as const, id: IC };
  let n = 0;
  const handle = (command: Parameters<typeof bot.service.handle>[0]['command']) => {
    const o = bot.service.handle({
      key: `test:setup:${incident.key}:${n++}`,
      incidentKey: incident.key,
      command,
      actor,
    });
    expect(o.ok, JSON.stringify(o.ok ? null : o.error)).toBe(true);
  };
  for (;;) {
    const i = bot.store.get(incident.key)!;
    const phase = pb.phases.find((p) => p.id === i.phase)!;
    if (phase.next.includes(pb.closurePhase) || i.phase === pb.closurePhase) break;
    handle({ type: 'advance_phase', to: phase.next[0], confirmed: phase.exitCriteria.map((c) => c.id) });
  }
  const closure = pb.phases.find((p) => p.id === pb.closurePhase)!;
  const from = pb.phases.find((p) => p.id === bot.store.get(incident.key)!.phase)!;
  handle({
    type: 'close',
    confirmed: [...from.exitCriteria, ...closure.exitCriteria].map((c) => c.id),
    fields: {
      resolved_at: '2024-05-01 14:30 UTC',
      impact_summary: 'EU clients saw no prices for 40 minutes',
      followups: 'see follow-ups',
      review: 'Friday, facilitated by the IC',
    },
  });
  return bot.store.get(incident.key)!;
}

describe('"Add to incident log" shortcut', () => {
  it('in an incident channel: logged at once with author, time, permalink and files; :memo: and an ephemeral', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    const payload = bot.sim.messageShortcutPayload({
      callbackId: SHORTCUT.addToLog,
      userId: BOB,
      channelId: room,
      messageTs: '1714570000.000100',
      messageText: 'Consumer lag is back to zero <!channel>',
      messageUser: CAROL,
    });
    payload.message.files = [
      { id: 'F1', name: 'lag.png', permalink: 'https://example.slack.com/files/U0CAROL/F1/lag.png' },
    ];
    const res = await bot.sim.sendPayload(payload);
    expect(res.status).toBe(200);
    await ephemeralTo(BOB, 'Added to the incident log');
    await waitFor(
      () => bot.fake.reactions.find((r) => r.channel === room && r.timestamp === '1714570000.000100'),
      'the :memo: reaction',
    );
    expect(bot.fake.reactions.find((r) => r.timestamp === '1714570000.000100')!.name).toBe('memo');
    const [note] = entries(incident.key, 'note');
    expect(note!.payload).toMatchObject({
      text: 'Consumer lag is back to zero <!channel>',
      messageId: `${room}:1714570000.000100`,
      author: CAROL,
      writtenAt: '2024-05-01T13:26:40.000Z',
    });
    expect(note!.at).toBe('2024-05-01T13:26:40.000Z');
    expect(note!.source).toMatch(/^https:\/\/example\.slack\.com\/archives\//);
    const evidence = entries(incident.key, 'evidence');
    expect(evidence.map((e) => e.payload)).toEqual([
      { name: 'lag.png', link: 'https://example.slack.com/files/U0CAROL/F1/lag.png' },
    ]);
    expect(bot.store.get(incident.key)!.loggedMessages).toEqual([`${room}:1714570000.000100`]);
    expect(bot.fake.callsTo('views.open')).toHaveLength(0);
    await settle();
  });

  it('the same message twice: "already in the log", never a second entry', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    const shortcut = (user: string) =>
      bot.sim.messageShortcut({
        callbackId: SHORTCUT.addToLog,
        userId: user,
        channelId: room,
        messageTs: '1714570100.000200',
        messageText: 'We roll back release 42',
        messageUser: IC,
      });
    await shortcut(BOB);
    await ephemeralTo(BOB, 'Added to the incident log');
    await shortcut(CAROL);
    await ephemeralTo(CAROL, 'already in the incident log');
    expect(entries(incident.key, 'note')).toHaveLength(1);
    // a retried delivery of the very same request is a replay: still one entry, one answer
    const payload = bot.sim.messageShortcutPayload({
      callbackId: SHORTCUT.addToLog,
      userId: BOB,
      channelId: room,
      messageTs: '1714570200.000300',
      messageText: 'Paging the database team',
    });
    await bot.sim.sendPayload(payload);
    await bot.sim.sendPayload(payload, { retryNum: 1 });
    await ephemeralTo(BOB, /Added to the incident log/);
    await new Promise((r) => setTimeout(r, 100));
    expect(entries(incident.key, 'note')).toHaveLength(2);
    await settle();
  });

  it('outside an incident channel: a modal picks the incident, may mark a decision, adds a note', async () => {
    const incident = await declare();
    // Bob is in the incident's channel (Slack says so; the record learns it when he asks)
    bot.fake.channels.get(incident.room!.id)!.members.add(BOB);
    await bot.sim.messageShortcut({
      callbackId: SHORTCUT.addToLog,
      userId: BOB,
      channelId: 'C0GENERAL',
      messageTs: '1714570300.000400',
      messageText: 'Let us fail over to Frankfurt',
      messageUser: CAROL,
    });
    const [call] = await bot.fake.waitForCalls('views.open', 1);
    const view = call!.args.view;
    expect(view.callback_id).toBe(VIEW.logPick);
    expect(checkView(view)).toEqual([]);
    const select = view.blocks.find((b: { block_id?: string }) => b.block_id === 'incident');
    expect(select.element.options.map((o: { value: string }) => o.value)).toEqual([incident.key]);
    const submit = () =>
      bot.sim.viewSubmission({
        callbackId: VIEW.logPick,
        userId: BOB,
        viewId: 'VLOGPICK1',
        privateMetadata: view.private_metadata,
        values: {
          incident: { value: stateValue.staticSelect(incident.key) },
          decision: { value: stateValue.checkboxes(['decision']) },
          note: { value: stateValue.plainText('Frankfurt has the spare capacity') },
        },
      });
    const res = await submit();
    expect(res.status).toBe(200);
    await ephemeralTo(BOB, 'Decision recorded');
    const [d] = entries(incident.key, 'decision');
    expect(d!.payload).toMatchObject({
      text: 'Let us fail over to Frankfurt',
      rationale: 'Frankfurt has the spare capacity',
      messageId: 'C0GENERAL:1714570300.000400',
      author: CAROL,
    });
    // a second pick of the same message (another modal) is refused
    const again = await bot.sim.viewSubmission({
      callbackId: VIEW.logPick,
      userId: BOB,
      viewId: 'VLOGPICK2',
      privateMetadata: view.private_metadata,
      values: { incident: { value: stateValue.staticSelect(incident.key) } },
    });
    expect(again.status).toBe(200);
    await ephemeralTo(BOB, 'already in the incident log');
    expect(entries(incident.key, 'decision')).toHaveLength(1);
    expect(entries(incident.key, 'note')).toHaveLength(0);
    // a missing incident shows on the field
    const none = await bot.sim.viewSubmission({
      callbackId: VIEW.logPick,
      userId: BOB,
      privateMetadata: view.private_metadata,
      values: { incident: { value: stateValue.staticSelect(null) } },
    });
    expect(none.body.response_action).toBe('errors');
    expect(none.body.errors.incident).toBeTruthy();
    await settle();
  });
});

describe('slash verbs of the record', () => {
  it('decision splits its rationale on " because "; evidence takes a link', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    const d = await bot.sim.slash('decision Fail over to the DR site because the primary DB is corrupt', {
      userId: BOB,
      channelId: room,
    });
    expect(d.body.text).toBe('Decision recorded.');
    expect(entries(incident.key, 'decision')[0]!.payload).toMatchObject({
      text: 'Fail over to the DR site',
      rationale: 'the primary DB is corrupt',
    });
    const e = await bot.sim.slash(
      'evidence <https://grafana.example.com/d/lag|lag dashboard> consumer lag graph',
      {
        userId: BOB,
        channelId: room,
      },
    );
    expect(e.body.text).toBe('Evidence recorded.');
    const t = await bot.sim.slash('evidence Vendor confirmed the outage by phone', {
      userId: BOB,
      channelId: room,
    });
    expect(t.body.text).toBe('Evidence recorded.');
    expect(entries(incident.key, 'evidence').map((x) => x.payload)).toEqual([
      { name: 'consumer lag graph', link: 'https://grafana.example.com/d/lag' },
      { name: 'Vendor confirmed the outage by phone', link: null },
    ]);
    const help = await bot.sim.slash('help', { userId: BOB, channelId: room });
    for (const verb of ['evidence', 'followup', 'followups', 'review', 'export'])
      expect(help.body.text).toContain(`/incident ${verb}`);
    const outside = await bot.sim.slash('export', { userId: BOB, channelId: 'C0GENERAL' });
    expect(outside.body.text).toMatch(/works in an incident's channel/);
    await settle();
  });
});

describe('message events', () => {
  it('a file shared in the incident channel becomes evidence; a retried event_id adds nothing', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    const event = {
      type: 'message',
      subtype: 'file_share',
      channel: room,
      user: CAROL,
      ts: '1714570400.000500',
      text: 'heap dump',
      files: [
        {
          id: 'F9',
          name: 'heap.hprof',
          permalink: 'https://example.slack.com/files/U0CAROL/F9/heap.hprof',
          url_private: 'https://files.example/F9',
        },
      ],
    };
    const first = await bot.sim.event(event, { eventId: 'EvFILE1' });
    expect(first.status).toBe(200);
    await waitFor(() => entries(incident.key, 'evidence').length === 1, 'the evidence entry');
    await bot.sim.event(event, { eventId: 'EvFILE1', retryNum: 1, retryReason: 'http_timeout' });
    await bot.sim.event(event, { eventId: 'EvFILE1', retryNum: 2 });
    await new Promise((r) => setTimeout(r, 150));
    const ev = entries(incident.key, 'evidence');
    expect(ev).toHaveLength(1);
    expect(ev[0]!.payload).toMatchObject({
      name: 'heap.hprof',
      link: 'https://example.slack.com/files/U0CAROL/F9/heap.hprof',
      author: CAROL,
      writtenAt: '2024-05-01T13:33:20.000Z',
    });
    expect(JSON.parse(ev[0]!.actor).id).toBe(CAROL);
    // contents are never fetched
    expect(bot.fake.calls.filter((c) => c.method.startsWith('files.'))).toHaveLength(0);
    // files shared elsewhere are not ours
    await bot.sim.event({ ...event, channel: 'C0GENERAL' }, { eventId: 'EvFILE2' });
    await new Promise((r) => setTimeout(r, 100));
    expect(entries(incident.key, 'evidence')).toHaveLength(1);
    await settle();
  });

  it('an event the database refused is retried in process (Bolt acked it: Slack will not resend it)', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    const event = {
      type: 'message',
      subtype: 'file_share',
      channel: room,
      user: CAROL,
      ts: '1714570500.000600',
      text: 'logs',
      files: [{ id: 'F10', name: 'gc.log', permalink: 'https://example.slack.com/files/U0CAROL/F10/gc.log' }],
    };
    const run = bot.store.run.bind(bot.store);
    let failures = 1;
    bot.store.run = ((...args: Parameters<typeof run>) => {
      if (args[0].command.type === 'evidence' && failures-- > 0)
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      return run(...args);
    }) as typeof run;
    const res = await bot.sim.event(event, { eventId: 'EvFILE10' });
    expect(res.status).toBe(200);
    await waitFor(() => entries(incident.key, 'evidence').length === 1, 'the evidence entry after the retry');
    // a redelivery (had Slack not seen the ack) is a replay
    await bot.sim.event(event, { eventId: 'EvFILE10', retryNum: 1, retryReason: 'http_timeout' });
    await new Promise((r) => setTimeout(r, 100));
    expect(entries(incident.key, 'evidence')).toHaveLength(1);
    expect(bot.fake.ephemerals.filter((m) => m.user === CAROL)).toEqual([]);
    await settle();
  });

  it('evidence that still cannot be stored after the retries: the person who shared the file is told', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    const event = {
      type: 'message',
      subtype: 'file_share',
      channel: room,
      user: CAROL,
      ts: '1714570600.000700',
      text: 'dump',
      files: [
        {
          id: 'F11',
          name: 'core.<!channel>.dump',
          permalink: 'https://example.slack.com/files/U0CAROL/F11/x',
        },
      ],
    };
    const run = bot.store.run.bind(bot.store);
    bot.store.run = ((...args: Parameters<typeof run>) => {
      if (args[0].command.type === 'evidence')
        throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
      return run(...args);
    }) as typeof run;
    await bot.sim.event(event, { eventId: 'EvFILE11' });
    const told = await waitFor(
      () => bot.fake.ephemerals.find((m) => m.user === CAROL),
      'the ephemeral',
      8000,
    );
    expect(told.text).toMatch(/could not add .* to the incident's evidence/);
    expect(told.text).not.toContain('<!channel>');
    expect(entries(incident.key, 'evidence')).toHaveLength(0);
    bot.store.run = run;
    bot.errors.length = 0; // logged as an error, as it should be
    await settle();
  }, 15_000);

  it('edits and deletions of a logged message append corrections; other messages are ignored', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    await bot.sim.messageShortcut({
      callbackId: SHORTCUT.addToLog,
      userId: BOB,
      channelId: room,
      messageTs: '1714570500.000600',
      messageText: 'Restart at 14:00',
      messageUser: BOB,
    });
    await ephemeralTo(BOB, 'Added to the incident log');
    const edit = {
      type: 'message',
      subtype: 'message_changed',
      channel: room,
      hidden: true,
      message: {
        type: 'message',
        user: BOB,
        ts: '1714570500.000600',
        text: 'Restart at 14:30',
        edited: { user: BOB, ts: '1714570600.000000' },
      },
      previous_message: { type: 'message', user: BOB, ts: '1714570500.000600', text: 'Restart at 14:00' },
    };
    await bot.sim.event(edit, { eventId: 'EvEDIT1' });
    await waitFor(() => entries(incident.key, 'correction').length === 1, 'the edit correction');
    await bot.sim.event(edit, { eventId: 'EvEDIT1', retryNum: 1 });
    // an edit of a message that is not in the log
    await bot.sim.event(
      {
        ...edit,
        message: { ...edit.message, ts: '1714579999.000001' },
        previous_message: { ...edit.previous_message, ts: '1714579999.000001' },
      },
      { eventId: 'EvEDIT2' },
    );
    const del = {
      type: 'message',
      subtype: 'message_deleted',
      channel: room,
      hidden: true,
      deleted_ts: '1714570500.000600',
      previous_message: { type: 'message', user: BOB, ts: '1714570500.000600', text: 'Restart at 14:30' },
    };
    await bot.sim.event(del, { eventId: 'EvDEL1' });
    await waitFor(() => entries(incident.key, 'correction').length === 2, 'the delete correction');
    await bot.sim.event({ ...del, deleted_ts: '1714570000.999999' }, { eventId: 'EvDEL2' });
    await new Promise((r) => setTimeout(r, 150));
    const corrections = entries(incident.key, 'correction').map((e) => e.payload);
    expect(corrections).toEqual([
      { messageId: `${room}:1714570500.000600`, change: 'edited', text: 'Restart at 14:30' },
      { messageId: `${room}:1714570500.000600`, change: 'deleted', text: null },
    ]);
    expect(entries(incident.key, 'note')).toHaveLength(1);
    await settle();
  });
});

describe('follow-ups', () => {
  it('created through the modal, listed with a Mark done button, completed by the owner', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    await bot.sim.slash('followup', { userId: IC, channelId: room });
    const [call] = await bot.fake.waitForCalls('views.open', 1);
    const view = call!.args.view;
    expect(view.callback_id).toBe(VIEW.followup);
    expect(checkView(view)).toEqual([]);
    const values = (what: string) => ({
      what: { value: stateValue.plainText(what) },
      acceptance: { value: stateValue.plainText('Lag above 500k pages the on-call') },
      owner: { value: stateValue.usersSelect(BOB) },
      due: { value: stateValue.datepicker('2024-06-01') },
      objective: { value: stateValue.staticSelect('resilience') },
    });
    const bad = await bot.sim.viewSubmission({
      callbackId: VIEW.followup,
      userId: IC,
      viewId: 'VFOLLOW1',
      privateMetadata: view.private_metadata,
      values: {
        ...values(''),
        objective: { value: stateValue.staticSelect(null) },
        acceptance: { value: stateValue.plainText('  ') },
      },
    });
    expect(bad.body.response_action).toBe('errors');
    expect(Object.keys(bad.body.errors).sort()).toEqual(['acceptance', 'objective', 'what']);
    const ok = await bot.sim.viewSubmission({
      callbackId: VIEW.followup,
      userId: IC,
      viewId: 'VFOLLOW1',
      privateMetadata: view.private_metadata,
      values: values('Add lag alerting on the consumer group'),
    });
    expect(ok.body).toBe('');
    const f = bot.store.get(incident.key)!.followups;
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      what: 'Add lag alerting on the consumer group',
      owner: BOB,
      due: '2024-06-01',
      objective: 'resilience',
      acceptance: 'Lag above 500k pages the on-call',
      state: 'open',
    });
    await ephemeralTo(IC, f[0]!.id);

    await bot.sim.slash('followups', { userId: CAROL, channelId: room });
    const list = await waitFor(
      () => bot.fake.ephemerals.find((e) => e.user === CAROL && e.blocks),
      'the follow-up list',
    );
    const button = list.blocks!.find(
      (b: { accessory?: { action_id: string } }) => b.accessory?.action_id === ACTION.followupDone,
    ).accessory;
    expect(button.value).toBe(`${incident.key}:${f[0]!.id}`);

    // not the owner: refused
    await bot.sim.blockAction({
      actionId: ACTION.followupDone,
      value: button.value,
      userId: CAROL,
      channelId: room,
      isEphemeral: true,
    });
    await ephemeralTo(CAROL, 'Only the owner or the incident commander');
    // the owner: done (a double click is one command)
    const click = bot.sim.blockActionPayload({
      actionId: ACTION.followupDone,
      value: button.value,
      userId: BOB,
      channelId: room,
      isEphemeral: true,
    });
    await bot.sim.sendPayload(click);
    await bot.sim.sendPayload(click, { retryNum: 1 });
    await ephemeralTo(BOB, 'Follow-up marked done');
    expect(bot.store.get(incident.key)!.followups[0]!.state).toBe('done');
    expect(entries(incident.key, 'followup').map((e) => e.payload.state)).toEqual(['open', 'done']);
    await settle();
  });
});

describe('review and export', () => {
  it('the review is refused before closure, then recorded (incident -> done)', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    const early = await bot.sim.slash('review', { userId: IC, channelId: room });
    expect(early.body.text).toMatch(/after the incident is closed/);
    closeForReview(incident);
    expect(bot.store.get(incident.key)!.phase).toBe('review');
    await bot.dispatcher.drain(5000);
    await bot.sim.slash('review', { userId: IC, channelId: room });
    const [call] = await bot.fake.waitForCalls('views.open', 1);
    const view = call!.args.view;
    expect(view.callback_id).toBe(VIEW.review);
    expect(checkView(view)).toEqual([]);
    const empty = await bot.sim.viewSubmission({
      callbackId: VIEW.review,
      userId: IC,
      privateMetadata: view.private_metadata,
      values: { summary: { value: stateValue.plainText('  ') }, why_1: { value: stateValue.plainText('') } },
    });
    expect(empty.body.response_action).toBe('errors');
    expect(empty.body.errors.summary).toMatch(/summary/);
    expect(empty.body.errors.corrective_actions).toBe('The review needs the corrective actions.');
    expect(empty.body.errors.verification_plan).toBe(
      'The review needs the verification plans: how you will know the fixes work.',
    );
    // the playbook's review questions (the handbook's readiness check, the runbook library) are required
    expect(empty.body.errors['question:readiness']).toBe('Answer "Readiness check".');
    expect(empty.body.errors['question:runbook_library']).toBe('Answer "Runbook library".');
    // the modal asks for corrective actions, verification plans and (none filed yet) says so
    const blockIds = view.blocks.map((b: { block_id?: string }) => b.block_id);
    expect(blockIds).toEqual(
      expect.arrayContaining(['corrective_actions', 'verification_plan', 'no_followups']),
    );
    const noneBlock = view.blocks.find((b: { block_id?: string }) => b.block_id === 'no_followups');
    expect(noneBlock.element.options[0].text.text).toBe('No follow-up tasks are needed');
    expect(noneBlock.hint.text).toMatch(/No follow-up tasks are filed yet/);
    const values = (noFollowups: string[]) => ({
      summary: { value: stateValue.plainText('Consumer group stalled after a bad deploy') },
      why_1: { value: stateValue.plainText('The consumer crashed on a malformed message') },
      why_2: { value: stateValue.plainText('Schema validation was off') },
      why_3: { value: stateValue.plainText(null) },
      factor_resilience: { value: stateValue.plainText('No dead-letter queue') },
      factor_compliance: { value: stateValue.plainText(null) },
      corrective_actions: {
        value: stateValue.plainText(
          '  Schema validation turned back on; no new tasks: it shipped in the fix  ',
        ),
      },
      verification_plan: { value: stateValue.plainText('Replay the malformed message in staging') },
      lessons: { value: stateValue.plainText('Validate at the edge') },
      'question:readiness': { value: stateValue.plainText('The DLQ alert fires on staging') },
      'question:runbook_library': { value: stateValue.plainText('Consumer runbook gains the DLQ replay') },
      no_followups: { value: stateValue.checkboxes(noFollowups) },
    });
    // no follow-ups filed and "none needed" not ticked: refused on the checkbox, nothing recorded
    const refused = await bot.sim.viewSubmission({
      callbackId: VIEW.review,
      userId: IC,
      viewId: 'VREVIEW1',
      privateMetadata: view.private_metadata,
      values: values([]),
    });
    expect(refused.body).toEqual({
      response_action: 'errors',
      errors: {
        no_followups:
          'File the follow-up tasks first with `/incident followup`, or tick "no follow-up tasks" and say why in the corrective actions.',
      },
    });
    expect(bot.store.get(incident.key)!.phase).toBe('review');
    expect(entries(incident.key, 'review')).toEqual([]);
    const res = await bot.sim.viewSubmission({
      callbackId: VIEW.review,
      userId: IC,
      viewId: 'VREVIEW1',
      privateMetadata: view.private_metadata,
      values: values(['none']),
    });
    expect(res.body).toBe('');
    const done = bot.store.get(incident.key)!;
    expect(done.phase).toBe('done');
    expect(done.review).toMatchObject({
      summary: 'Consumer group stalled after a bad deploy',
      whys: ['The consumer crashed on a malformed message', 'Schema validation was off'],
      factors: 'Resilience: No dead-letter queue',
      lessons: 'Validate at the edge',
      correctiveActions: 'Schema validation turned back on; no new tasks: it shipped in the fix',
      verificationPlan: 'Replay the malformed message in staging',
      noFollowups: true,
    });
    expect(entries(incident.key, 'review').map((e) => e.payload)).toEqual([
      expect.objectContaining({
        correctiveActions: 'Schema validation turned back on; no new tasks: it shipped in the fix',
        verificationPlan: 'Replay the malformed message in staging',
        noFollowups: true,
        followups: [],
      }),
    ]);
    await ephemeralTo(IC, 'Review recorded');
    await settle();
    // the "review recorded" post in the room carries them
    const post = bot.fake
      .okCallsTo('chat.postMessage')
      .map((c) => JSON.stringify(c.args.blocks ?? []))
      .find((b) => b.includes('Post-incident review recorded'));
    expect(post).toContain('*Corrective actions*: Schema validation turned back on');
    expect(post).toContain('*Verification plans*: Replay the malformed message in staging');
    expect(post).toContain('No follow-up tasks are needed');
  });

  it('the review is recorded without "none needed" once a follow-up is filed', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    closeForReview(incident);
    const filed = bot.service.handle({
      key: `test:setup:${incident.key}:followup`,
      incidentKey: incident.key,
      command: {
        type: 'add_followup',
        id: 'FU-1',
        what: 'Turn schema validation on for every consumer',
        owner: BOB,
        due: '2099-01-10',
        objective: 'resilience',
        acceptance: 'It is verified done.',
      },
      actor: { platform: 'slack', id: IC },
    });
    expect(filed.ok).toBe(true);
    await bot.dispatcher.drain(5000);
    await bot.sim.slash('review', { userId: IC, channelId: room });
    const [call] = await bot.fake.waitForCalls('views.open', 1);
    const view = call!.args.view;
    const noneBlock = view.blocks.find((b: { block_id?: string }) => b.block_id === 'no_followups');
    expect(noneBlock.hint.text).toMatch(/^1 follow-up task is filed: 0 done, 1 open \(`?FU-1`?\)\.$/);
    const res = await bot.sim.viewSubmission({
      callbackId: VIEW.review,
      userId: IC,
      viewId: 'VREVIEW2',
      privateMetadata: view.private_metadata,
      values: {
        summary: { value: stateValue.plainText('Consumer group stalled') },
        why_1: { value: stateValue.plainText('Malformed message') },
        corrective_actions: { value: stateValue.plainText('Validate schemas in every consumer (FU-1)') },
        verification_plan: { value: stateValue.plainText('A malformed message lands in the DLQ in staging') },
        'question:readiness': { value: stateValue.plainText('The DLQ alert fires on staging') },
        'question:runbook_library': { value: stateValue.plainText('None: the consumer runbook covers it') },
        no_followups: { value: stateValue.checkboxes([]) },
      },
    });
    expect(res.body).toBe('');
    const done = bot.store.get(incident.key)!;
    expect(done.phase).toBe('done');
    expect(done.review).toMatchObject({
      correctiveActions: 'Validate schemas in every consumer (FU-1)',
      verificationPlan: 'A malformed message lands in the DLQ in staging',
    });
    expect(done.review?.noFollowups).toBeUndefined();
    expect(entries(incident.key, 'review')[0]?.payload).toMatchObject({
      noFollowups: false,
      followups: ['FU-1'],
    });
    await settle();
  });

  it('export uploads the review document and timeline to the incident channel and logs it', async () => {
    const incident = await declare({ drill: true });
    const room = incident.room!.id;
    await bot.sim.slash('decision Fail over because the primary is gone', { userId: IC, channelId: room });
    const res = await bot.sim.slash('export', { userId: BOB, channelId: room });
    expect(res.body.text).toContain('Exporting');
    await ephemeralTo(BOB, 'Uploaded');
    const uploads = [...bot.fake.uploads.values()];
    expect(uploads.map((u) => u.filename).sort()).toEqual([
      `${incident.key}-timeline.svg`,
      `${incident.key}.md`,
    ]);
    for (const u of uploads) {
      expect(u.completed).toBe(true);
      expect(u.channel_id).toBe(room);
      expect(u.body.length).toBeGreaterThan(0);
    }
    expect(uploads[0]!.initial_comment).toContain('[DRILL]');
    const md = uploads.find((u) => u.filename.endsWith('.md'))!.body.toString('utf8');
    expect(md).toContain('Fail over');
    expect(entries(incident.key, 'export').map((e) => e.payload)).toEqual([{ format: 'md' }]);
    await settle();
  });

  it('export refuses a record changed outside the bot, and says so', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    await settle();
    bot.store.db
      .prepare(
        'UPDATE incidents SET state = replace(state, \'"drill":false\', \'"drill":true\') WHERE key = ?',
      )
      .run(incident.key);
    const uploadsBefore = bot.fake.uploads.size;
    await bot.sim.slash('export', { userId: BOB, channelId: room });
    const said = await ephemeralTo(BOB, 'does not verify');
    expect(JSON.stringify(said)).toContain('changed: drill');
    expect(bot.fake.uploads.size).toBe(uploadsBefore);
    expect(entries(incident.key, 'export')).toEqual([]);
    expect(bot.errors.map((e) => e.msg)).toEqual(['AUDIT ALERT: the record does not verify; export refused']);
  });
});

describe('snooze buttons on nudges', () => {
  it('sets incident.snoozes from the button, in the channel and from a DM', async () => {
    const incident = await declare();
    const room = incident.room!.id;
    const pb = bot.service.playbookFor(incident);
    const nudge = renderPostView(
      postView('nudge', { kind: 'status-update', data: { snoozeKind: 'status_update' } }, incident, pb),
      incident.key,
    );
    const buttons = nudge.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    const snooze30 = buttons.find((b: { action_id: string }) => b.action_id === `${ACTION.snooze}:30`);
    expect(JSON.parse(snooze30.value)).toEqual({ k: 'status_update', m: 30, i: incident.key });
    const before = Date.now();
    await bot.sim.blockAction({
      actionId: snooze30.action_id,
      value: snooze30.value,
      userId: IC,
      channelId: room,
      message: { text: nudge.text, blocks: nudge.blocks },
    });
    await ephemeralTo(IC, 'snoozed for 30 minutes');
    const until = Date.parse(bot.store.get(incident.key)!.snoozes.status_update!);
    expect(until).toBeGreaterThanOrEqual(before + 30 * 60_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 30 * 60_000 + 1000);
    // from a DM, a button of an older nudge (`{kind}:{minutes}`, no incident key): the incident is the one
    // the nudge names
    const snooze15 = buttons.find((b: { action_id: string }) => b.action_id === `${ACTION.snooze}:15`);
    await bot.sim.blockAction({
      actionId: snooze15.action_id,
      value: 'initial_alert:15',
      userId: IC,
      channelId: 'D0IC',
      message: { text: nudge.text, blocks: nudge.blocks },
    });
    await waitFor(() => bot.store.get(incident.key)!.snoozes.initial_alert, 'the DM snooze');
    expect(entries(incident.key, 'snooze')).toHaveLength(2);
    await settle();
  });
});
