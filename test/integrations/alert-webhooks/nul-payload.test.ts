// An Alertmanager body holding NUL, escaped (\u0000, what Go's encoder writes) or as a raw byte, is taken on
// both databases: the strings lose their control characters before anything is stored (PostgreSQL's text
// cannot hold NUL, and a group state holding its escape could not be read back as JSON), and the next
// notification of the same group still finds it.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AlertIntake } from '../../../src/app/alert-intake.js';
import { alertWebhookAnswer } from '../../../src/integrations/alert-webhooks/alert-webhook-route.js';
import { SqliteAlertStore } from '../../../src/storage/sqlite/alert-store.js';
import { type BackendStack, backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { incidentApp } from '../../support/incident-app.js';

let s: BackendStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});
afterAll(dropPgDatabases);

const firing = readFileSync(
  new URL('../../fixtures/alerts/alertmanager-firing.json', import.meta.url),
  'utf8',
);

/** The fixture with NUL in a label value, a label name and the description: escaped in the JSON text. */
const escaped = firing
  .replaceAll('"eu-west-1"', '"eu-\\u0000west-1"')
  .replaceAll('"some description"', '"some\\u0000 description\\u0007"')
  .replaceAll('"instance":', '"inst\\u0000ance":');
/** The same body with raw NUL bytes inside two strings instead (not valid JSON: they are dropped). */
const rawBytes = firing
  .replaceAll('"some description"', '"some\u0000 description"')
  .replace('"Test"', '"Te\u0000st"');

const logger = { info() {}, warn() {}, error() {} };

describe.each(backends)('an Alertmanager body with NUL on $name', (backend) => {
  async function intake() {
    s = await backend.open();
    const app = incidentApp({ db: s.db, service: s.service, outbox: s.outbox, dispatcher: { kick() {} } });
    const alerts = new SqliteAlertStore(s.db, { ledger: s.store });
    const taker = new AlertIntake({
      store: alerts,
      app,
      platform: 'slack',
      channel: 'C_ALERTS',
      dispatcher: { kick() {} },
      // the flood limit reads every group's state as JSON: one holding the escape would break it
      maxNewGroupsPerMinute: 100,
    });
    const post = (body: string) =>
      alertWebhookAnswer({ intake: taker, logger }, 'alertmanager', Buffer.from(body));
    return { alerts, post };
  }

  it('an escaped NUL: taken, stored without it, and the group found again', async () => {
    const { alerts, post } = await intake();
    const first = await post(escaped);
    expect(first.status).toBe(200);
    const id = String(first.json.alert);
    const g = alerts.get(id)!;
    expect(g.commonLabels).toMatchObject({ dc: 'eu-west-1', instance: 'localhost:9090' });
    expect(g.alerts[0]?.annotations).toEqual({ description: 'some description' });
    const state = s!.db.prepare('SELECT state FROM alert_groups WHERE id = ?').pluck().get(id) as string;
    expect(state).not.toMatch(/\\u00(00|07)/);
    // the raw body is kept as received: the escape is six plain characters there, which both databases take
    expect(alerts.notifications(id).map((n) => n.raw)).toEqual([escaped]);
    expect(alerts.createdSince(new Date(0))).toBe(1);
    const again = await post(escaped);
    expect(again).toMatchObject({ status: 200, json: { ok: true, alert: id } });
  });

  it('a raw NUL byte inside a string: dropped, not refused', async () => {
    const { alerts, post } = await intake();
    const r = await post(rawBytes);
    expect(r.status).toBe(200);
    const g = alerts.get(String(r.json.alert))!;
    expect(g.commonLabels.alertname).toBe('Test');
    expect(alerts.notifications(g.id)[0]?.raw).not.toContain('\u0000');
  });
});
