// The pager sender (src/integrations/pager-sender.ts) over the real core, against the fake PagerDuty and
// Opsgenie on 127.0.0.1: a timeout after PagerDuty acted is retried with the same dedup key (one alert); a
// final refusal (an invalid routing key) is reported once and said in the room; a row re-sent after its answer
// was recorded (in doubt after a crash) calls nothing; a service's routing key not set, or the bot now paging
// through the other service, is final and calls nothing; keys are never logged; a trigger whose turn comes
// after the close is not sent; Retry-After holds a page 60 s at most; a page given up after a 5xx is
// resolved at close.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the playbook's variable syntax, not a template
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRequest } from '../../src/app/incident-app.js';
import type { CommandOutcome, OutboxRow } from '../../src/app/ports.js';
import type { Command } from '../../src/domain/commands.js';
import { decide } from '../../src/domain/decide.js';
import type { Effect, MessageEffect } from '../../src/domain/effects.js';
import type { Incident } from '../../src/domain/incident.js';
import { OpsgenieClient } from '../../src/integrations/opsgenie-client.js';
import type { PagerClient } from '../../src/integrations/pager-client.js';
import { PagerSender } from '../../src/integrations/pager-sender.js';
import { PagerDutyClient } from '../../src/integrations/pagerduty-client.js';
import { at, ctx, declared, ic } from '../helpers/scenario.js';
import { type FakeOpsgenie, startFakeOpsgenie } from '../support/fake-opsgenie.js';
import { type FakePagerDuty, startFakePagerDuty } from '../support/fake-pagerduty.js';

const KEY = 'pd-key-SECRET-aaaa';
let pd: FakePagerDuty;
let og: FakeOpsgenie;
beforeAll(async () => {
  pd = await startFakePagerDuty([KEY]);
  og = await startFakeOpsgenie('og-key');
});
afterAll(async () => {
  await pd.close();
  await og.close();
});

const pdClient = (env: Record<string, string> = {}) =>
  new PagerDutyClient({ eventsUrl: pd.url, routingKey: KEY, timeoutMs: 300, env: (n) => env[n] });

/** A page requested in the real core, its outbox row, and the sender reporting into that core. */
function harness(target: string, client: PagerClient | null) {
  const r = decide(
    declared(),
    { type: 'page', target },
    ctx(ic, at(1), { paging: 'pagerduty', isSet: () => true }),
  );
  if (!r.ok) throw new Error(r.error.message);
  let state: Incident = r.incident;
  const effects: Effect[] = [];
  const logs: object[] = [];
  const message = r.effects.find(
    (e): e is MessageEffect => e.type === 'message' && e.target.to === 'service',
  )!;
  const row = (attempts: number, inDoubt = false): OutboxRow => ({
    id: 1,
    key: `cmd:${message.key}`,
    incidentKey: state.key,
    platform: 'pager',
    lane: `pager:${state.key}`,
    target: message.target,
    body: message.body,
    createdAt: at(1).toISOString(),
    attempts,
    inDoubt,
  });
  const app = {
    runForDelivery: (q: RunRequest): CommandOutcome => {
      const d = decide(state, q.command, ctx(q.actor, at(2)));
      if (!d.ok) return { ok: false, error: d.error, replay: false, incident: state };
      state = d.incident;
      effects.push(...d.effects);
      return { ok: true, incident: state, notices: [], replay: false, logEntries: 1, outbox: 0 };
    },
  };
  const log = (obj: object) => logs.push(obj);
  const sender = new PagerSender({ client, app, logger: { info: log, warn: log, error: log } });
  const send = (attempts: number, inDoubt = false) => sender.send(row(attempts, inDoubt), state);
  /** A person's command on the same incident (stand down, close). */
  const apply = (command: Command) => {
    const d = decide(state, command, ctx(ic, at(3), { paging: 'pagerduty', isSet: () => true }));
    if (!d.ok) throw new Error(d.error.message);
    state = d.incident;
    effects.push(...d.effects);
    return d.effects;
  };
  const roomData = () =>
    effects
      .filter(
        (e): e is MessageEffect =>
          e.type === 'message' && e.body.kind === 'post' && e.body.template === 'page',
      )
      .map((e) => (e.body as unknown as { data: { state: string; waitSeconds?: number } }).data);
  const roomStates = () => roomData().map((d) => d.state);
  return { send, apply, state: () => state, roomStates, roomData, logs };
}

describe('the pager sender', () => {
  it('a timeout after PagerDuty acted is retried with the same dedup key: one alert', async () => {
    const h = harness('scribe', pdClient());
    pd.script({ status: 202, delayMs: 1000, applied: true });
    const first = await h.send(0);
    expect(first).toMatchObject({ status: 'retry', error: 'timed out after 0.3 s' });
    expect(await h.send(1)).toMatchObject({ status: 'sent' });
    const dedup = h.state().pages![0]!.dedupKey;
    expect(pd.calls.filter((c) => c.body?.dedup_key === dedup)).toHaveLength(2);
    expect(pd.alertsFor(dedup)).toEqual([expect.objectContaining({ triggers: 2 })]);
    expect(h.state().pages![0]).toMatchObject({ status: 'paged', attempts: 2 });
    expect(h.roomStates()).toEqual(['retrying', 'paged']);
    expect(JSON.stringify(h.logs)).not.toContain(KEY);
  });

  it('a final refusal (an invalid routing key) is reported once and said in the room', async () => {
    const bad = new PagerDutyClient({
      eventsUrl: pd.url,
      routingKey: 'wrong',
      timeoutMs: 300,
      env: () => undefined,
    });
    const h = harness('comms_lead', bad);
    expect(await h.send(0)).toMatchObject({ status: 'failed', error: 'HTTP 400 Bad Request' });
    expect(h.state().pages![0]).toMatchObject({ status: 'failed', answer: { status: 400, final: true } });
    expect(h.roomStates()).toEqual(['failed']);
  });

  it('a row re-sent after its answer was recorded (in doubt) calls nothing', async () => {
    const h = harness('technical_lead', pdClient());
    await h.send(0);
    const calls = pd.calls.length;
    expect(await h.send(0, true)).toMatchObject({ status: 'sent', result: { already: 'paged' } });
    expect(pd.calls.length).toBe(calls);
  });

  it("a service's routing key not set, or the bot now paging through Opsgenie, is final and calls nothing", async () => {
    const calls = pd.calls.length + og.calls.length;
    // set when the page was requested, gone from the environment when it is sent
    const unset = harness('ingest_pipeline', pdClient());
    expect(await unset.send(0)).toMatchObject({
      status: 'failed',
      error: 'not configured: PAGERDUTY_ROUTING_KEY_INGEST not set',
    });
    expect(unset.state().pages![0]!.status).toBe('failed');
    const switched = harness(
      'scribe',
      new OpsgenieClient({ apiUrl: og.url, apiKey: 'og-key', timeoutMs: 300 }),
    );
    expect(await switched.send(0)).toMatchObject({
      status: 'failed',
      error: 'paged through PagerDuty, but the bot now pages through Opsgenie',
    });
    const gone = harness('scribe', null);
    expect(await gone.send(0)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('not configured'),
    });
    expect(pd.calls.length + og.calls.length).toBe(calls);
  });

  it('a trigger still waiting to retry when the incident closes is not sent: settled as skipped, the resolve still runs', async () => {
    const h = harness('scribe', pdClient());
    const before = pd.calls.length;
    pd.script({ status: 429, headers: { 'Retry-After': '1' } });
    expect(await h.send(0)).toMatchObject({ status: 'retry' });
    h.apply({ type: 'stand_down', reason: 'false alarm' });
    const calls = () => pd.calls.slice(before).map((c) => c.body.event_action);
    // the retry comes after the close: no call, a final answer, the row settled as skipped
    expect(await h.send(1)).toEqual({ status: 'sent', result: { skipped: 'the incident closed first' } });
    expect(calls()).toEqual(['trigger']);
    expect(h.state().pages![0]).toMatchObject({
      status: 'resolved',
      answer: { final: true, error: 'not sent: the incident closed first' },
    });
    // the room heard of the wait, and nothing of the page after the close
    expect(h.roomStates()).toEqual(['retrying']);
  });

  it('a Retry-After of an hour holds the page 60 s at most, and the room hears it waits', async () => {
    const h = harness('scribe', pdClient());
    pd.script({ status: 429, headers: { 'Retry-After': '3600' } });
    expect(await h.send(0)).toMatchObject({ status: 'retry', afterMs: 60_000 });
    expect(h.roomData()).toEqual([expect.objectContaining({ state: 'retrying', waitSeconds: 60 })]);
    expect(h.state().pages![0]).toMatchObject({ status: 'requested', attempts: 1, mayHaveApplied: true });
  });

  it('given up after a 5xx (which may have been applied): the page failed, and closing resolves it', async () => {
    const h = harness('technical_lead', pdClient());
    pd.script({ status: 503, applied: true });
    // the dispatcher's last attempt (12): given up
    const r = await h.send(11);
    expect(r).toMatchObject({ status: 'failed', error: expect.stringContaining('given up after') });
    expect(h.state().pages![0]).toMatchObject({ status: 'failed', mayHaveApplied: true });
    const closing = h.apply({ type: 'stand_down', reason: 'false alarm' });
    expect(closing).toContainEqual(
      expect.objectContaining({ body: expect.objectContaining({ kind: 'page', action: 'resolve' }) }),
    );
  });
});
