import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { OutboxRow } from '../../src/app/ports.js';
import type { Command } from '../../src/domain/commands.js';
import {
  BotMetrics,
  observeRequest,
  recordApiError,
  requestKind,
  setActiveMetrics,
} from '../../src/ops/metrics.js';
import type { Db, SqlStatement } from '../../src/storage/sql-db.js';
import type { OutboxStore } from '../../src/storage/sqlite/outbox-store.js';
import { type Backend, type BackendStack, backends } from '../helpers/backends.js';
import { dropPgDatabases } from '../helpers/pg.js';
import { alertFields, at, closureFields, criteria, ic, playbook, updateFields } from '../helpers/scenario.js';

let stack: BackendStack | null = null;
afterEach(async () => {
  setActiveMetrics(null);
  await stack?.close();
  stack = null;
});
afterAll(dropPgDatabases);

async function setupOn(backend: Backend, clock = () => at(0)) {
  stack = await backend.open({}, clock);
  const s = stack;
  const metrics = new BotMetrics({
    db: s.db,
    outbox: s.outbox,
    playbookFor: (i) => s.service.playbookFor(i),
    now: clock,
  });
  s.service.onChange(metrics.onChange);
  let n = 0;
  const run = (incidentKey: string | null, command: Command, minutes: number) => {
    const o = s.service.handle({ key: `k${n++}`, incidentKey, command, actor: ic, now: at(minutes) });
    if (!o.ok) throw new Error(`${command.type}: ${o.error.message}`);
    return o.incident;
  };
  return { s, metrics, run };
}

let declared = 0;
const declare = (over: Partial<Extract<Command, { type: 'declare' }>> = {}): Command => ({
  type: 'declare',
  key: 'ignored',
  title: `Ingest down ${++declared}`,
  triggerClass: 'service_outage',
  impact: 'No market data',
  severeImpact: false,
  drill: false,
  ...over,
});

/** Value of one sample line `name{labels} value` in the exposition text. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe.each(backends)('metrics on $name', (backend) => {
  const setup = (clock?: () => Date) => setupOn(backend, clock);

  it('counts declarations and open incidents by phase and trigger class, drills excluded', async () => {
    const { metrics, run } = await setup();
    const a = run(null, declare(), 0);
    run(null, declare({ triggerClass: 'data_integrity' }), 1);
    run(null, declare({ drill: true }), 2);
    run(a.key, { type: 'advance_phase', to: 'containment', confirmed: criteria('detection') }, 5);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'incident_bot_incidents_declared_total', { trigger_class: 'service_outage' })).toBe(
      1,
    );
    expect(sample(text, 'incident_bot_incidents_declared_total', { trigger_class: 'data_integrity' })).toBe(
      1,
    );
    expect(
      sample(text, 'incident_bot_open_incidents', { phase: 'containment', trigger_class: 'service_outage' }),
    ).toBe(1);
    expect(
      sample(text, 'incident_bot_open_incidents', { phase: 'detection', trigger_class: 'data_integrity' }),
    ).toBe(1);
    // the drill (service_outage, detection) is not there
    expect(
      sample(text, 'incident_bot_open_incidents', { phase: 'detection', trigger_class: 'service_outage' }),
    ).toBeUndefined();
  });

  it('counts a confidential incident under trigger_class="confidential", never under its class', async () => {
    const { metrics, run } = await setup();
    run(null, declare({ triggerClass: 'security_exposure' }), 0);
    run(null, declare({ triggerClass: 'service_outage', confidential: true }), 1);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'incident_bot_incidents_declared_total', { trigger_class: 'confidential' })).toBe(2);
    expect(
      sample(text, 'incident_bot_open_incidents', { phase: 'detection', trigger_class: 'confidential' }),
    ).toBe(2);
    expect(text).not.toContain('security_exposure');
    expect(text).not.toMatch(/trigger_class="service_outage"/);
  });

  it('observes time to IC, initial alert, mitigation and close once each, from the incident timestamps', async () => {
    const { metrics, run } = await setup();
    const i = run(null, declare(), 0);
    const hasIc = i.roles[playbook.commanderRole]?.length;
    if (!hasIc) run(i.key, { type: 'claim_role', role: playbook.commanderRole }, 3);
    run(i.key, { type: 'send_initial_alert', fields: alertFields }, 10);
    run(i.key, { type: 'advance_phase', to: 'containment', confirmed: criteria('detection') }, 20);
    run(i.key, { type: 'advance_phase', to: 'mitigation', confirmed: criteria('containment') }, 30);
    run(i.key, { type: 'advance_phase', to: 'closure', confirmed: criteria('mitigation') }, 90);
    run(i.key, { type: 'revert_phase', to: 'mitigation', reason: 'it came back' }, 95);
    run(i.key, { type: 'advance_phase', to: 'closure', confirmed: criteria('mitigation') }, 100);
    run(i.key, { type: 'close', confirmed: criteria('closure'), fields: closureFields }, 120);
    const text = await metrics.registry.metrics();
    const sum = (m: string) =>
      sample(text, 'incident_bot_incident_milestone_seconds_sum', {
        milestone: m,
        trigger_class: 'service_outage',
      });
    const count = (m: string) =>
      sample(text, 'incident_bot_incident_milestone_seconds_count', {
        milestone: m,
        trigger_class: 'service_outage',
      });
    expect(sum('ic_assigned')).toBe(hasIc ? 0 : 180);
    expect(sum('initial_alert')).toBe(600);
    expect(sum('mitigation')).toBe(5400); // first time it entered the closure phase, not the second
    expect(count('mitigation')).toBe(1);
    expect(sum('close')).toBe(7200);
    expect(count('close')).toBe(1);
  });

  it('drills observe nothing', async () => {
    const { metrics, run } = await setup();
    const i = run(null, declare({ drill: true }), 0);
    run(i.key, { type: 'send_initial_alert', fields: alertFields }, 10);
    const text = await metrics.registry.metrics();
    expect(
      sample(text, 'incident_bot_incident_milestone_seconds_count', { milestone: 'initial_alert' }),
    ).toBeUndefined();
    expect(sample(text, 'incident_bot_incidents_declared_total')).toBeUndefined();
  });

  it('status updates are on time or late against the playbook cadence', async () => {
    const { metrics, run } = await setup();
    const cadence = playbook.clocks.statusUpdateMinutes;
    const i = run(null, declare(), 0);
    run(i.key, { type: 'send_initial_alert', fields: alertFields }, 5);
    run(i.key, { type: 'post_status_update', fields: updateFields }, 5 + cadence - 1); // on time
    run(i.key, { type: 'post_status_update', fields: updateFields }, 5 + 2 * cadence + 10); // late
    const text = await metrics.registry.metrics();
    expect(sample(text, 'incident_bot_status_updates_total', { timeliness: 'on_time' })).toBe(1);
    expect(sample(text, 'incident_bot_status_updates_total', { timeliness: 'late' })).toBe(1);
  });

  it('nudges delivered, deliveries, backlog and its age, API errors, handler latency', async () => {
    const { s, metrics, run } = await setup(() => at(10));
    run(null, declare(), 0);
    const row = (template: string, data: Record<string, unknown>): OutboxRow =>
      ({
        id: 1,
        key: 'x',
        incidentKey: 'INC',
        platform: 'slack',
        lane: 'l',
        target: { to: 'room' },
        body: { kind: 'post', template, data },
        createdAt: at(0).toISOString(),
        attempts: 0,
      }) as OutboxRow;
    metrics.onResult(row('nudge', { kind: 'status-update' }), { status: 'sent' }, 12);
    metrics.onResult(row('nudge', { kind: 'status-update' }), { status: 'retry', error: 'ratelimited' }, 5);
    metrics.onResult(row('announcement', {}), { status: 'sent' }, 5);
    setActiveMetrics(metrics);
    recordApiError('slack', 'chat.postMessage', 'not_in_channel');
    recordApiError('slack', 'chat.postMessage', 'not_in_channel');
    observeRequest('slash_command', 0.02);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'incident_bot_nudges_sent_total', { kind: 'status-update' })).toBe(1);
    expect(sample(text, 'incident_bot_outbox_deliveries_total', { platform: 'slack', status: 'sent' })).toBe(
      2,
    );
    expect(sample(text, 'incident_bot_outbox_deliveries_total', { platform: 'slack', status: 'retry' })).toBe(
      1,
    );
    const pending = s.outbox.pending().length;
    expect(pending).toBeGreaterThan(0);
    expect(sample(text, 'incident_bot_outbox_backlog')).toBe(pending);
    expect(sample(text, 'incident_bot_outbox_oldest_age_seconds')).toBe(600);
    expect(
      sample(text, 'incident_bot_chat_api_errors_total', {
        platform: 'slack',
        method: 'chat.postMessage',
        code: 'not_in_channel',
      }),
    ).toBe(2);
    expect(sample(text, 'incident_bot_handler_duration_seconds_count', { kind: 'slash_command' })).toBe(1);
  });

  it('serves /metrics in Prometheus format and times the chat routes by kind', async () => {
    const { metrics } = await setup();
    const app = express();
    app.use(metrics.middleware);
    app.post('/slack/events', express.urlencoded({ extended: false }), (_req, res) => {
      res.send('');
    });
    app.get('/metrics', metrics.handler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'command=%2Fincident&text=help',
      });
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toContain('# TYPE incident_bot_open_incidents gauge');
      expect(
        sample(text, 'incident_bot_http_request_duration_seconds_count', {
          route: '/slack/events',
          kind: 'slash_command',
          status: '2xx',
        }),
      ).toBe(1);
      // /metrics itself is not timed
      expect(text).not.toContain('route="/metrics"');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('metrics without a database', () => {
  it('request kinds are bounded', () => {
    const k = (body: unknown) => requestKind({ body } as Parameters<typeof requestKind>[0]);
    expect(k({ command: '/incident' })).toBe('slash_command');
    expect(k({ type: 'view_submission' })).toBe('view_submission');
    expect(k({ type: 'event_callback', event: { type: 'app_mention' } })).toBe('event:app_mention');
    expect(k({ type: 'event_callback', event: { type: 'x'.repeat(500) } })).toBe('event:other');
    expect(k({ type: 'invoke', name: 'adaptiveCard/action' })).toBe('invoke:adaptiveCard/action');
    expect(k({ type: 'something new' })).toBe('other');
    expect(k(undefined)).toBe('unknown');
  });

  it('keeps answering while PostgreSQL is unreachable: no open-incident samples, the last backlog kept', async () => {
    let down = false;
    const unavailable = () =>
      Object.assign(new Error('PostgreSQL is unavailable'), { code: 'PG_UNAVAILABLE' });
    const rows = [{ phase: 'detection', triggerClass: 'service_outage', n: 2 }];
    const statement = {
      all: () => {
        if (down) throw unavailable();
        return rows;
      },
    } as unknown as SqlStatement;
    const db = { open: true, dialect: 'postgres', prepare: () => statement } as unknown as Db;
    const outbox = {
      backlog: () => {
        if (down) throw unavailable();
        return { count: 3, oldestSeconds: 40 };
      },
    } as unknown as OutboxStore;
    const metrics = new BotMetrics({ db, outbox, playbookFor: () => playbook });
    const open = { phase: 'detection', trigger_class: 'service_outage' };
    const before = await metrics.registry.metrics();
    expect(sample(before, 'incident_bot_open_incidents', open)).toBe(2);
    down = true;
    const during = await metrics.registry.metrics();
    expect(sample(during, 'incident_bot_open_incidents', open)).toBeUndefined();
    expect(sample(during, 'incident_bot_outbox_backlog')).toBe(3);
    expect(sample(during, 'incident_bot_outbox_oldest_age_seconds')).toBe(40);
    expect(sample(during, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    // any other failure still fails the scrape (it is a bug, not an outage)
    const broken = {
      ...db,
      prepare: () => ({
        all: () => {
          throw new Error('no such column');
        },
      }),
    } as unknown as Db;
    const m2 = new BotMetrics({ db: broken, outbox, playbookFor: () => playbook });
    await expect(m2.registry.metrics()).rejects.toThrow(/no such column/);
  });
});
