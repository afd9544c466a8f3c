// The core of alerts on an incident (src/domain/decide/alerts.ts): declared from an alert (its first evidence,
// right after `declared`), an alert attached from its prompt (members only, once, not after close), and an
// alert resolving (the bot only, also after close; unknown or already resolved refused), with the room post.
import { describe, expect, it } from 'vitest';
import type { AlertEvidence } from '../../src/domain/alert-group.js';
import type { Command } from '../../src/domain/commands.js';
import { RAW_ALERT_LIMIT } from '../../src/domain/decide/alerts.js';
import { decide } from '../../src/domain/decide.js';
import type { Effect } from '../../src/domain/effects.js';
import type { Incident } from '../../src/domain/incident.js';
import { BOT_ID, plainText } from '../../src/domain/text.js';
import { postView } from '../../src/views/posts.js';
import {
  alice,
  at,
  bob,
  closureFields,
  criteria,
  ctx,
  declared,
  ic,
  must,
  playbook,
} from '../helpers/scenario.js';

const bot = { platform: 'slack' as const, id: BOT_ID };

const evidence = (over: Partial<AlertEvidence> = {}): AlertEvidence => ({
  alert: 'ALERT-3',
  source: 'alertmanager',
  summary: 'Kafka consumer lag above 10 minutes',
  status: 'firing',
  startsAt: '2026-11-26T09:55:00.000Z',
  link: 'https://prometheus.example.com/graph?g0.expr=lag',
  labels: { alertname: 'KafkaLag', severity: 'critical' },
  raw: '{"version":"4","status":"firing"}',
  ...over,
});

const attach = (over: Partial<AlertEvidence> = {}): Command => ({
  type: 'attach_alert',
  alert: evidence(over),
});
const resolved = (alert = 'ALERT-3', resolvedAt = '2026-11-26T14:02:00.000Z'): Command => ({
  type: 'alert_resolved',
  alert,
  resolvedAt,
});

const logs = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'log' ? [e] : []));
const posts = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'message' && e.body.kind === 'post' ? [e] : []));

function closed(i: Incident): Incident {
  const c = ctx(ic, at(5));
  i = must(i, { type: 'advance_phase', confirmed: criteria('detection') }, c);
  i = must(i, { type: 'advance_phase', confirmed: criteria('containment') }, c);
  return must(
    i,
    { type: 'close', confirmed: [...criteria('mitigation'), ...criteria('closure')], fields: closureFields },
    c,
  );
}

describe('declare from an alert', () => {
  const cmd = (alert?: AlertEvidence): Command => ({
    type: 'declare',
    key: 'INC-2026-0001',
    title: 'Kafka consumer lag above 10 minutes',
    triggerClass: 'service_outage',
    impact: 'Stale prices',
    severeImpact: true,
    drill: false,
    ...(alert ? { alert } : {}),
  });

  it('logs the alert as the first evidence, right after `declared`, and keeps it on the incident', () => {
    const r = decide(null, cmd(evidence()), ctx(alice, at(0)));
    if (!r.ok) throw new Error(r.error.message);
    const kinds = logs(r.effects).map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(['declared', 'evidence']);
    const e = logs(r.effects)[1]!;
    expect(e.payload).toMatchObject({
      name: 'Alert ALERT-3: Kafka consumer lag above 10 minutes',
      alert: 'ALERT-3',
      source: 'alertmanager',
      status: 'firing',
      labels: { alertname: 'KafkaLag', severity: 'critical' },
      raw: '{"version":"4","status":"firing"}',
      link: 'https://prometheus.example.com/graph?g0.expr=lag',
    });
    expect(r.incident.alerts).toEqual([
      {
        id: 'ALERT-3',
        summary: 'Kafka consumer lag above 10 minutes',
        status: 'firing',
        startsAt: '2026-11-26T09:55:00.000Z',
        link: 'https://prometheus.example.com/graph?g0.expr=lag',
      },
    ]);
  });

  it('cuts an oversized raw alert to the limit and says so', () => {
    const r = decide(null, cmd(evidence({ raw: 'x'.repeat(RAW_ALERT_LIMIT + 500) })), ctx(bot, at(0)));
    if (!r.ok) throw new Error(r.error.message);
    const e = logs(r.effects)[1]!;
    expect((e.payload.raw as string).length).toBe(RAW_ALERT_LIMIT);
    expect(e.payload.rawTruncated).toBe(true);
  });

  it('without an alert nothing changes', () => {
    const r = decide(null, cmd(), ctx(alice, at(0)));
    if (!r.ok) throw new Error(r.error.message);
    expect(logs(r.effects).map((e) => e.kind)).not.toContain('evidence');
    expect(r.incident.alerts).toBeUndefined();
  });
});

describe('attach_alert', () => {
  it('a member adds an alert: logged with the raw alert, posted to the room', () => {
    const r = decide(declared(), attach(), ctx(ic, at(2)));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.incident.alerts?.map((a) => a.id)).toEqual(['ALERT-3']);
    const [entry] = logs(r.effects);
    expect(entry).toMatchObject({
      kind: 'alert',
      payload: { kind: 'attached', alert: 'ALERT-3', raw: expect.any(String) },
    });
    const [p] = posts(r.effects);
    expect(p?.target).toEqual({ to: 'room' });
    const view = postView('alert', (p!.body as { data: Record<string, unknown> }).data, r.incident, playbook);
    expect(plainText(view.lines.join('\n'))).toContain('added alert ALERT-3 to this incident');
  });

  it('the same alert twice is refused clearly', () => {
    const i = must(declared(), attach(), ctx(ic, at(2)));
    const r = decide(i, attach(), ctx(ic, at(3)));
    expect(!r.ok && r.error.message).toBe('ALERT-3 is already part of INC-2026-0001.');
  });

  it('a non-member outside the room may not; a closed incident refuses', () => {
    const r = decide(declared(), attach(), ctx(bob, at(2), { inRoom: false }));
    expect(!r.ok && r.error.code).toBe('forbidden');
    const c = decide(closed(declared()), attach(), ctx(ic, at(9)));
    expect(!c.ok && c.error.code).toBe('closed');
  });
});

describe('alert_resolved', () => {
  const withAlert = () => must(declared(), attach(), ctx(ic, at(2)));

  it('the bot reports it: state, log entry, and the room hears "resolved at"', () => {
    const r = decide(withAlert(), resolved(), ctx(bot, at(30)));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.incident.alerts?.[0]).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-11-26T14:02:00.000Z',
    });
    expect(logs(r.effects)[0]).toMatchObject({
      kind: 'alert',
      payload: { kind: 'resolved', alert: 'ALERT-3' },
    });
    const [p] = posts(r.effects);
    const view = postView('alert', (p!.body as { data: Record<string, unknown> }).data, r.incident, playbook);
    expect(plainText(view.lines[0]!)).toBe(
      '✅ Alert ALERT-3 (Kafka consumer lag above 10 minutes) resolved at 2026-11-26 14:02 UTC.',
    );
  });

  it('also after the incident closed', () => {
    const r = decide(closed(withAlert()), resolved(), ctx(bot, at(60)));
    expect(r.ok).toBe(true);
  });

  it('an unknown alert, or one already resolved, is refused', () => {
    const u = decide(withAlert(), resolved('ALERT-9'), ctx(bot, at(30)));
    expect(!u.ok && u.error.code).toBe('not_found');
    const once = must(withAlert(), resolved(), ctx(bot, at(30)));
    const again = decide(once, resolved(), ctx(bot, at(31)));
    expect(!again.ok && again.error.code).toBe('duplicate');
  });
  it('fires again: the bot adds the new occurrence (firing), logs it as evidence and tells the room, once', () => {
    const i = must(must(declared(), attach(), ctx(ic, at(1))), resolved(), ctx(bot, at(2)));
    const again: Command = {
      type: 'alert_firing_again',
      alert: evidence({ alert: 'ALERT-5' }),
      previous: 'ALERT-3',
    };
    const r = decide(i, again, ctx(bot, at(3)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.alerts?.map((a) => [a.id, a.status])).toEqual([
      ['ALERT-3', 'resolved'],
      ['ALERT-5', 'firing'],
    ]);
    expect(logs(r.effects)[0]!.payload).toMatchObject({
      kind: 'firing_again',
      alert: 'ALERT-5',
      previous: 'ALERT-3',
    });
    const [post] = posts(r.effects);
    const view = postView(
      'alert',
      (post!.body as { data: Record<string, unknown> }).data,
      r.incident,
      playbook,
    );
    expect(view.lines.map(plainText).join('\n')).toContain(
      'Alert ALERT-5 is firing again (it fired before as ALERT-3)',
    );
    // once per occurrence
    const twice = decide(r.incident, again, ctx(bot, at(4)));
    expect(!twice.ok && twice.error.code).toBe('duplicate');
  });

  it('a declaration with members: made members, logged as added, and invited to the room', () => {
    const r = decide(
      null,
      {
        type: 'declare',
        key: 'INC-2026-0009',
        title: 'Ingest down',
        triggerClass: 'service_outage',
        impact: 'x',
        severeImpact: false,
        drill: false,
        commander: 'U_ONCALL',
        members: ['U_SECOND', 'U_ONCALL', 'U_SECOND'],
      },
      ctx(bot, at(0)),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.members).toEqual([BOT_ID, 'U_ONCALL', 'U_SECOND']);
    expect(
      logs(r.effects)
        .filter((e) => e.kind === 'member')
        .map((e) => e.payload),
    ).toEqual([{ kind: 'added', user: 'U_SECOND', by: BOT_ID }]);
    const messages = r.effects.flatMap((e) => (e.type === 'message' ? [e.body.kind] : []));
    expect(messages).toEqual(['create_room', 'invite']);
  });
});
