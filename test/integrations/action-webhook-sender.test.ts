// The actions sender against a fake system on 127.0.0.1: what it sends (resolved url and headers, the
// Idempotency-Key of the outbox row, in doubt or not), how it sorts answers (429 with Retry-After and 5xx
// retried, 4xx and redirects final, the last attempt given up), what it reports back, and what it never logs;
// against the real core with the store's replay by key: crashes between the answer and the row's bookkeeping.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the playbook's variable syntax, not a template
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentApp, RunRequest } from '../../src/app/incident-app.js';
import type { CommandOutcome, OutboxRow } from '../../src/app/ports.js';
import type { Command } from '../../src/domain/commands.js';
import { decide } from '../../src/domain/decide.js';
import type { Effect } from '../../src/domain/effects.js';
import type { Incident } from '../../src/domain/incident.js';
import { parseRetryAfter } from '../../src/integrations/action-webhook-call.js';
import { ActionWebhookSender } from '../../src/integrations/action-webhook-sender.js';
import { at, ctx, declared, ic, playbook } from '../helpers/scenario.js';
import { type FakeWebhook, startFakeWebhook } from '../support/fake-webhook.js';
import { freePort } from '../support/slack-request.js';

let fake: FakeWebhook;
beforeAll(async () => {
  fake = await startFakeWebhook();
});
afterAll(async () => {
  await fake.close();
});

const incident = declared();
type Answered = Extract<Command, { type: 'action_answered' }>;

function harness(env: Record<string, string>, o: { maxAttempts?: number } = {}) {
  const reports: RunRequest[] = [];
  const logs: object[] = [];
  const app = {
    playbookFor: () => playbook,
    runForDelivery: (r: RunRequest): CommandOutcome => {
      reports.push(r);
      return { ok: true, incident, notices: [], replay: false, logEntries: 1, outbox: 0 };
    },
  } as unknown as IncidentApp;
  const log = (obj: object) => logs.push(obj);
  const sender = new ActionWebhookSender({
    app,
    env: (n) => env[n],
    timeoutMs: 300,
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
    logger: { info: log, warn: log, error: log },
  });
  return { sender, reports, logs, answers: () => reports.map((r) => r.command as Answered) };
}

/**
 * The sender over the real core, with the store's idempotency: a command key seen before replays its first
 * outcome; `failWrites` storage failures throw before anything is written.
 */
function withCore(env: Record<string, string>, o: { maxAttempts?: number; failWrites?: number } = {}) {
  const requested = decide(
    declared(),
    { type: 'run_action', action: 'freeze_deployments', reason: 'limits exceeded', confirmed: true },
    ctx(ic, at(1), { isSet: () => true }),
  );
  if (!requested.ok) throw new Error(requested.error.message);
  let state: Incident = requested.incident;
  // what the core asks the store to write (log entries, posts), from the request on
  const effects: Effect[] = [...requested.effects];
  const seen = new Map<string, CommandOutcome>();
  const keys: string[] = [];
  let failWrites = o.failWrites ?? 0;
  const logs: object[] = [];
  const app = {
    playbookFor: () => playbook,
    runForDelivery: (r: RunRequest): CommandOutcome => {
      const prior = seen.get(r.key);
      if (prior) return { ...prior, replay: true };
      if (failWrites > 0) {
        failWrites--;
        throw new Error('SQLITE_BUSY: database is locked');
      }
      keys.push(r.key);
      const d = decide(state, r.command, ctx(r.actor, at(2)));
      const outcome: CommandOutcome = d.ok
        ? { ok: true, incident: d.incident, notices: [], replay: false, logEntries: 1, outbox: 0 }
        : { ok: false, error: d.error, replay: false, incident: state };
      if (d.ok) {
        state = d.incident;
        effects.push(...d.effects);
      }
      seen.set(r.key, outcome);
      return outcome;
    },
  } as unknown as IncidentApp;
  const log = (obj: object) => logs.push(obj);
  const sender = new ActionWebhookSender({
    app,
    env: (n) => env[n],
    timeoutMs: 300,
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
    logger: { info: log, warn: log, error: log },
  });
  return { sender, keys, logs, effects, state: () => state, run: () => state.actionRuns![0]! };
}

function row(action: string, o: Partial<OutboxRow> = {}): OutboxRow {
  return {
    id: 1,
    key: `cmd-1:action:${action}.1`,
    incidentKey: incident.key,
    platform: 'actions',
    lane: `actions:${incident.key}`,
    target: { to: 'service', service: 'actions' },
    body: {
      kind: 'action',
      action,
      request: `${action}.1`,
      data: {
        incident: incident.key,
        title: incident.title,
        actor: 'U_IC',
        actorName: 'Ada',
        reason: 'limits exceeded',
        requestedAt: '2026-11-26T10:01:00.000Z',
        drill: false,
        platform: 'slack',
      },
    },
    createdAt: '2026-11-26T10:01:00.000Z',
    attempts: 0,
    inDoubt: false,
    ...o,
  };
}

const env = () => ({
  PROMOTION_GATE_URL: `${fake.url}/u`,
  PROMOTION_GATE_TOKEN: 'tok-123',
  MASTER_SWITCH_URL: `${fake.url}/m`,
  MASTER_SWITCH_TOKEN: 'tok-456',
});

describe('ActionWebhookSender', () => {
  it('sends the resolved request with the row key as Idempotency-Key, in doubt or not, and reports success', async () => {
    const h = harness(env());
    const r = await h.sender.send(row('freeze_deployments', { inDoubt: true, attempts: 1 }), incident);
    expect(r).toEqual({ status: 'sent', result: expect.objectContaining({ status: 200, attempt: 2 }) });
    const call = fake.callsTo('/u/freeze').at(-1)!;
    expect(call.headers.authorization).toBe('Bearer tok-123');
    expect(call.headers['idempotency-key']).toBe('cmd-1:action:freeze_deployments.1');
    expect(call.headers['content-type']).toBe('application/json');
    expect(h.answers()).toEqual([
      expect.objectContaining({ ok: true, status: 200, attempt: 2, final: true, excerpt: '{"ok":true}' }),
    ]);
    // the report is one command, keyed by the row and the attempt
    expect(h.reports[0]!.key).toBe('cmd-1:action:freeze_deployments.1:answer:2');
    expect(h.reports[0]!.actor.id).toBe('incident-bot');
  });

  it('429 honours Retry-After; 5xx retries; 4xx and a redirect are final; the last attempt gives up', async () => {
    const h = harness(env(), { maxAttempts: 3 });
    fake.script('/u/freeze', [
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 502 },
      { status: 403 },
      { status: 302, headers: { location: 'http://elsewhere.example/' } },
      { status: 503 },
    ]);
    expect(await h.sender.send(row('freeze_deployments'), incident)).toEqual({
      status: 'retry',
      error: 'HTTP 429 Too Many Requests',
      afterMs: 7000,
    });
    expect(await h.sender.send(row('freeze_deployments', { attempts: 1 }), incident)).toMatchObject({
      status: 'retry',
      error: 'HTTP 502 Bad Gateway',
    });
    expect(await h.sender.send(row('freeze_deployments', { attempts: 1 }), incident)).toMatchObject({
      status: 'failed',
      error: 'HTTP 403 Forbidden',
    });
    expect(await h.sender.send(row('freeze_deployments', { attempts: 1 }), incident)).toMatchObject({
      status: 'failed',
      error: 'HTTP 302: redirected; set the url to the final address',
    });
    expect(await h.sender.send(row('freeze_deployments', { attempts: 2 }), incident)).toMatchObject({
      status: 'failed',
      error: 'HTTP 503 Service Unavailable; given up after 3 attempts',
    });
    expect(h.answers().map((a) => [a.status, a.final])).toEqual([
      [429, false],
      [502, false],
      [403, true],
      [302, true],
      [503, true],
    ]);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:30 GMT')),
    ).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('a network error is retried; unset variables are a final "not configured", and nothing is called', async () => {
    // a port nothing listens on (just freed)
    const down = harness({ ...env(), PROMOTION_GATE_URL: `http://127.0.0.1:${await freePort()}/u` });
    expect(await down.sender.send(row('freeze_deployments'), incident)).toMatchObject({
      status: 'retry',
      error: 'connection refused',
    });
    const calls = fake.calls.length;
    const unset = harness({ PROMOTION_GATE_URL: `${fake.url}/u` });
    expect(await unset.sender.send(row('freeze_deployments'), incident)).toEqual({
      status: 'failed',
      error: 'not configured: PROMOTION_GATE_TOKEN not set',
    });
    expect(unset.answers()).toEqual([expect.objectContaining({ ok: false, final: true, status: 0 })]);
    expect(fake.calls.length).toBe(calls);
  });

  it('never logs or reports a header or a token', async () => {
    const h = harness(env());
    fake.script('/m/off', [{ status: 500, body: 'boom' }]);
    await h.sender.send(row('master_switch_off'), incident);
    expect(fake.callsTo('/m/off').at(-1)!.headers.authorization).toBe('Bearer tok-456');
    const said = JSON.stringify([h.logs, h.reports]);
    expect(said).not.toMatch(/tok-456|authorization/i);
    expect(h.answers()[0]).toMatchObject({
      target: '${MASTER_SWITCH_URL}/off',
      excerpt: 'boom',
    });
  });

  it('a failed answer recorded, then the row sent again as the same attempt (its retry not recorded): the success is recorded, not replayed', async () => {
    const h = withCore(env());
    fake.script('/u/freeze', [{ status: 502 }]);
    // attempt 1 fails and its answer is recorded; the dispatcher's markRetry then fails: the row keeps attempts 0
    expect(await h.sender.send(row('freeze_deployments'), h.state())).toMatchObject({ status: 'retry' });
    expect(h.run()).toMatchObject({ state: 'requested', attempts: 1 });
    // the same row again, the system now answers 200
    expect(await h.sender.send(row('freeze_deployments'), h.state())).toMatchObject({
      status: 'sent',
      result: { status: 200, attempt: 2 },
    });
    expect(h.run()).toMatchObject({ state: 'succeeded', status: 200, attempts: 2 });
    expect(h.state().checklist['stabilize.freeze_deploys']?.state).toBe('done');
    expect(h.keys).toEqual([
      'cmd-1:action:freeze_deployments.1:answer:1',
      'cmd-1:action:freeze_deployments.1:answer:2',
    ]);
  });

  it('a row whose answer is recorded already (a crash before it was marked sent) calls nothing again', async () => {
    const h = withCore(env());
    await h.sender.send(row('freeze_deployments'), h.state());
    expect(h.run().state).toBe('succeeded');
    const calls = fake.callsTo('/u/freeze').length;
    expect(await h.sender.send(row('freeze_deployments', { inDoubt: true }), h.state())).toEqual({
      status: 'sent',
      result: { already: 'succeeded', attempt: 1 },
    });
    expect(fake.callsTo('/u/freeze')).toHaveLength(calls);
    expect(h.keys).toHaveLength(1);
  });

  it('on the last attempt an answer the database refused once is recorded all the same: the run ends', async () => {
    const h = withCore(env(), { maxAttempts: 2, failWrites: 1 });
    fake.script('/u/freeze', [{ status: 503 }]);
    expect(await h.sender.send(row('freeze_deployments', { attempts: 1 }), h.state())).toMatchObject({
      status: 'failed',
      error: 'HTTP 503 Service Unavailable; given up after 2 attempts',
    });
    expect(h.run()).toMatchObject({ state: 'failed', status: 503 });
    // before the last attempt a refused write throws: the dispatcher retries the row, the run still open
    const early = withCore(env(), { maxAttempts: 3, failWrites: 1 });
    await expect(early.sender.send(row('freeze_deployments'), early.state())).rejects.toThrow(/SQLITE_BUSY/);
    expect(early.run().state).toBe('requested');
    // twice refused on the last attempt: it throws (the row's give-up goes to the same database)
    const down = withCore(env(), { maxAttempts: 1, failWrites: 2 });
    await expect(down.sender.send(row('freeze_deployments'), down.state())).rejects.toThrow(/SQLITE_BUSY/);
  });

  it('a secret in a url variable (a whole webhook URL) never reaches the log entries or the logger', async () => {
    const secret = 'T0SECRET/B0SECRET/xk93hQ7secret';
    const h = withCore({ ...env(), PROMOTION_GATE_URL: `${fake.url}/services/${secret}` });
    fake.script(`/services/${secret}/freeze`, [{ status: 500, body: 'boom' }]);
    expect(await h.sender.send(row('freeze_deployments'), h.state())).toMatchObject({ status: 'retry' });
    expect(await h.sender.send(row('freeze_deployments', { attempts: 1 }), h.state())).toMatchObject({
      status: 'sent',
      result: { target: '${PROMOTION_GATE_URL}/freeze' },
    });
    expect(fake.callsTo(`/services/${secret}/freeze`)).toHaveLength(2);
    const entries = h.effects.filter((e) => e.type === 'log');
    expect(entries.map((e) => e.payload.target ?? e.payload.webhook)).toEqual([
      'POST ${PROMOTION_GATE_URL}/freeze',
      '${PROMOTION_GATE_URL}/freeze',
      '${PROMOTION_GATE_URL}/freeze',
      undefined, // the checklist item it ticked
    ]);
    expect(h.logs.map((l) => (l as { target?: string }).target)).toEqual([
      '${PROMOTION_GATE_URL}/freeze',
      '${PROMOTION_GATE_URL}/freeze',
    ]);
    expect(JSON.stringify([h.logs, h.effects, h.state()])).not.toMatch(/SECRET|xk93hQ7|services/);
  });
});
