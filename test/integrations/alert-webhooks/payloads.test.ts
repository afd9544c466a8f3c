// The two alert webhooks' bodies as the intake reads them (issue 21): the recorded payloads normalised to
// one AlertNotification; malformed ones refused with a short reason naming the field; too long ones cut
// and marked, never refused (Alertmanager does not retry a 4xx).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlertFloodError } from '../../../src/app/alert-intake.js';
import {
  alertWebhookAnswer,
  bearerMatches,
} from '../../../src/integrations/alert-webhooks/alert-webhook-route.js';
import { parseAlertmanager } from '../../../src/integrations/alert-webhooks/alertmanager-payload.js';
import { parseGrafana } from '../../../src/integrations/alert-webhooks/grafana-payload.js';
import { BOUNDS, boundedKey } from '../../../src/integrations/alert-webhooks/payload-bounds.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/alerts/${name}`, import.meta.url), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: webhook bodies are free-form JSON
type Json = any;
const json = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown>;

describe('alert webhook payloads', () => {
  it('reads Alertmanager v4: group key, labels, the generator link, zero end time as "not ended"', () => {
    const raw = fixture('alertmanager-firing.json');
    const r = parseAlertmanager(JSON.parse(raw), raw);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      source: 'alertmanager',
      groupKey: '{}:{alertname="Test", job="prometheus24"}',
      status: 'firing',
      commonLabels: { alertname: 'Test', job: 'prometheus24' },
      externalURL: 'http://example.com:9093',
      raw,
    });
    expect(r.value.alerts).toEqual([
      {
        fingerprint: '9f4a5e3bd12c8a77',
        status: 'firing',
        labels: { alertname: 'Test', dc: 'eu-west-1', instance: 'localhost:9090', job: 'prometheus24' },
        annotations: { description: 'some description' },
        startsAt: '2018-08-03T07:52:26.739Z',
        link: 'http://example.com:9090/graph?g0.expr=go_memstats_alloc_bytes+%3E+0&g0.tab=1',
      },
    ]);
    const resolved = parseAlertmanager(json('alertmanager-resolved.json'), '');
    expect(resolved.ok && resolved.value.alerts[0]?.endsAt).toBe('2018-08-03T08:07:26.739Z');
  });

  it('reads Grafana: org-scoped group key, title as the summary only when no alert has one', () => {
    const r = parseGrafana(json('grafana-firing.json'), '');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.groupKey).toBe('1:{}:{}');
    expect(r.value.commonLabels).toEqual({ team: 'blue' });
    expect(r.value.commonAnnotations).toEqual({});
    expect(r.value.alerts.map((a) => a.link)).toEqual([
      'https://play.grafana.org/alerting/1afz29v7z/edit',
      'https://play.grafana.org/alerting/d1rdpdv7k/edit',
    ]);
    const body = json('grafana-firing.json') as { alerts: { annotations: object; panelURL: string }[] };
    for (const a of body.alerts) a.annotations = {};
    body.alerts[0]!.panelURL = 'https://grafana.example/d/abc?viewPanel=3';
    const t = parseGrafana(body, '');
    expect(t.ok && t.value.commonAnnotations.summary).toBe('[FIRING:2]  (blue)');
    expect(t.ok && t.value.alerts[0]?.link).toBe('https://grafana.example/d/abc?viewPanel=3');
  });

  it('refuses malformed bodies with the field and what is wrong', () => {
    const reason = (body: unknown) => {
      const r = parseAlertmanager(body, '');
      return r.ok ? null : r.reason;
    };
    expect(reason({ ...json('alertmanager-firing.json'), version: '3' })).toBe(
      'version: must be "4" (Alertmanager webhook payload version 4)',
    );
    expect(reason({ ...json('alertmanager-firing.json'), status: 'burning' })).toBe(
      'status: must be "firing" or "resolved"',
    );
    expect(reason({ ...json('alertmanager-firing.json'), alerts: [] })).toBe(
      'alerts: needs at least one alert',
    );
    expect(
      reason({
        ...json('alertmanager-firing.json'),
        alerts: [{ status: 'firing', labels: {}, startsAt: 'yesterday' }],
      }),
    ).toBe('alerts[0].startsAt: must be an RFC 3339 time');
    expect(reason('not an object')).toMatch(/^expected object|Invalid input/i);
  });

  it('never keeps a link that is not http(s)', () => {
    const body = json('alertmanager-firing.json') as {
      alerts: { generatorURL: string }[];
      externalURL: string;
    };
    body.alerts[0]!.generatorURL = 'javascript:alert(1)';
    body.externalURL = 'javascript:alert(2)';
    const r = parseAlertmanager(body, '');
    expect(r.ok && [r.value.alerts[0]?.link, r.value.externalURL]).toEqual([undefined, undefined]);
  });

  it('compares the bearer token whole', () => {
    const token = 'a-very-long-alert-token-0123456789';
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(bearerMatches(token, token)).toBe(false);
    expect(bearerMatches(undefined, token)).toBe(false);
    expect(bearerMatches('Bearer ', token)).toBe(false);
  });
  it('cuts what is too long instead of refusing it, and says what was cut', () => {
    const body = json('alertmanager-firing.json') as Json;
    body.commonAnnotations = { description: 'd'.repeat(9_000) };
    body.commonLabels = Object.fromEntries(Array.from({ length: 205 }, (_, n) => [`l${n}`, 'v']));
    body.alerts[0].annotations = { description: 'd'.repeat(9_000) };
    body.alerts[0].generatorURL = `http://prometheus.example/graph?g0.expr=${'x'.repeat(5_000)}`;
    body.groupKey = `{}:{alertname="Test", trace="${'t'.repeat(3_000)}"}`;
    body.externalURL = `http://alertmanager.example/${'u'.repeat(5_000)}`;
    body.truncatedAlerts = 248;
    const r = parseAlertmanager(body, '');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value;
    expect(v.commonAnnotations.description).toHaveLength(BOUNDS.labelValue);
    expect(v.commonAnnotations.description?.endsWith('…')).toBe(true);
    expect(Object.keys(v.commonLabels)).toHaveLength(200);
    expect(v.alerts[0]!.link).toHaveLength(BOUNDS.url);
    expect(v.externalURL).toHaveLength(BOUNDS.url);
    expect(v.groupKey.length).toBeLessThanOrEqual(BOUNDS.groupKey);
    expect(v.alertCount).toBe(249);
    expect(v.truncated).toEqual([
      'groupKey',
      'externalURL',
      'commonLabels (first 200 of 205)',
      'commonAnnotations',
      'alerts[0].annotations',
      'alerts[0].generatorURL',
    ]);
    // the input is not changed (it is the raw evidence)
    expect(body.commonAnnotations.description).toHaveLength(9_000);
    // a real shape error is still a 400
    body.commonLabels = { l: 7 };
    expect(parseAlertmanager(body, '').ok).toBe(false);
  });

  it('keeps a cut group key unique (a prefix and the digest of the whole)', () => {
    const a = `{}:{trace="${'t'.repeat(3_000)}a"}`;
    const b = `{}:{trace="${'t'.repeat(3_000)}b"}`;
    expect(boundedKey(a, 2_000)).not.toBe(boundedKey(b, 2_000));
    expect(boundedKey(a, 2_000)).toHaveLength(2_000);
    expect(boundedKey(a, 2_000)).toBe(boundedKey(a, 2_000));
    expect(boundedKey('short', 2_000)).toBe('short');
  });

  it('cuts a long Grafana title (its summary when the alerts carry none)', () => {
    const body = json('grafana-firing.json') as Json;
    for (const a of body.alerts) a.annotations = {};
    body.title = `[FIRING:2] ${'x'.repeat(3_000)}`;
    const r = parseGrafana(body, '');
    expect(r.ok && r.value.commonAnnotations.summary).toHaveLength(BOUNDS.title);
    expect(r.ok && r.value.truncated).toEqual(['title']);
  });
  it('answers a flood of new groups 503 with Retry-After (the sender retries), logged as a warning', () => {
    const warned: string[] = [];
    const a = alertWebhookAnswer(
      {
        intake: {
          receive: () => {
            throw new AlertFloodError(60, 60);
          },
        },
        logger: { info() {}, warn: (_o, m) => warned.push(m ?? ''), error() {} },
      },
      'alertmanager',
      Buffer.from(fixture('alertmanager-firing.json')),
    );
    expect([a.status, a.headers?.['Retry-After']]).toEqual([503, '60']);
    expect(String(a.json.error)).toContain('ALERT_MAX_NEW_GROUPS_PER_MINUTE');
    expect(warned).toEqual([expect.stringContaining('alert flood')]);
  });
});
