import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/domain/incident.js';
import { ACTION, VIEW } from '../../../src/platforms/slack/ids.js';
import { checkAllRecorded, checkView } from '../../support/blockkit-limits.js';
import { bootSlackBot, type SlackBot, STAKEHOLDER_CHANNEL } from '../../support/boot-slack-bot.js';
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

function declareValues(o: {
  title?: string;
  trigger?: string | null;
  impact?: string;
  severe?: boolean;
  drill?: boolean;
  commander?: string | null;
}) {
  return {
    title: { value: stateValue.plainText(o.title ?? 'Ingest pipeline hard down') },
    triggerClass: { value: stateValue.staticSelect(o.trigger === undefined ? 'service_outage' : o.trigger) },
    impact: { value: stateValue.plainText(o.impact ?? 'No market data for EU clients') },
    severeImpact: { value: stateValue.radio(o.severe ? 'yes' : 'no') },
    drill: { value: stateValue.checkboxes(o.drill ? ['drill'] : []) },
    commander: { value: stateValue.usersSelect(o.commander ?? null) },
  };
}

/** Declares through the modal submission and lets the dispatcher deliver everything owed. */
async function declare(
  o: Parameters<typeof declareValues>[0] & { user?: string; viewId?: string } = {},
): Promise<Incident> {
  const before = new Set(bot.store.listOpen().map((i) => i.key));
  const res = await bot.sim.viewSubmission({
    callbackId: VIEW.declare,
    userId: o.user ?? IC,
    values: declareValues(o),
    privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
    ...(o.viewId
      ? { viewId: o.viewId }
      : { viewId: `V${Math.random().toString(36).slice(2, 10).toUpperCase()}` }),
  });
  expect(res.status).toBe(200);
  const incident = await waitFor(() => bot.store.listOpen().find((i) => !before.has(i.key)), 'the incident');
  expect(await bot.dispatcher.drain(5000)).toBe(true);
  return bot.store.get(incident.key)!;
}

function noBlockKitProblems() {
  expect(checkAllRecorded(bot.fake)).toEqual([]);
}

/** The Web API calls recorded since `from` (an index into the fake's calls), counted by method. */
function callsSince(from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of bot.fake.calls.slice(from)) out[c.method] = (out[c.method] ?? 0) + 1;
  return out;
}

describe('/incident help and scoping', () => {
  it('lists the verbs for `help` and for a bare /incident', async () => {
    for (const text of ['help', '']) {
      const res = await bot.sim.slash(text, { userId: IC, channelId: 'C0GENERAL' });
      expect(res.status).toBe(200);
      expect(res.body.response_type).toBe('ephemeral');
      for (const verb of [
        'declare',
        'list',
        'status',
        'alert',
        'update',
        'role',
        'phase',
        'reclassify',
        'close',
        'log',
        'decision',
      ]) {
        expect(res.body.text).toContain(`/incident ${verb}`);
      }
      expect(res.body.text).toContain('&lt;role&gt;');
    }
  });

  it('answers incident verbs outside an incident channel with how to use them', async () => {
    const res = await bot.sim.slash('close', { userId: IC, channelId: 'C0GENERAL' });
    expect(res.body.text).toMatch(/works in an incident's channel/);
    expect(bot.fake.callsTo('views.open')).toHaveLength(0);
    const unknown = await bot.sim.slash('frobnicate', { userId: IC, channelId: 'C0GENERAL' });
    expect(unknown.body.text).toContain("I don't know");
  });

  it('list says when nothing is open', async () => {
    const res = await bot.sim.slash('list', { userId: IC, channelId: 'C0GENERAL' });
    expect(res.body.text).toContain('No open incidents');
  });
});

describe('declare', () => {
  it('opens the declare modal with the title typed after the verb', async () => {
    const res = await bot.sim.slash('declare Risk engine unavailable', {
      userId: IC,
      channelId: 'C0GENERAL',
    });
    expect(res.status).toBe(200);
    const [call] = await bot.fake.waitForCalls('views.open', 1);
    const view = call!.args.view;
    expect(view.callback_id).toBe(VIEW.declare);
    expect(JSON.parse(view.private_metadata)).toEqual({ c: 'C0GENERAL' });
    const title = view.blocks.find((b: { block_id: string }) => b.block_id === 'title');
    expect(title.element.initial_value).toBe('Risk engine unavailable');
    const trigger = view.blocks.find((b: { block_id: string }) => b.block_id === 'triggerClass');
    expect(trigger.element.options).toHaveLength(4);
    for (const o of trigger.element.options) expect(o.description.text.length).toBeLessThanOrEqual(75);
    const ic = view.blocks.find((b: { block_id: string }) => b.block_id === 'commander');
    expect(ic.element.initial_user).toBe(IC);
    expect(checkView(view)).toEqual([]);
  });

  it('shows field errors for a missing title and a missing trigger class', async () => {
    const res = await bot.sim.viewSubmission({
      callbackId: VIEW.declare,
      userId: IC,
      values: declareValues({ title: '   ', trigger: null }),
      privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
    });
    expect(res.status).toBe(200);
    expect(res.body.response_action).toBe('errors');
    expect(res.body.errors.title).toMatch(/Title is required/);
    expect(res.body.errors.triggerClass).toBeTruthy();
    expect(bot.store.listOpen()).toHaveLength(0);
  });

  it('declares: incident stored, channel created, summary posted and pinned, declaring channel recorded', async () => {
    // The declaring channel (the fallback room) is part of the declaration itself (one commit): the dispatcher
    // may need it as soon as the incident exists.
    const incident = await declare({});
    expect(incident.title).toBe('Ingest pipeline hard down');
    expect(incident.roles.commander).toEqual([IC]);
    expect(incident.declaredIn).toBe('C0GENERAL');
    expect(bot.store.logEntries(incident.key)[0]!.payload).toContain('"declaredIn":"C0GENERAL"');
    expect(incident.room?.id).toBeTruthy();
    const channel = bot.fake.channels.get(incident.room!.id)!;
    expect(channel.name).toMatch(/^inc-/);
    expect(bot.fake.messagesIn(channel.id).length).toBeGreaterThan(0);
    expect(bot.fake.pins.some((p) => p.channel === channel.id)).toBe(true);
    noBlockKitProblems();
  });

  it('answers the declarer in the modal itself: eight Web API calls per declare, no ephemeral', async () => {
    await bot.sim.slash('help', { userId: IC, channelId: 'C0GENERAL' }); // Bolt's one auth.test
    const from = bot.fake.calls.length;
    const res = await bot.sim.viewSubmission({
      callbackId: VIEW.declare,
      userId: IC,
      values: declareValues({ drill: true }),
      privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
    });
    expect(res.status).toBe(200);
    const [incident] = bot.store.listOpen();
    expect(res.body.response_action).toBe('update');
    const view = res.body.view;
    expect(view.title.text).toBe('Incident declared');
    expect(view.close.text).toBe('Close');
    expect(view.submit).toBeUndefined();
    expect(view.blocks).toEqual([
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `[DRILL] ${incident!.key} declared. Setting up its channel now.` },
      },
    ]);
    expect(checkView(view)).toEqual([]);
    expect(await bot.dispatcher.drain(5000)).toBe(true);
    // the channel, the declarer invited, announcement + summary + checklist + timeline, summary and timeline pinned
    expect(callsSince(from)).toEqual({
      'conversations.create': 1,
      'conversations.invite': 1,
      'chat.postMessage': 4,
      'pins.add': 2,
    });
    expect(bot.fake.ephemerals).toEqual([]);
  });

  it('a drill gets an inc-drill- channel', async () => {
    const incident = await declare({ drill: true, title: 'Quarterly failover drill' });
    expect(incident.drill).toBe(true);
    expect(incident.room?.name).toMatch(/^inc-drill-/);
    noBlockKitProblems();
  });

  it('renders <!channel> in a title escaped, never as a mention', async () => {
    const incident = await declare({ title: 'DB down <!channel> & <@U0BOB> ping' });
    expect(incident.title).toBe('DB down <!channel> & <@U0BOB> ping');
    const posted = bot.fake.calls.filter((c) => c.method.startsWith('chat.') && c.status === 200);
    expect(posted.length).toBeGreaterThan(0);
    for (const c of posted) expect(JSON.stringify([c.args.text, c.args.blocks])).not.toContain('<!channel>');
    const list = await bot.sim.slash('list', { userId: IC, channelId: 'C0GENERAL' });
    expect(list.body.text).toContain('&lt;!channel&gt; &amp; &lt;@U0BOB&gt;');
    expect(list.body.text).not.toContain('<!channel>');
    const status = await bot.sim.slash('status', { userId: IC, channelId: incident.room!.id });
    expect(status.body.text).toContain('&lt;!channel&gt;');
    expect(status.body.text).toMatch(/Golden-hour checklist: 1\/8 done/);
    expect(status.body.text).toMatch(/Next status update due: <!date\^\d+\^/);
    expect(status.body.text).toMatch(/Playbook: .* v1\.5\.0 \(sha256 [0-9a-f]{12}\)/);
    noBlockKitProblems();
  });
});

describe('retries and replays', () => {
  it('the same view submission delivered twice makes one incident', async () => {
    const payload = bot.sim.viewSubmissionPayload({
      callbackId: VIEW.declare,
      userId: IC,
      values: declareValues({}),
      privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
      viewId: 'V0SAME',
      hash: '1700000000.abc',
    });
    const a = await bot.sim.sendPayload(payload);
    const b = await bot.sim.sendPayload(payload, { retryNum: 1, retryReason: 'http_timeout' });
    expect([a.status, b.status]).toEqual([200, 200]);
    await bot.dispatcher.drain(5000);
    expect(bot.store.listOpen()).toHaveLength(1);
    expect(bot.fake.okCallsTo('conversations.create')).toHaveLength(1);
    // both acks answer in the modal (the replay says it was already declared); nobody is told anything else
    const key = bot.store.listOpen()[0]!.key;
    expect(a.body.view.blocks[0].text.text).toBe(`${key} declared. Setting up its channel now.`);
    expect(b.body.view.blocks[0].text.text).toBe(
      `${key} was already declared from this form: Ingest pipeline hard down.`,
    );
    expect(bot.fake.ephemerals).toEqual([]);
  });

  it('the same slash command delivered twice opens one modal and logs once', async () => {
    const form = bot.sim.slashForm('declare Something', {
      userId: IC,
      channelId: 'C0GENERAL',
      triggerId: '111.222.abc',
    });
    const body = new URLSearchParams(form).toString();
    await bot.sim.send(body, 'application/x-www-form-urlencoded');
    await bot.sim.send(body, 'application/x-www-form-urlencoded', { retryNum: 1 });
    await bot.fake.waitForCalls('views.open', 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(bot.fake.callsTo('views.open')).toHaveLength(1);

    const incident = await declare({});
    const logForm = bot.sim.slashForm('log Restarted the consumer group', {
      userId: IC,
      channelId: incident.room!.id,
      triggerId: '333.444.def',
    });
    const logBody = new URLSearchParams(logForm).toString();
    const first = await bot.sim.send(logBody, 'application/x-www-form-urlencoded');
    expect(first.body.text).toContain('Added to the incident log');
    await bot.sim.send(logBody, 'application/x-www-form-urlencoded', { retryNum: 1 });
    const notes = bot.store.logEntries(incident.key).filter((e) => e.kind === 'note');
    expect(notes).toHaveLength(1);
  });
});

describe('request verification', () => {
  it('refuses a bad signature and a stale timestamp with 401 and changes nothing', async () => {
    const payload = bot.sim.viewSubmissionPayload({
      callbackId: VIEW.declare,
      userId: IC,
      values: declareValues({}),
      privateMetadata: '{}',
    });
    const bad = await bot.sim.sendPayload(payload, { signingSecret: 'wrong-secret' });
    expect(bad.status).toBe(401);
    const stale = await bot.sim.sendPayload(payload, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 });
    expect(stale.status).toBe(401);
    const unsigned = await bot.sim.slash('help', { userId: IC, channelId: 'C0GENERAL', unsigned: true });
    expect(unsigned.status).toBe(401);
    expect(bot.store.listOpen()).toHaveLength(0);
    expect(bot.fake.calls).toHaveLength(0);
  });
});

describe('roles by button', () => {
  it('claims, refuses a taken role ephemerally, warns the IC about overload', async () => {
    const incident = await declare({});
    const room = incident.room!.id;
    const res = await bot.sim.blockAction({
      actionId: ACTION.claimRole,
      value: 'technical_lead',
      userId: BOB,
      channelId: room,
      blockId: 'role:technical_lead:v3',
    });
    expect(res.status).toBe(200);
    await waitFor(
      () => bot.store.get(incident.key)!.roles.technical_lead?.includes(BOB),
      'BOB holds technical lead',
    );

    await bot.sim.blockAction({
      actionId: ACTION.claimRole,
      value: 'technical_lead',
      userId: CAROL,
      channelId: room,
    });
    const refusal = await waitFor(
      () => bot.fake.ephemerals.find((e) => e.user === CAROL),
      'refusal to CAROL',
    );
    expect(refusal.channel).toBe(room);
    expect(refusal.text).toMatch(/already holds the Technical lead role/);
    expect(refusal.text).not.toMatch(/Error|at .*\.ts/);

    await bot.sim.blockAction({ actionId: ACTION.claimRole, value: 'scribe', userId: IC, channelId: room });
    const warning = await waitFor(
      () => bot.fake.ephemerals.find((e) => e.user === IC && e.text?.includes('Heads up')),
      'overload warning',
    );
    expect(warning.channel).toBe(room);

    // hand over with the users_select: the role comes from the block id
    await bot.sim.blockAction({
      actionId: ACTION.handoverRole,
      type: 'users_select',
      selectedUser: CAROL,
      blockId: 'role:scribe:v5',
      userId: IC,
      channelId: room,
    });
    await waitFor(() => bot.store.get(incident.key)!.roles.scribe?.includes(CAROL), 'CAROL is scribe');
    await bot.dispatcher.drain(5000);
    noBlockKitProblems();
  });

  it('a claim on the summary costs two Web API calls: the role brief and the summary, no ephemeral', async () => {
    const incident = await declare({});
    const room = incident.room!.id;
    const from = bot.fake.calls.length;
    await bot.sim.blockAction({ actionId: ACTION.claimRole, value: 'scribe', userId: BOB, channelId: room });
    await waitFor(() => bot.store.get(incident.key)!.roles.scribe?.includes(BOB), 'BOB is scribe');
    expect(await bot.dispatcher.drain(5000)).toBe(true);
    expect(callsSince(from)).toEqual({ 'chat.postMessage': 1, 'chat.update': 1 });
    // the role brief to BOB, and the summary (where he clicked) naming him
    const [brief] = bot.fake.callsTo('chat.postMessage').slice(-1);
    expect(brief!.args.channel).toBe(BOB);
    const [update] = bot.fake.callsTo('chat.update');
    expect(JSON.stringify(update!.args.blocks)).toContain(`<@${BOB}>`);
    expect(bot.fake.ephemerals).toEqual([]);
  });

  it('claiming in the room keeps the warnings; from another channel the actor is told the change too', async () => {
    const incident = await declare({});
    const room = incident.room!.id;
    await bot.sim.blockAction({ actionId: ACTION.claimRole, value: 'scribe', userId: IC, channelId: room });
    const warning = await waitFor(
      () => bot.fake.ephemerals.find((e) => e.user === IC && e.text?.includes('Heads up')),
      'overload warning',
    );
    expect(warning.text).not.toContain('is now Scribe');
    // the same kind of button outside the room (the incident by its key, the role by the block id)
    await bot.sim.blockAction({
      actionId: ACTION.claimRole,
      value: incident.key,
      blockId: 'role:comms_lead:v9',
      userId: IC,
      channelId: 'C0GENERAL',
    });
    const told = await waitFor(
      () => bot.fake.ephemerals.find((e) => e.user === IC && e.text?.includes('is now Communications lead')),
      'the change, told outside the room',
    );
    expect(told.channel).toBe('C0GENERAL');
    expect(bot.store.get(incident.key)!.roles.comms_lead).toEqual([IC]);
  });

  it('/incident role assigns and claims', async () => {
    const incident = await declare({});
    const room = incident.room!.id;
    const res = await bot.sim.slash(`role comms <@${BOB}|bob>`, { userId: IC, channelId: room });
    expect(res.body.text).toContain(`<@${BOB}> is now Communications lead`);
    const mine = await bot.sim.slash('role scribe', { userId: CAROL, channelId: room });
    expect(mine.body.text).toContain('is now Scribe');
    const nope = await bot.sim.slash('role astronaut', { userId: CAROL, channelId: room });
    expect(nope.body.text).toContain('There is no role');
    expect(bot.store.get(incident.key)!.roles.comms_lead).toEqual([BOB]);
  });
});

describe('IC-only commands', () => {
  it('a non-IC asking to close is refused at once, ephemerally, and no modal opens', async () => {
    const incident = await declare({});
    const room = incident.room!.id;
    const res = await bot.sim.slash('close', { userId: BOB, channelId: room });
    expect(res.status).toBe(200);
    expect(res.body.response_type).toBe('ephemeral');
    expect(res.body.text).toBe(
      'Only the incident commander can close the incident. The incident commander is <@U0IC>: ask them, or ask them to hand the role to you (`/incident role commander @you`).',
    );
    expect(bot.fake.callsTo('views.open')).toHaveLength(0);

    // and a submitted close form from a non-IC is refused inside the form
    const sub = await bot.sim.viewSubmission({
      callbackId: VIEW.close,
      userId: BOB,
      privateMetadata: JSON.stringify({ k: incident.key, c: room }),
      values: {
        criteria: {
          value: stateValue.checkboxes(['impact_ceased', 'monitoring_stable', 'stakeholders_informed']),
        },
        'field:resolved_at': { value: stateValue.plainText('2024-05-01 14:30 UTC') },
        'field:impact_summary': { value: stateValue.plainText('None left') },
        'field:followups': { value: stateValue.plainText('JIRA-1') },
        'field:review': { value: stateValue.plainText('Friday') },
        facilitator: { value: stateValue.usersSelect(BOB) },
      },
    });
    expect(sub.body.response_action).toBe('errors');
    expect(Object.values(sub.body.errors)).toContain('Only the incident commander can close the incident.');
    expect(bot.store.get(incident.key)!.closedAt).toBeNull();
  });

  it('the IC opens the close modal (criteria, prefilled notice, facilitator) and a button opens it too', async () => {
    const incident = await declare({});
    const room = incident.room!.id;
    // during triage there is nothing to close: the answer says so and names the stand-down, no form opens
    const early = await bot.sim.slash('close', { userId: IC, channelId: room });
    expect(early.body.text).toMatch(/cannot be closed yet.*false alarm.*standdown/);
    expect(early.body.text).not.toContain('<reason>'); // Slack would read it as a link token
    for (const phase of ['detection', 'containment']) {
      const confirmed = bot.service.playbookFor(incident).phases.find((p) => p.id === phase)!.exitCriteria;
      const o = bot.service.handle({
        key: `test:advance:${phase}`,
        incidentKey: incident.key,
        command: { type: 'advance_phase', confirmed: confirmed.map((c) => c.id) },
        actor: { platform: 'slack', id: IC },
      });
      expect(o.ok).toBe(true);
    }
    await bot.sim.slash('close', { userId: IC, channelId: room });
    const [call] = await bot.fake.waitForCalls('views.open', 1);
    const view = call!.args.view;
    expect(view.callback_id).toBe(VIEW.close);
    const ids = view.blocks.map((b: { block_id?: string }) => b.block_id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'criteria',
        'field:resolved_at',
        'field:impact_summary',
        'field:review',
        'facilitator',
      ]),
    );
    const impact = view.blocks.find((b: { block_id?: string }) => b.block_id === 'field:impact_summary');
    expect(impact.element.initial_value).toBe('No market data for EU clients');
    expect(checkView(view)).toEqual([]);
    await bot.sim.blockAction({
      actionId: ACTION.openClose,
      value: incident.key,
      userId: BOB,
      channelId: room,
    });
    const refusal = await waitFor(() => bot.fake.ephemerals.find((e) => e.user === BOB), 'refusal');
    expect(refusal.text).toMatch(
      /^Only the incident commander can close the incident\. The incident commander is <@U0IC>/,
    );
  });

  it('phase: the IC moves on with confirmed criteria; missing criteria show in the form', async () => {
    const incident = await declare({});
    const room = incident.room!.id;
    await bot.sim.slash('phase', { userId: IC, channelId: room });
    const [call] = await bot.fake.waitForCalls('views.open', 1);
    expect(call!.args.view.callback_id).toBe(VIEW.phase);
    expect(checkView(call!.args.view)).toEqual([]);
    const meta = JSON.stringify({ k: incident.key, c: room });
    const partial = await bot.sim.viewSubmission({
      callbackId: VIEW.phase,
      userId: IC,
      privateMetadata: meta,
      values: {
        move: { value: stateValue.radio('forward:containment') },
        criteria: { value: stateValue.checkboxes(['alert_validated']) },
      },
    });
    expect(partial.body.response_action).toBe('errors');
    expect(partial.body.errors.criteria).toMatch(/False positives ruled out/);
    const full = await bot.sim.viewSubmission({
      callbackId: VIEW.phase,
      userId: IC,
      privateMetadata: meta,
      values: {
        move: { value: stateValue.radio('forward:containment') },
        criteria: { value: stateValue.checkboxes(['alert_validated', 'false_positives_ruled_out']) },
      },
    });
    expect(full.status).toBe(200);
    expect(full.body).toBe('');
    expect(bot.store.get(incident.key)!.phase).toBe('containment');
    const back = await bot.sim.viewSubmission({
      callbackId: VIEW.phase,
      userId: IC,
      privateMetadata: meta,
      values: {
        move: { value: stateValue.radio('back:detection') },
        reason: { value: stateValue.plainText('') },
      },
    });
    expect(back.body.errors.reason).toMatch(/why/);
    await bot.dispatcher.drain(5000);
    noBlockKitProblems();
  });
});

describe('communications and checklist', () => {
  it('initial alert modal is prefilled and its submission is sent', async () => {
    const incident = await declare({ title: 'Risk engine unavailable' });
    const room = incident.room!.id;
    await bot.sim.slash('alert', { userId: IC, userName: 'ivy', channelId: room });
    const [call] = await bot.fake.waitForCalls('views.open', 1);
    const view = call!.args.view;
    const value = (id: string) =>
      view.blocks.find((b: { block_id?: string }) => b.block_id === `field:${id}`)?.element.initial_value;
    expect(value('system')).toBe('Risk engine unavailable');
    expect(value('impact')).toBe('No market data for EU clients');
    expect(value('commander')).toBe('@ivy');
    expect(value('start_time')).toMatch(/UTC$/);
    expect(checkView(view)).toEqual([]);
    const values: Record<string, Record<string, unknown>> = {};
    for (const b of view.blocks)
      if (b.type === 'input')
        values[b.block_id] = { value: stateValue.plainText(b.element.initial_value ?? 'x') };
    const sub = await bot.sim.viewSubmission({
      callbackId: VIEW.initialAlert,
      userId: IC,
      privateMetadata: view.private_metadata,
      values,
    });
    expect(sub.status).toBe(200);
    expect(sub.body).toBe('');
    expect(bot.store.get(incident.key)!.initialAlertAt).not.toBeNull();
    await bot.dispatcher.drain(5000);
    const again = await bot.sim.slash('alert', { userId: IC, channelId: room });
    expect(again.body.text).toMatch(/already sent/);
    noBlockKitProblems();
  });

  it('status update with a missing required field shows the error on that field', async () => {
    const incident = await declare({});
    const sub = await bot.sim.viewSubmission({
      callbackId: VIEW.statusUpdate,
      userId: IC,
      privateMetadata: JSON.stringify({ k: incident.key, c: incident.room!.id }),
      values: { 'field:status': { value: stateValue.staticSelect('investigating') } },
    });
    expect(sub.body.response_action).toBe('errors');
    expect(sub.body.errors['field:developments']).toMatch(/required/);
  });

  it('checklist checkboxes are diffed into check and uncheck commands', async () => {
    const incident = await declare({});
    const room = incident.room!.id;
    const block = {
      type: 'actions',
      block_id: 'checklist:stabilize:v3',
      elements: [
        {
          type: 'checkboxes',
          action_id: ACTION.checkItem,
          options: [
            { text: { type: 'mrkdwn', text: 'a' }, value: 'stabilize.switch_off' },
            { text: { type: 'mrkdwn', text: 'b' }, value: 'stabilize.freeze_deploys' },
          ],
        },
      ],
    };
    await bot.sim.blockAction({
      actionId: ACTION.checkItem,
      blockId: block.block_id,
      type: 'checkboxes',
      selectedOptions: [{ value: 'stabilize.switch_off' }, { value: 'stabilize.freeze_deploys' }],
      userId: BOB,
      channelId: room,
      message: { blocks: [block] },
    });
    await waitFor(() => bot.store.get(incident.key)!.checklist['stabilize.freeze_deploys'], 'both ticked');
    // The message as refreshed after the first click: both shown ticked (initial_options); Bob unticks one.
    const refreshed = {
      ...block,
      elements: [{ ...block.elements[0], initial_options: block.elements[0]!.options }],
    };
    await bot.sim.blockAction({
      actionId: ACTION.checkItem,
      blockId: block.block_id,
      type: 'checkboxes',
      selectedOptions: [{ value: 'stabilize.freeze_deploys' }],
      userId: BOB,
      channelId: room,
      message: { blocks: [refreshed] },
    });
    await waitFor(
      () => !bot.store.get(incident.key)!.checklist['stabilize.switch_off'],
      'switch_off unticked',
    );
    expect(bot.store.get(incident.key)!.checklist['stabilize.freeze_deploys']?.state).toBe('done');
    await bot.dispatcher.drain(5000);
    noBlockKitProblems();
  });

  it('a click on a stale checklist message changes only the item clicked, never unticks the others', async () => {
    const incident = await declare({});
    const room = incident.room!.id;
    const options = [
      { text: { type: 'mrkdwn', text: 'a' }, value: 'stabilize.switch_off' },
      { text: { type: 'mrkdwn', text: 'b' }, value: 'stabilize.freeze_deploys' },
    ];
    const stale = {
      type: 'actions',
      block_id: 'checklist:stabilize:v3',
      elements: [{ type: 'checkboxes', action_id: ACTION.checkItem, options }],
    };
    // Alice ticks switch_off; Bob's client still shows the message from before (nothing ticked) and he
    // ticks freeze_deploys: his payload's selection lacks switch_off.
    await bot.sim.blockAction({
      actionId: ACTION.checkItem,
      blockId: stale.block_id,
      type: 'checkboxes',
      selectedOptions: [{ value: 'stabilize.switch_off' }],
      userId: IC,
      channelId: room,
      message: { blocks: [stale] },
    });
    await waitFor(() => bot.store.get(incident.key)!.checklist['stabilize.switch_off'], 'alice ticked');
    await bot.sim.blockAction({
      actionId: ACTION.checkItem,
      blockId: stale.block_id,
      type: 'checkboxes',
      selectedOptions: [{ value: 'stabilize.freeze_deploys' }],
      userId: BOB,
      channelId: room,
      message: { blocks: [stale] },
    });
    await waitFor(() => bot.store.get(incident.key)!.checklist['stabilize.freeze_deploys'], 'bob ticked');
    await bot.dispatcher.drain(5000);
    const list = bot.store.get(incident.key)!.checklist;
    expect(list['stabilize.switch_off']?.state).toBe('done');
    expect(list['stabilize.freeze_deploys']?.state).toBe('done');
    const unticks = bot.store
      .logEntries(incident.key)
      .filter((e) => e.kind === 'checklist' && JSON.parse(e.payload).state === 'open');
    expect(unticks).toEqual([]);
  });

  it('a false alarm is stood down by the IC with `/incident standdown <reason>`: room and stakeholders told', async () => {
    const incident = await declare({});
    const room = incident.room!.id;
    const usage = await bot.sim.slash('standdown', { userId: IC, channelId: room });
    expect(usage.body.text).toBe('Say why it is a false alarm. Usage: `/incident standdown &lt;reason&gt;`');
    const bob = await bot.sim.slash('standdown feed maintenance', { userId: BOB, channelId: room });
    expect(bob.body.text).toMatch(
      /^Only the incident commander can stand the incident down\. The incident commander is <@U0IC>/,
    );
    const r = await bot.sim.slash('false-alarm Feed was in planned maintenance <!channel>', {
      userId: IC,
      channelId: room,
    });
    expect(r.body.text).toBe(
      'Stood down as a false alarm; the all-clear goes to the room and to the stakeholder channel.',
    );
    const after = bot.store.get(incident.key)!;
    expect(after).toMatchObject({
      phase: 'done',
      // Slack's `<!channel>` is read as the words typed (neutral text), never kept as a ping
      standDown: { by: IC, reason: 'Feed was in planned maintenance @channel' },
    });
    expect(after.closedAt).not.toBeNull();
    await bot.dispatcher.drain(5000);
    const stake = bot.fake.messagesIn(STAKEHOLDER_CHANNEL).map((m) => JSON.stringify(m.blocks));
    const notice = stake.find((b) => b.includes('stood down: false alarm'));
    expect(notice).toBeDefined();
    expect(notice).toContain('Feed was in planned maintenance');
    expect(notice).not.toContain('<!channel>');
    expect(
      bot.fake.messagesIn(room).some((m) => JSON.stringify(m.blocks).includes('stood down: false alarm')),
    ).toBe(true);
    const summaryRef = bot.outbox.getMessageRef(incident.key, 'slack', 'summary')!;
    expect(JSON.stringify(bot.fake.message(room, summaryRef.ref))).toContain('Stood down (false alarm)');
    // no further process: a phase move is refused as closed
    const phase = await bot.sim.slash('phase', { userId: IC, channelId: room });
    expect(phase.body.text).toMatch(/closed/i);
    noBlockKitProblems();
    expect(bot.errors).toEqual([]);
  });

  it('reclassify by the IC; a decision by anyone', async () => {
    const incident = await declare({});
    const room = incident.room!.id;
    const sub = await bot.sim.viewSubmission({
      callbackId: VIEW.reclassify,
      userId: IC,
      privateMetadata: JSON.stringify({ k: incident.key, c: room }),
      values: {
        triggerClass: { value: stateValue.staticSelect('data_integrity') },
        severeImpact: { value: stateValue.radio('yes') },
        reason: { value: stateValue.plainText('Corrupted prices found') },
      },
    });
    expect(sub.body).toBe('');
    expect(bot.store.get(incident.key)!.triggerClass).toBe('data_integrity');
    const d = await bot.sim.slash('decision Fail over to the DR site', { userId: BOB, channelId: room });
    expect(d.body.text).toBe('Decision recorded.');
    const r = await bot.sim.slash('reclassify', { userId: BOB, channelId: room });
    expect(r.body.text).toMatch(
      /^Only the incident commander can re-classify the incident\. The incident commander is <@U0IC>/,
    );
    await bot.dispatcher.drain(5000);
    noBlockKitProblems();
    expect(bot.errors).toEqual([]);
  });
});
