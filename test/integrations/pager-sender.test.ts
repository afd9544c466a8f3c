// The pager sender (src/integrations/pager-sender.ts) over the real core, against the fake PagerDuty and
// Opsgenie on 127.0.0.1: a timeout after PagerDuty acted is retried with the same dedup key (one alert); a
// final refusal (an invalid routing key) is reported once and said in the room; a row re-sent after its answer
// was recorded (in doubt after a crash) calls nothing; a service's routing key not set, or the bot now paging
// through the other service, is final and calls nothing; keys are never logged.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the playbook's variable syntax, not a template
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRequest } from '../../src/app/incident-app.js';
import type { CommandOutcome, OutboxRow } from '../../src/app/ports.js';
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
  const roomStates = () =>
    effects
      .filter((e): e is MessageEffect => e.type === 'message' && e.body.kind === 'post')
      .map((e) => (e.body as unknown as { data: { state: string } }).data.state);
  return { send, state: () => state, roomStates, logs };
}

describe('the pager sender', () => {
  it('a timeout after PagerDuty acted is retried with the same dedup key: one alert', async () => {
    const h = harness('scribe', pdClient());
    pd.script({ status: 202, delayMs: 1000, applied: true });
    const first = await h.send(0);
    expect(first).toMatchObject({ status: 'retry', error: 'timed out after 0.3 s' });
    expect(await h.send(1)).toMatchObject({ status: 'sent' });
    const dedup = `${h.state().key}/scribe`;
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
});
