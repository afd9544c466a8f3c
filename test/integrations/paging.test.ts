// People paged (issue 21), end to end through each platform's real endpoint against fakes of PagerDuty
// (Events API v2) and Opsgenie on 127.0.0.1 that keep one alert per dedup key. Slack pages through PagerDuty,
// Teams through Opsgenie: the IC pages a role (`page tl`) -> exactly one trigger with the dedup key
// `<incident>.<declared>.<role>` (no "/"), logged, said in the room (Opsgenie: "accepted", it creates the
// alert later); a second page is refused and calls nothing; `page m` is too short to name a service; 429
// (Retry-After, held 60 s at most and said in the room) and 500 are retried with the same key and leave one
// alert; a retry whose turn comes after the stand-down is not sent, the resolve is; someone neither IC nor
// comms lead is refused; the roles nudge's Page button pages as the presser (on Teams the nudge stays, without
// that role's button); closing (or standing down) resolves the page. The local console pages nobody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReminderPass } from '../../src/app/reminder-pass.js';
import type { Incident } from '../../src/domain/incident.js';
import type { Page } from '../../src/domain/paging.js';
import { ACTION } from '../../src/platforms/slack/ids.js';
import { VERB } from '../../src/platforms/teams/render/card-kit.js';
import { reminderStoreOf } from '../../src/storage/sqlite/reminder-store.js';
import {
  ALICE,
  allActions,
  BOB,
  cardOf,
  cardTexts,
  executeClick,
  findAction,
  type Json,
} from '../platforms/teams/activities.js';
import { SlackDriver } from '../scenarios/slack-driver.js';
import { TeamsDriver } from '../scenarios/teams-driver.js';
import { bootLocalBot, ConsoleClient } from '../support/boot-local-bot.js';
import { bootSlackBot, type SlackBot } from '../support/boot-slack-bot.js';
import { type BootedTeamsBot, bootTeamsBot } from '../support/boot-teams-bot.js';
import { type FakeOpsgenie, startFakeOpsgenie } from '../support/fake-opsgenie.js';
import { type FakePagerDuty, startFakePagerDuty } from '../support/fake-pagerduty.js';
import { waitFor } from '../support/wait-for.js';

const PD_KEY = 'pd-routing-key-SECRET-0001';
const PD_INGEST_KEY = 'pd-ingest-key-SECRET-0002';
const OG_KEY = 'opsgenie-api-key-SECRET-0003';
const IC = 'U0IC';
const COMMS = 'U0COMMS';

const outage = (title: string) => ({
  title,
  triggerClass: 'service_outage',
  impact: 'No prices since 09:00',
  severeImpact: true,
  drill: false,
});
const MITIGATION = ['runbooks_executed', 'service_restored', 'telemetry_stable', 'evidence_documented'];
const CLOSURE = ['impact_ceased', 'monitoring_stable', 'stakeholders_informed'];

type Row = { kind: string; payload: string };
const pageEntries = (rows: Row[]) =>
  rows.filter((r) => r.kind === 'page').map((r) => JSON.parse(r.payload) as Record<string, unknown>);

function pageOf(i: Incident | null, target: string): Page | undefined {
  return i?.pages?.filter((p) => p.target === target).at(-1);
}

/** The reminder pass `minutes` from now, with paging configured; what it queued made deliverable now. */
function nudgePass(bot: { store: SlackBot['store']; service: SlackBot['service'] }, minutes: number) {
  runReminderPass({
    reminders: reminderStoreOf(bot.store),
    service: bot.service,
    now: new Date(Date.now() + minutes * 60_000),
    options: { paging: true },
  });
  bot.store.db
    .prepare("UPDATE outbox SET next_attempt_at = ? WHERE key LIKE 'reminder:%'")
    .run(new Date().toISOString());
}

let pd: FakePagerDuty;
let og: FakeOpsgenie;
beforeAll(async () => {
  pd = await startFakePagerDuty([PD_KEY, PD_INGEST_KEY]);
  og = await startFakeOpsgenie(OG_KEY);
});
afterAll(async () => {
  await pd.close();
  await og.close();
});

describe('Slack, paging through PagerDuty', () => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await bootSlackBot({
      env: {
        PAGERDUTY_ROUTING_KEY: PD_KEY,
        PAGERDUTY_EVENTS_URL: pd.url,
        PAGERDUTY_ROUTING_KEY_INGEST: PD_INGEST_KEY,
        PAGE_TIMEOUT_SECONDS: '0.5',
      },
    });
  });
  afterAll(async () => {
    await bot.close();
  });

  const roomText = (key: string) =>
    JSON.stringify(
      bot.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === bot.store.get(key)!.room!.id)
        .map((c) => c.args),
    );
  const eventsFor = (dedupKey: string) => pd.calls.filter((c) => c.body?.dedup_key === dedupKey);

  it('/incident page tl: one trigger with the dedup key, logged and told; again, refused with no second call', async () => {
    const d = new SlackDriver(bot);
    const key = await d.declare(outage('Ingest pipeline down'), 'ic');
    await d.say('page tl', 'ic');
    await d.settle();
    const page = await waitFor(
      () => pageOf(bot.store.get(key), 'technical_lead')?.status === 'paged',
      'paged',
    );
    expect(page).toBe(true);
    // unique across installs: the incident key and its declaration instant, no "/"
    const dedupKey = pageOf(bot.store.get(key), 'technical_lead')!.dedupKey;
    expect(dedupKey).toMatch(new RegExp(`^${key}\\.\\d{8}T\\d{6}Z\\.technical_lead$`));
    const [event, ...more] = eventsFor(dedupKey);
    expect(more).toEqual([]);
    expect(event!.path).toBe('/v2/enqueue');
    expect(event!.body).toMatchObject({
      routing_key: PD_KEY,
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: {
        summary: `[${key}] Technical lead needed: Ingest pipeline down`,
        source: 'incident-bot',
        severity: 'critical',
        custom_details: { incident: key, role: 'technical_lead', title: 'Ingest pipeline down' },
      },
    });
    expect(pd.alertsFor(dedupKey)).toHaveLength(1);
    expect(pageEntries(bot.store.logEntries(key)).map((e) => [e.action, e.state])).toEqual([
      ['trigger', 'requested'],
      ['trigger', 'paged'],
    ]);
    expect(roomText(key)).toContain('is paging the *Technical lead* through PagerDuty');
    expect(roomText(key)).toContain('is paged: PagerDuty accepted the page');

    // alone, the verb lists who can be paged and how each stands
    const list = await d.say('page', 'ic');
    expect(list).toContain('Pages go through PagerDuty, once per incident and role or service');
    expect(list).toMatch(/Technical lead\*: open; paged/);
    expect(list).toContain('ingest_pipeline');
    const again = await d.say('page technical_lead', 'ic');
    expect(again).toContain('already paged');
    expect(again).toContain(dedupKey);
    // someone neither IC nor comms lead is told who may; nothing is called
    const refused = await d.say('page scribe', 'comms');
    expect(refused).toContain('Only the incident commander or the Communications lead can page the on-call.');
    await d.settle();
    expect(eventsFor(dedupKey)).toHaveLength(1);
    expect(eventsFor(dedupKey.replace('technical_lead', 'scribe'))).toHaveLength(0);
    // too short to name a service ("m"): refused with the choices, nothing called
    const calls = pd.calls.length;
    const short = await d.say('page m', 'ic');
    expect(short).toContain('There is nobody to page as "m"');
    expect(short).toContain('market_data');
    expect(pd.calls.length).toBe(calls);
    // a service pages with its own routing key, read from the environment; no key in the record
    await d.say('page ingest', 'ic');
    await d.settle();
    expect(eventsFor(dedupKey.replace('technical_lead', 'ingest_pipeline'))[0]!.body.routing_key).toBe(
      PD_INGEST_KEY,
    );
    const record = JSON.stringify(bot.store.logEntries(key));
    expect(record).not.toContain(PD_KEY);
    expect(record).not.toContain(PD_INGEST_KEY);
  });

  it('429 (Retry-After) then 500 then 202: retried with the same dedup key, exactly one alert', async () => {
    const d = new SlackDriver(bot);
    const key = await d.declare(outage('Market data stale'), 'ic');
    // the 500 comes after PagerDuty acted: the retry is deduplicated into the same alert
    pd.script({ status: 429, headers: { 'Retry-After': '1' } }, { status: 500, applied: true });
    await d.say('page scribe', 'ic');
    await d.settle();
    const page = await waitFor(() => {
      const p = pageOf(bot.store.get(key), 'scribe');
      return p?.status === 'paged' ? p : undefined;
    }, 'paged after the retries');
    expect(page.attempts).toBe(3);
    const events = eventsFor(page.dedupKey);
    expect(events.map((e) => e.body.event_action)).toEqual(['trigger', 'trigger', 'trigger']);
    expect(pd.alertsFor(page.dedupKey)).toEqual([
      expect.objectContaining({ status: 'triggered', triggers: 2 }),
    ]);
    expect(pageEntries(bot.store.logEntries(key)).map((e) => [e.state, e.status])).toEqual([
      ['requested', undefined],
      ['attempt_failed', 429],
      ['attempt_failed', 500],
      ['paged', 202],
    ]);
    // the room hears of the first failure and of the outcome, not of every retry
    expect(roomText(key)).toContain('attempt 1 failed (HTTP 429');
    expect(roomText(key)).not.toContain('attempt 2 failed');
    expect(roomText(key)).toContain('is paged: PagerDuty accepted the page (attempt 3)');
  });

  it("the roles nudge's Page button pages as the presser (refused for someone else); closing resolves the pages", async () => {
    const d = new SlackDriver(bot);
    const key = await d.declare(outage('Risk engine unavailable'), 'ic');
    const room = bot.store.get(key)!.room!.id;
    nudgePass(bot, bot.service.current.playbook.paging!.pageAfterMinutes + 1);
    await d.settle();
    const nudge = await waitFor(
      () =>
        bot.fake
          .callsTo('chat.postMessage')
          .filter((c) => c.args.channel === room)
          .find((c) => JSON.stringify(c.args.blocks ?? []).includes(`${ACTION.page}:comms_lead`)),
      'the nudge with its Page buttons',
    );
    const button = (nudge.args.blocks as Json[])
      .flatMap((b) => b.elements ?? [])
      .find((e: Json) => e.action_id === `${ACTION.page}:comms_lead`);
    expect(button.text.text).toBe('Page Communications lead');
    const click = (userId: string) =>
      bot.sim.blockAction({ actionId: button.action_id, value: button.value, userId, channelId: room });
    const said = bot.fake.callsTo('chat.postEphemeral').length;
    expect((await click(COMMS)).status).toBe(200);
    const refusal = await waitFor(() => bot.fake.callsTo('chat.postEphemeral').slice(said)[0], 'the refusal');
    expect(String(refusal.args.text)).toContain('Only the incident commander or the Communications lead');
    const commsKey = (k: string) => pageOf(bot.store.get(k), 'comms_lead')?.dedupKey ?? '';
    expect(
      pd.calls.filter(
        (c) => c.body?.payload?.custom_details?.role === 'comms_lead' && c.body.payload.group === key,
      ),
    ).toHaveLength(0);
    expect((await click(IC)).status).toBe(200);
    await waitFor(() => pageOf(bot.store.get(key), 'comms_lead'), 'the page');
    await d.settle();
    expect(eventsFor(commsKey(key))).toHaveLength(1);
    expect(pageOf(bot.store.get(key), 'comms_lead')).toMatchObject({ status: 'paged', requestedBy: IC });

    // closing the incident resolves the page at PagerDuty, logged
    await d.advancePhase(['alert_validated', 'false_positives_ruled_out']);
    await d.advancePhase(['damage_contained', 'containment_measures']);
    await d.movePhase('forward:closure', MITIGATION, '');
    await d.close(CLOSURE, {
      resolved_at: '2026-01-05 10:00 UTC',
      impact_summary: 'Risk engine down for an hour',
      followups: 'Risk engine failover',
      review: 'Wednesday',
    });
    await d.settle();
    await waitFor(() => pageOf(bot.store.get(key), 'comms_lead')?.resolve?.state === 'done', 'resolved');
    expect(eventsFor(commsKey(key)).map((e) => e.body.event_action)).toEqual(['trigger', 'resolve']);
    expect(pd.alertsFor(commsKey(key))).toEqual([expect.objectContaining({ status: 'resolved' })]);
    expect(pageEntries(bot.store.logEntries(key)).map((e) => [e.action, e.state])).toEqual([
      ['trigger', 'requested'],
      ['trigger', 'paged'],
      ['resolve', 'requested'],
      ['resolve', 'done'],
    ]);
  });

  it('a page waiting on Retry-After does not hold back the page of another role (a lane per target)', async () => {
    const d = new SlackDriver(bot);
    const key = await d.declare(outage('Order gateway down'), 'ic');
    pd.script({ status: 429, headers: { 'Retry-After': '3600' } });
    await d.say('page scribe', 'ic');
    await waitFor(() => pageOf(bot.store.get(key), 'scribe')?.attempts === 1 || undefined, 'the 429');
    // the scribe's page now waits up to 60 s; the technical lead's is called at once
    await d.say('page tl', 'ic');
    const tl = await waitFor(() => {
      const p = pageOf(bot.store.get(key), 'technical_lead');
      return p?.status === 'paged' ? p : undefined;
    }, 'the technical lead paged');
    expect(pd.alertsFor(tl.dedupKey)).toHaveLength(1);
    expect(pageOf(bot.store.get(key), 'scribe')!.status).toBe('requested');
    await d.say('standdown false alarm: a test feed', 'ic');
    // the scribe's retry falls due (not sent: stood down), then its resolve
    bot.store.db
      .prepare(
        "UPDATE outbox SET next_attempt_at = ? WHERE key LIKE '%page:scribe.1:%' AND sent_at IS NULL AND failed_at IS NULL",
      )
      .run(new Date().toISOString());
    await d.settle();
  });

  it('a page waiting on Retry-After (held 60 s at most, said in the room) is not sent after the stand-down; the resolve runs', async () => {
    const d = new SlackDriver(bot);
    const key = await d.declare(outage('Quotes frozen'), 'ic');
    pd.script({ status: 429, headers: { 'Retry-After': '3600' } });
    await d.say('page scribe', 'ic');
    const waiting = await waitFor(() => {
      const p = pageOf(bot.store.get(key), 'scribe');
      return p?.attempts === 1 ? p : undefined;
    }, 'the first attempt answered');
    // PagerDuty asked for an hour: the page waits 60 s at most, and the room hears so
    const row = bot.store.db
      .prepare(
        "SELECT next_attempt_at AS next FROM outbox WHERE key LIKE '%page:scribe.1:trigger' AND sent_at IS NULL AND failed_at IS NULL",
      )
      .get() as { next: string };
    expect(Date.parse(row.next) - Date.now()).toBeLessThanOrEqual(60_000);
    await waitFor(() => roomText(key).includes('tried again in 60 s'), 'the wait said in the room');

    await d.say('standdown false alarm: a test feed', 'ic');
    await waitFor(() => pageOf(bot.store.get(key), 'scribe')?.resolve, 'the page resolving');
    // the retry falls due now, after the stand-down
    bot.store.db
      .prepare(
        "UPDATE outbox SET next_attempt_at = ? WHERE key LIKE '%page:scribe.1:%' AND sent_at IS NULL AND failed_at IS NULL",
      )
      .run(new Date().toISOString());
    await d.settle();
    await waitFor(() => pageOf(bot.store.get(key), 'scribe')?.resolve?.state === 'done', 'resolved');
    // the first attempt only, then the resolve (which closes any alert an earlier attempt opened)
    expect(eventsFor(waiting.dedupKey).map((e) => e.body.event_action)).toEqual(['trigger', 'resolve']);
    expect(pd.alertsFor(waiting.dedupKey)).toEqual([]);
    expect(pageOf(bot.store.get(key), 'scribe')!.answer).toMatchObject({
      final: true,
      error: 'not sent: the incident closed first',
    });
    expect(pageEntries(bot.store.logEntries(key)).map((e) => [e.action, e.state])).toEqual([
      ['trigger', 'requested'],
      ['trigger', 'attempt_failed'],
      ['resolve', 'requested'],
      ['trigger', 'skipped'],
      ['resolve', 'done'],
    ]);
    expect(roomText(key)).not.toContain('*Scribe* is paged');
    expect(roomText(key)).not.toContain('accepted the page');
  });
});

describe('Teams, paging through Opsgenie', () => {
  let bot: BootedTeamsBot;
  beforeAll(async () => {
    bot = await bootTeamsBot({
      env: { OPSGENIE_API_KEY: OG_KEY, OPSGENIE_API_URL: og.url, PAGE_TIMEOUT_SECONDS: '0.5' },
    });
  });
  afterAll(async () => {
    await bot.close();
  });

  const createsFor = (alias: string) =>
    og.calls.filter((c) => c.path === '/v2/alerts' && c.body?.alias === alias);

  it('@bot incident page tl: one alert with the alias and GenieKey; again or by someone else, refused', async () => {
    const d = new TeamsDriver(bot);
    const key = await d.declare(outage('Ingest pipeline down on Teams'), 'ic');
    await d.say('page tl', 'ic');
    await bot.settle();
    await waitFor(() => pageOf(bot.store.get(key), 'technical_lead')?.status === 'paged', 'paged');
    const alias = pageOf(bot.store.get(key), 'technical_lead')!.dedupKey;
    expect(alias).toMatch(new RegExp(`^${key}\\.\\d{8}T\\d{6}Z\\.technical_lead$`));
    const [create, ...more] = createsFor(alias);
    expect(more).toEqual([]);
    expect(create!.auth).toBe(`GenieKey ${OG_KEY}`);
    expect(create!.body).toMatchObject({
      message: `[${key}] Technical lead needed: Ingest pipeline down on Teams`,
      alias,
      priority: 'P1',
      source: 'incident-bot',
      tags: [key],
    });
    expect(og.alertsFor(alias)).toHaveLength(1);
    // Opsgenie answers 202 "Request will be processed": the room says accepted, not paged
    const said = JSON.stringify(
      bot.connector.activities.filter((a: Json) => a.conversationId === bot.store.get(key)!.room!.id),
    );
    expect(said).toContain('accepted by Opsgenie');
    expect(said).not.toContain('is paged:');
    expect(await d.say('page technical lead', 'ic')).toContain('already paged');
    expect(await d.say('page scribe', 'comms')).toContain(
      'Only the incident commander or the Communications lead can page the on-call.',
    );
    expect(createsFor(alias)).toHaveLength(1);
    expect(
      og.calls.filter((c) => c.body?.details?.role === 'scribe' && c.body.details.incident === key),
    ).toHaveLength(0);
    expect(JSON.stringify(bot.store.logEntries(key))).not.toContain(OG_KEY);
  });

  it('429 then 500 then 202: retried with the same alias, one alert; the nudge button pages; standing down closes it', async () => {
    const d = new TeamsDriver(bot);
    const key = await d.declare(outage('Orders rejected on Teams'), 'ic');
    const room = bot.store.get(key)!.room!.id;
    og.script({ status: 429, headers: { 'Retry-After': '1' } }, { status: 500, applied: true });
    nudgePass(bot, bot.service.current.playbook.paging!.pageAfterMinutes + 1);
    await bot.settle();
    const nudge = await waitFor(
      () =>
        bot.connector.activities
          .filter((a: Json) => a.conversationId === room && a.body?.attachments?.length)
          .map((a: Json) => cardOf(a.body))
          .find((c: Json) => JSON.stringify(c).includes(VERB.page)),
      'the nudge card with its Page buttons',
    );
    expect(cardTexts(nudge)).toContain('Required roles are still open');
    const button = findAction(nudge, (a) => a.verb === VERB.page && a.data?.target === 'scribe');
    expect(button.title).toBe('Page Scribe');
    const where = (from: typeof ALICE) => ({
      serviceUrl: bot.connector.serviceUrl,
      from,
      conversationId: room,
    });
    const refused = await bot.sendActivity(executeClick(button, {}, where(BOB)));
    expect(refused.body.statusCode).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('Only the incident commander');
    const clicked = await bot.sendActivity(executeClick(button, {}, where(ALICE)));
    expect(clicked.body.statusCode).toBe(200);
    // the nudge stays, without the paged role's button: the other roles' Page buttons and Snooze remain
    const after = cardOf(clicked.body.value);
    const verbs = allActions(after).map((a: Json) => [a.verb, a.data?.target ?? a.data?.minutes]);
    expect(verbs).toContainEqual([VERB.page, 'comms_lead']);
    expect(verbs).not.toContainEqual([VERB.page, 'scribe']);
    expect(verbs.some(([v]: Json[]) => v === VERB.snooze)).toBe(true);
    expect(cardTexts(after)).toContain('Paging the Scribe');
    await bot.settle();
    const page = await waitFor(() => {
      const p = pageOf(bot.store.get(key), 'scribe');
      return p?.status === 'paged' ? p : undefined;
    }, 'paged after the retries');
    expect(page.attempts).toBe(3);
    const alias = page.dedupKey;
    expect(createsFor(alias)).toHaveLength(3);
    expect(og.alertsFor(alias)).toEqual([expect.objectContaining({ status: 'open', count: 2 })]);

    await d.say('standdown false alarm: the feed was in maintenance', 'ic');
    await bot.settle();
    await waitFor(() => pageOf(bot.store.get(key), 'scribe')?.resolve?.state === 'done', 'resolved');
    const close = og.calls.filter((c) => c.path.startsWith('/v2/alerts/') && c.path.includes('/close'));
    // the alias has nothing to encode: a "/" (%2F) in the path is refused by many front ends
    expect(close.map((c) => c.path)).toContain(`/v2/alerts/${alias}/close?identifierType=alias`);
    expect(og.alertsFor(alias)).toEqual([expect.objectContaining({ status: 'closed' })]);
  });
});

describe('the local console', () => {
  it('pages nobody, even with PagerDuty configured: the page is a rehearsal, said in the room', async () => {
    const local = await bootLocalBot({ PAGERDUTY_ROUTING_KEY: PD_KEY, PAGERDUTY_EVENTS_URL: pd.url });
    try {
      const callsBefore = pd.calls.length;
      const c = await new ConsoleClient(local).enter('alice');
      const r = await c.post('/declare', {
        _key: 'paging-declare-01',
        title: 'Ingest pipeline down',
        triggerClass: 'service_outage',
        impact: 'No prices',
        severeImpact: 'no',
        visibility: 'default',
        commander: 'me',
      });
      await local.settle();
      await c.post(`${r.location!}/say`, { _key: 'paging-say-01', text: 'page tl' });
      await local.settle();
      const room = (await c.get(r.location!)).html;
      expect(room).toContain('would page the <strong>Technical lead</strong> now');
      expect(room).toContain('The local console pages nobody');
      // the clock moved past pageAfterMinutes: the roles nudge offers Page buttons; pressing one rehearses too
      await c.post('/clock/forward', { minutes: '20', back: r.location! });
      await local.settle();
      const nudged = (await c.get(r.location!)).html;
      expect(nudged).toContain(
        '<input type="hidden" name="kind" value="page"><input type="hidden" name="target" value="comms_lead">',
      );
      expect(nudged).toContain('Page Communications lead');
      await c.post(`${r.location!}/press`, { _key: 'paging-press-01', kind: 'page', target: 'comms_lead' });
      await local.settle();
      expect((await c.get(r.location!)).html).toContain(
        'would page the <strong>Communications lead</strong> now',
      );
      const key = decodeURIComponent(r.location!.split('/').at(-1)!);
      expect(local.bot.store.get(key)!.pages).toBeUndefined();
      expect(pd.calls.length).toBe(callsBefore);
      expect(pageEntries(local.bot.store.logEntries(key))).toEqual([
        expect.objectContaining({ target: 'technical_lead', state: 'not_paged', rehearsal: true }),
        expect.objectContaining({ target: 'comms_lead', state: 'not_paged', rehearsal: true }),
      ]);
    } finally {
      await local.close();
    }
  });
});
