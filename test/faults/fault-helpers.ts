// Shared by the fault and bad-input suite: declaring through the real endpoint, waiting, and the
// invariants every fault test checks (nothing lost, nothing twice, no mention leaks, chain intact).
import { expect } from 'vitest';
import { type VerifyRow, verifyChain } from '../../src/domain/audit/hash-chain.js';
import type { Incident } from '../../src/domain/incident.js';
import { VIEW } from '../../src/platforms/slack/ids.js';
import type { Db } from '../../src/storage/sqlite/open-database.js';
import type { SlackBot } from '../support/boot-slack-bot.js';
import type { FakeSlack } from '../support/fake-slack-api.js';
import { stateValue } from '../support/slack-request.js';
import { waitFor } from '../support/wait-for.js';

export { waitFor };

export const IC = 'U0IC';
export const BOB = 'U0BOB';
export const CAROL = 'U0CAROL';
export const DAVE = 'U0DAVE';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function declareValues(o: {
  title?: string;
  trigger?: string | null;
  impact?: string;
  severe?: boolean;
  drill?: boolean;
  commander?: string | null;
  visibility?: 'default' | 'confidential' | 'open';
}) {
  return {
    ...(o.visibility ? { visibility: { value: stateValue.radio(o.visibility) } } : {}),
    title: { value: stateValue.plainText(o.title ?? 'Ingest pipeline hard down') },
    triggerClass: { value: stateValue.staticSelect(o.trigger === undefined ? 'service_outage' : o.trigger) },
    impact: { value: stateValue.plainText(o.impact ?? 'No market data for EU clients') },
    severeImpact: { value: stateValue.radio(o.severe ? 'yes' : 'no') },
    drill: { value: stateValue.checkboxes(o.drill ? ['drill'] : []) },
    commander: { value: stateValue.usersSelect(o.commander ?? null) },
  };
}

let viewCounter = 0;
export const freshViewId = () => `VF${process.pid}X${++viewCounter}`;

/** Declares through the modal submission (no drain); returns the new incident. */
export async function submitDeclare(
  bot: SlackBot,
  o: Parameters<typeof declareValues>[0] & { user?: string; channel?: string } = {},
): Promise<Incident> {
  const before = new Set(bot.store.listOpen().map((i) => i.key));
  const res = await bot.sim.viewSubmission({
    callbackId: VIEW.declare,
    userId: o.user ?? IC,
    values: declareValues(o),
    privateMetadata: JSON.stringify({ c: o.channel ?? 'C0GENERAL' }),
    viewId: freshViewId(),
  });
  expect(res.status).toBe(200);
  return waitFor(() => bot.store.listOpen().find((i) => !before.has(i.key)), 'the incident');
}

/** Declares and drains the outbox. */
export async function declare(bot: SlackBot, o: Parameters<typeof submitDeclare>[1] = {}): Promise<Incident> {
  const i = await submitDeclare(bot, o);
  expect(await bot.dispatcher.drain(10_000)).toBe(true);
  return bot.store.get(i.key)!;
}

/** Every Slack call the bot made: no text or block carries a live broadcast/user mention from user input. */
export function mentionLeaks(
  fake: FakeSlack,
  forbidden: RegExp = /<!(channel|here|everyone)>|<!subteam\^/,
): string[] {
  const out: string[] = [];
  for (const c of fake.calls) {
    const s = JSON.stringify([c.args.text, c.args.blocks, c.args.view, c.args.topic, c.args.purpose]);
    if (forbidden.test(s)) out.push(`${c.method}: ${s.slice(0, 300)}`);
  }
  return out;
}

/** Every incident's decision log verifies, ends at the stored head, and starts with `declared`. */
export function checkChains(db: Db): void {
  const rows = db.prepare('SELECT * FROM decision_log ORDER BY incident_key, seq').all() as (VerifyRow & {
    actor: string;
    payload: string;
  })[];
  const parsed = rows.map((r) => ({ ...r, actor: JSON.parse(r.actor), payload: JSON.parse(r.payload) }));
  const heads = new Map(
    (
      db.prepare('SELECT key, log_count, log_head FROM incidents').all() as {
        key: string;
        log_count: number;
        log_head: string;
      }[]
    ).map((r) => [r.key, { count: r.log_count, head: r.log_head }]),
  );
  const v = verifyChain(parsed, heads);
  expect(v, JSON.stringify(v)).toMatchObject({ ok: true });
  for (const key of heads.keys()) {
    const first = parsed.find((r) => r.incident_key === key && r.seq === 1);
    expect(first?.kind, `${key} has its declared entry`).toBe('declared');
  }
}

export interface OutboxDbRow {
  id: number;
  key: string;
  incident_key: string;
  lane: string;
  target: string;
  body: string;
  sent_at: string | null;
  failed_at: string | null;
  result: string | null;
  attempts: number;
}

export function outboxRows(db: Db): OutboxDbRow[] {
  return db.prepare('SELECT * FROM outbox ORDER BY id').all() as OutboxDbRow[];
}

/**
 * Nothing lost, nothing twice: every outbox row is sent (none pending or failed); every row that
 * posted points at exactly one message in the fake; every bot message in the incident channels and the
 * stakeholder channel belongs to exactly one row; within a lane the posts are in row order.
 */
export function checkDeliveredExactlyOnce(db: Db, fake: FakeSlack, channels: string[]): { posts: number } {
  const rows = outboxRows(db);
  expect(
    rows.filter((r) => !r.sent_at && !r.failed_at).map((r) => r.key),
    'pending rows',
  ).toEqual([]);
  expect(
    rows.filter((r) => r.failed_at).map((r) => `${r.key}`),
    'failed rows',
  ).toEqual([]);
  const posted = new Map<string, string>(); // channel:ts -> outbox key
  const lastTsByLane = new Map<string, number>();
  for (const r of rows) {
    const res = r.result
      ? (JSON.parse(r.result) as { channel?: string; ts?: string; updated?: boolean })
      : {};
    if (!res.ts || res.updated) continue;
    const id = `${res.channel}:${res.ts}`;
    expect(posted.has(id), `${r.key} and ${posted.get(id)} claim the same message`).toBe(false);
    posted.set(id, r.key);
    const n = Number(res.ts);
    const prev = lastTsByLane.get(r.lane) ?? 0;
    expect(n, `lane ${r.lane} out of order at ${r.key}`).toBeGreaterThan(prev);
    lastTsByLane.set(r.lane, n);
  }
  let posts = 0;
  for (const ch of channels) {
    const msgs = fake.messagesIn(ch).filter((m) => m.bot_id || m.user === 'U0BOT');
    for (const m of msgs) {
      expect(
        posted.has(`${ch}:${m.ts}`),
        `message ${ch}:${m.ts} "${(m.text ?? '').slice(0, 60)}" belongs to no outbox row`,
      ).toBe(true);
    }
    posts += msgs.length;
  }
  const ownedHere = [...posted.keys()].filter((k) => channels.includes(k.split(':')[0]!)).length;
  expect(posts).toBe(ownedHere);
  return { posts };
}

const fieldValues = (o: Record<string, string>) =>
  Object.fromEntries(Object.entries(o).map(([f, v]) => [`field:${f}`, { value: stateValue.plainText(v) }]));

export const alertValues = () =>
  fieldValues({
    system: 'Risk engine',
    summary: 'Down',
    start_time: '2024-05-01 09:00 UTC',
    impact: 'EU clients',
    actions: 'Failover',
    next_update: '30 min',
    commander: '@ivy',
  });

export const updateValues = (developments = 'Found the cause') => ({
  'field:status': { value: stateValue.staticSelect('investigating') },
  ...fieldValues({ developments, risks: 'none', help: 'none', next_update: '30 min' }),
});

export const closeValues = (facilitator = IC) => ({
  criteria: { value: stateValue.checkboxes(['impact_ceased', 'monitoring_stable', 'stakeholders_informed']) },
  ...fieldValues({
    resolved_at: '2024-05-01 14:30 UTC',
    impact_summary: 'None left',
    followups: 'JIRA-1',
    review: 'Friday',
  }),
  facilitator: { value: stateValue.usersSelect(facilitator) },
});

export const PHASE_CRITERIA: Record<string, string[]> = {
  detection: ['alert_validated', 'false_positives_ruled_out'],
  containment: ['damage_contained', 'containment_measures'],
  mitigation: ['runbooks_executed', 'service_restored', 'telemetry_stable', 'evidence_documented'],
};

export const phaseValues = (from: string, to: string) => ({
  move: { value: stateValue.radio(`forward:${to}`) },
  criteria: { value: stateValue.checkboxes(PHASE_CRITERIA[from] ?? []) },
});
