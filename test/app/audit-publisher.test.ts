// The audit publisher: every checkpoint goes to the log; a digest goes to the audit channel at most every
// AUDIT_PUBLISH_MINUTES and whenever an incident closes. Unit tests on a fake feed and clock, then the real
// bot (src/bot.ts) posting to a fake Slack audit channel, whose digest `audit verify --checkpoint` accepts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditPublisher } from '../../src/app/audit-publisher.js';
import type { CheckpointFeed, StoredCheckpoint } from '../../src/app/ports.js';
import { auditVerify } from '../../src/cli/audit-verify.js';
import { parseDigest } from '../../src/domain/audit/checkpoint.js';
import { type RealBot, startRealBot } from '../faults/real-bot.js';
import { TEST_KEY_FILE, TEST_PUBKEY_FILE, testSigner } from '../helpers/audit-key.js';
import { declareRequest } from '../helpers/scenario.js';
import { waitFor } from '../support/wait-for.js';

class FakeFeed implements CheckpointFeed {
  cps: StoredCheckpoint[] = [];
  posts: { n: number; at: Date }[] = [];
  add(at: Date): void {
    const n = this.cps.length + 1;
    const c = testSigner.sign({ n, seq: n * 2, head: 'ab'.repeat(32), at: at.toISOString(), incidents: 1 });
    this.cps.push({ ...c, id: n, incidentKey: 'INC-2026-0001' });
  }
  latest() {
    return this.cps.at(-1) ?? null;
  }
  after(n: number, limit: number) {
    return this.cps.filter((c) => c.n > n).slice(0, limit);
  }
  lastPublished() {
    return this.posts.at(-1) ?? null;
  }
  publish(c: StoredCheckpoint, _p: string, now: Date) {
    this.posts.push({ n: c.n, at: now });
  }
}

function publisher(feed: FakeFeed, clock: { t: number }, platform: string | null = 'slack') {
  const lines: string[] = [];
  const p = new AuditPublisher({
    feed,
    logger: {
      info: (o: object, m?: string) => lines.push(`${m} ${JSON.stringify(o)}`),
      warn: () => {},
      error: () => {},
    },
    platform: platform ?? undefined,
    everyMinutes: 15,
    now: () => new Date(clock.t),
  });
  return { p, lines };
}

describe('AuditPublisher (fake feed and clock)', () => {
  it('logs every checkpoint once, and posts at most every 15 minutes while entries arrive', () => {
    const feed = new FakeFeed();
    const clock = { t: Date.parse('2026-11-30T10:00:00Z') };
    const { p, lines } = publisher(feed, clock);
    feed.add(new Date(clock.t));
    p.tick();
    expect(feed.posts.map((x) => x.n)).toEqual([1]); // the first one at once
    for (let m = 1; m <= 20; m++) {
      clock.t += 60_000;
      feed.add(new Date(clock.t));
      p.tick();
    }
    // minute 15 posts the then-latest checkpoint; nothing in between
    expect(feed.posts.map((x) => x.n)).toEqual([1, 16]);
    expect(lines.filter((l) => l.startsWith('audit checkpoint ')).length).toBe(21);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines[0]).toContain('"audit":"ibc1:1:2:');
  });

  it('posts at once when an incident closes, and never the same checkpoint twice', () => {
    const feed = new FakeFeed();
    const clock = { t: Date.parse('2026-11-30T10:00:00Z') };
    const { p } = publisher(feed, clock);
    feed.add(new Date(clock.t));
    p.tick();
    clock.t += 60_000;
    feed.add(new Date(clock.t));
    p.tick();
    expect(feed.posts.length).toBe(1);
    (p as unknown as { closing: boolean }).closing = true; // what changed(true) sets
    p.tick();
    expect(feed.posts.map((x) => x.n)).toEqual([1, 2]);
    (p as unknown as { closing: boolean }).closing = true;
    p.tick();
    expect(feed.posts.length).toBe(2);
  });

  it('without an audit channel only logs', () => {
    const feed = new FakeFeed();
    const { p, lines } = publisher(feed, { t: Date.now() }, null);
    feed.add(new Date());
    p.tick();
    expect(feed.posts).toEqual([]);
    expect(lines.length).toBe(1);
  });
});

describe('the audit channel, through the real bot and a fake Slack', () => {
  let r: RealBot;
  beforeAll(async () => {
    r = await startRealBot({ AUDIT_CHANNEL: 'C0AUDIT', AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE });
  });
  afterAll(async () => {
    await r?.close();
  });

  const auditPosts = () => r.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0AUDIT');

  it('posts a digest on the first change, none for the next within 15 minutes, and one when an incident closes', async () => {
    const d = r.bot.service.handle(
      declareRequest('audit-d1', {
        title: 'Feed down',
        impact: 'x',
        actor: { platform: 'slack', id: 'U0IC' },
      }),
    );
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    await waitFor(() => auditPosts().length === 1 || undefined, 'the first digest in the audit channel');
    const text = JSON.stringify(auditPosts()[0]!.args);
    const digest = /ibc1:[^`"\\ ]+/.exec(text)?.[0];
    expect(digest && parseDigest(digest)).toBeTruthy();
    // every checkpoint is in the log lines too
    await waitFor(
      () => r.logLines.some((l) => l.includes('"msg":"audit checkpoint"')) || undefined,
      'logged',
    );
    r.bot.service.handle({
      key: 'audit-log',
      incidentKey: d.incident.key,
      command: { type: 'log', text: 'looking' },
      actor: { platform: 'slack', id: 'U0IC' },
    });
    await r.bot.dispatcher.drain(2000);
    expect(auditPosts().length).toBe(1);
    r.bot.service.handle({
      key: 'audit-sd',
      incidentKey: d.incident.key,
      command: { type: 'stand_down', reason: 'false alarm' },
      actor: { platform: 'slack', id: 'U0IC' },
    });
    await waitFor(() => auditPosts().length === 2 || undefined, 'a digest when the incident closed');
    // the digest in the channel holds the database to what it signed
    const second = /ibc1:[^`"\\ ]+/.exec(JSON.stringify(auditPosts()[1]!.args))![0];
    const v = auditVerify({
      dbPath: r.bot.config.DATABASE_PATH,
      pubkeys: [TEST_PUBKEY_FILE],
      checkpoints: [digest!, second],
    });
    expect(v.code, v.output).toBe(0);
    // the audit post is not in any incident's log
    const sent = r.bot.store.logEntries(d.incident.key).filter((e) => e.kind === 'message_sent');
    expect(
      sent.filter((e) => e.payload.includes('audit_checkpoint') || e.payload.includes('"to":"audit"')),
    ).toEqual([]);
  });
});
