// The incident the replica test runs: the requests people send while it goes (role claims, checklist ticks,
// the initial alert, status updates, log notes and decisions, phase moves), each built at the moment it is
// sent from what the record and the fake Slack show then, with the idempotency key the bot will file it
// under and a unique marker where the command's log entry carries its text.

import { actionKey, slashKey, viewKey } from '../../src/platforms/slack/context.js';
import { ACTION, VIEW } from '../../src/platforms/slack/ids.js';
import { eventKey } from '../../src/platforms/slack/listeners/message-events.js';
import type { Db } from '../../src/storage/sql-db.js';
import type { FakeSlack, Json } from '../support/fake-slack-api.js';
import { stateValue } from '../support/slack-request.js';
import { alertValues, IC, phaseValues, updateValues } from './fault-helpers.js';
import { builder, type SlackRequest } from './replica-harness.js';

export const TECH = 'U0TECH';
export const COMMS = 'U0COMMS';
export const SCRIBE = 'U0SCRIBE';

export interface Running {
  db: Db;
  fake: FakeSlack;
  incident: string;
  room: string;
}

export interface Built {
  req: SlackRequest;
  /** The key the bot files the command under (commands.key, decision_log.command_key). */
  key: string;
}

export interface Step {
  name: string;
  /**
   * form / slash: the ack is given after the command is committed (ops/durable-acks.ts), so an ack means
   * "in the record". button / event: the ack comes first and the work after it, by design.
   */
  kind: 'form' | 'slash' | 'button' | 'event';
  build(r: Running): Built;
  /** Text the command's log entry carries (exactly one entry must carry it). */
  marker?: string;
}

/** Whether the command filed under `key` is in the record (a button's or event's work ran). */
export const handled = (r: Running, key: string): boolean =>
  Boolean(r.db.prepare('SELECT 1 FROM commands WHERE key = ?').get(key));

let views = 0;
let files = 0;

function stateOf(r: Running): Json {
  const row = r.db.prepare('SELECT state FROM incidents WHERE key = ?').get(r.incident) as
    | { state: string }
    | undefined;
  return row ? JSON.parse(row.state) : null;
}

function form(callbackId: string, user: string, values: Json, r: Running, meta?: Json): Built {
  const payload = builder.viewSubmissionPayload({
    callbackId,
    userId: user,
    values,
    privateMetadata: JSON.stringify(meta ?? { k: r.incident, c: r.room }),
    viewId: `VREP${process.pid}X${++views}`,
  });
  return { req: { kind: 'interaction', payload }, key: viewKey(payload.view) };
}

function slash(text: string, user: string, r: Running): Built {
  const f = builder.slashForm(text, { userId: user, channelId: r.room });
  return { req: { kind: 'slash', form: f }, key: slashKey(f.team_id!, f.trigger_id!) };
}

function claim(role: string, user: string, r: Running): Built {
  const payload = builder.blockActionPayload({
    actionId: ACTION.claimRole,
    value: role,
    userId: user,
    channelId: r.room,
    blockId: `role:${role}:v${stateOf(r).version}`,
  });
  const a = payload.actions[0];
  const key = actionKey({
    messageTs: payload.container.message_ts,
    actionId: a.action_id,
    value: role,
    user,
    actionTs: a.action_ts,
  });
  return { req: { kind: 'interaction', payload }, key };
}

/** Ticks `item` in the checklist message as Slack holds it now (the click carries that message). */
function tick(item: string, user: string, r: Running): Built {
  const ref = r.db
    .prepare(
      "SELECT channel, ref FROM message_refs WHERE incident_key = ? AND platform = 'slack' AND name = ?",
    )
    .get(r.incident, 'checklist') as { channel: string; ref: string } | undefined;
  const message = ref && r.fake.message(ref.channel, ref.ref);
  if (!ref || !message) throw new Error('no checklist message in Slack yet');
  const blocks: Json[] = message.blocks ?? [];
  const has = (e: Json) => e.type === 'checkboxes' && e.options?.some((o: Json) => o.value === item);
  const block = blocks.find((b) => b.elements?.some(has));
  if (!block) throw new Error(`no checkbox for ${item} in the checklist message`);
  const el = block.elements.find(has);
  const before = ((el.initial_options ?? []) as { value: string }[]).map((o) => o.value);
  const payload = builder.blockActionPayload({
    actionId: el.action_id,
    blockId: block.block_id,
    type: 'checkboxes',
    selectedOptions: [...before, item].map((value) => ({ value })),
    userId: user,
    channelId: ref.channel,
    messageTs: ref.ref,
    message: { ts: ref.ref, text: message.text, blocks },
  });
  const a = payload.actions[0];
  const key = `${actionKey({ messageTs: ref.ref, actionId: a.action_id, value: item, user, actionTs: a.action_ts })}:check_item`;
  return { req: { kind: 'interaction', payload }, key };
}

/** The declaration, from #general (no incident yet). */
export function declareStep(title: string): Step {
  return {
    name: 'declare',
    kind: 'form',
    build: (r) =>
      form(
        VIEW.declare,
        IC,
        {
          title: { value: stateValue.plainText(title) },
          triggerClass: { value: stateValue.staticSelect('service_outage') },
          impact: { value: stateValue.plainText('EU clients see no prices') },
          severeImpact: { value: stateValue.radio('no') },
          drill: { value: stateValue.checkboxes([]) },
          commander: { value: stateValue.usersSelect(null) },
        },
        r,
        { c: 'C0GENERAL' },
      ),
  };
}

const claimStep = (role: string, user: string): Step => ({
  name: `claim ${role}`,
  kind: 'button',
  build: (r) => claim(role, user, r),
});

const tickStep = (item: string, user: string): Step => ({
  name: `tick ${item}`,
  kind: 'button',
  build: (r) => tick(item, user, r),
});

/** A file shared in the channel (Events API): an evidence entry named after the file. */
const fileStep = (marker: string, user: string): Step => ({
  name: `file ${marker}`,
  kind: 'event',
  marker,
  build: (r) => {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++files).padStart(6, '0')}`;
    const envelope = builder.eventEnvelope({
      type: 'message',
      subtype: 'file_share',
      channel: r.room,
      user,
      ts,
      text: '',
      files: [{ id: `F${marker}`, name: `${marker}.log`, permalink: `https://files.example/${marker}.log` }],
    });
    return { req: { kind: 'event', envelope }, key: eventKey(envelope.event_id) };
  },
});

const noteStep = (marker: string, user: string): Step => ({
  name: `log ${marker}`,
  kind: 'slash',
  marker,
  build: (r) => slash(`log ${marker} seen on the ingest dashboards`, user, r),
});

const decisionStep = (marker: string): Step => ({
  name: `decision ${marker}`,
  kind: 'slash',
  marker,
  build: (r) => slash(`decision ${marker} fail over to the standby feed`, IC, r),
});

const updateStep = (marker: string): Step => ({
  name: `update ${marker}`,
  kind: 'form',
  marker,
  build: (r) => form(VIEW.statusUpdate, COMMS, updateValues(`${marker} found in the feed handler`), r),
});

const phaseStep = (from: string, to: string): Step => ({
  name: `phase ${from} -> ${to}`,
  kind: 'form',
  build: (r) => form(VIEW.phase, IC, phaseValues(from, to), r),
});

/** Everything after the declaration, in the order people would send it; `tag` makes the markers unique. */
export function incidentSteps(tag: string): Step[] {
  const m = (n: number) => `m${tag}n${n}z`; // z: n1 is no prefix of n10
  return [
    claimStep('technical_lead', TECH),
    claimStep('comms_lead', COMMS),
    noteStep(m(1), SCRIBE),
    claimStep('scribe', SCRIBE),
    { name: 'initial alert', kind: 'form', build: (r) => form(VIEW.initialAlert, COMMS, alertValues(), r) },
    tickStep('stabilize.switch_off', IC),
    noteStep(m(2), TECH),
    decisionStep(m(3)),
    tickStep('stabilize.freeze_deploys', TECH),
    updateStep(m(4)),
    tickStep('assess.confirm_systems', TECH),
    noteStep(m(5), TECH),
    fileStep(m(6), TECH),
    phaseStep('detection', 'containment'),
    tickStep('assess.data_quality', TECH),
    updateStep(m(7)),
    noteStep(m(8), SCRIBE),
    decisionStep(m(9)),
    tickStep('owners.handoffs', SCRIBE),
    phaseStep('containment', 'mitigation'),
    updateStep(m(10)),
    noteStep(m(11), COMMS),
    decisionStep(m(12)),
    updateStep(m(13)),
    noteStep(m(14), SCRIBE),
    fileStep(m(15), SCRIBE),
    updateStep(m(16)),
  ];
}
