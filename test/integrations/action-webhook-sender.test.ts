// The actions sender against a fake system on 127.0.0.1: what it sends (resolved url and headers, the
// Idempotency-Key of the outbox row, in doubt or not), how it sorts answers (429 with Retry-After and 5xx
// retried, 4xx and redirects final, the last attempt given up), what it reports back, and what it never logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentApp, RunRequest } from '../../src/app/incident-app.js';
import type { CommandOutcome, OutboxRow } from '../../src/app/ports.js';
import type { Command } from '../../src/domain/commands.js';
import { parseRetryAfter } from '../../src/integrations/action-webhook-call.js';
import { ActionWebhookSender } from '../../src/integrations/action-webhook-sender.js';
import { declared, playbook } from '../helpers/scenario.js';
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
      target: expect.stringMatching(/^127\.0\.0\.1:\d+\/m\/off$/),
      excerpt: 'boom',
    });
  });
});
