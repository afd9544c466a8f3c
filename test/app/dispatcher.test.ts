import { describe, expect, it } from 'vitest';
import { Dispatcher, type Sender, type SendResult } from '../../src/app/dispatcher.js';
import type { OutboxRow } from '../../src/app/ports.js';
import { atomically } from '../../src/storage/sqlite/open-database.js';
import { alertFields, declareRequest, ic, T0 } from '../helpers/scenario.js';
import { openStack, tempDb } from '../helpers/store.js';

class ScriptedSender implements Sender {
  sent: OutboxRow[] = [];
  script: SendResult[] = [];
  async send(row: OutboxRow): Promise<SendResult> {
    const next = this.script.shift() ?? { status: 'sent' };
    if (next.status === 'sent') this.sent.push(row);
    return next;
  }
}

function setup() {
  const s = openStack(tempDb());
  const r = s.service.handle(declareRequest('d1', { now: T0 }));
  if (!r.ok) throw new Error('declare failed');
  return { ...s, key: r.incident.key };
}

describe('Dispatcher', () => {
  it('delivers every row once, in order per lane, and logs posts as sent', async () => {
    const s = setup();
    const sender = new ScriptedSender();
    const d = new Dispatcher({
      outbox: s.outbox,
      atomically: atomically(s.outbox.db),
      incidents: s.store,
      senders: { slack: sender },
    });
    s.service.handle({
      key: 'r',
      incidentKey: s.key,
      command: { type: 'room_created', platform: 'slack', roomId: 'C1', name: 'inc' },
      actor: ic,
    });
    s.service.handle({
      key: 'a',
      incidentKey: s.key,
      command: { type: 'send_initial_alert', fields: alertFields },
      actor: ic,
    });
    expect(await d.drain(2000)).toBe(true);
    const keys = sender.sent.filter((r) => r.lane.endsWith(':room')).map((r) => r.key);
    // The first summary/checklist/timeline refreshes are superseded by the later ones queued behind them (one API call each).
    expect(keys).toEqual([
      'd1:room',
      'a:comm:0:room',
      'a:view:summary',
      'a:view:checklist',
      'a:view:timeline',
    ]);
    const superseded = s.db
      .prepare("SELECT key FROM outbox WHERE result LIKE '%superseded%' ORDER BY id")
      .all();
    expect(superseded).toEqual([
      { key: 'r:view:summary' },
      { key: 'r:view:checklist' },
      { key: 'r:view:timeline' },
    ]);
    expect(new Set(sender.sent.map((r) => r.key)).size).toBe(sender.sent.length);
    expect(await d.runOnce()).toBe(0);
    const sentLog = s.store.logEntries(s.key).filter((e) => e.kind === 'message_sent');
    expect(sentLog.map((e) => JSON.parse(e.payload).outboxKey)).toEqual(
      expect.arrayContaining(['a:comm:0:room', 'a:comm:0:stakeholders', 'r:announce']),
    );
    s.close();
  });

  it('retries with the delay asked for, keeps lane order while retrying, gives up on a permanent failure', async () => {
    const s = setup();
    const sender = new ScriptedSender();
    let now = T0.getTime();
    const d = new Dispatcher({
      outbox: s.outbox,
      atomically: atomically(s.outbox.db),
      incidents: s.store,
      senders: { slack: sender },
      now: () => new Date(now),
    });
    sender.script = [{ status: 'retry', error: 'ratelimited', afterMs: 30_000 }];
    expect(await d.runOnce()).toBe(0);
    expect(await d.runOnce()).toBe(0); // not due yet: the row waits 30 s and nothing behind it jumps the queue
    now += 30_000;
    expect(await d.runOnce()).toBe(1);
    s.service.handle({
      key: 'r',
      incidentKey: s.key,
      command: { type: 'room_created', platform: 'slack', roomId: 'C1', name: 'inc' },
      actor: ic,
      now: new Date(now),
    });
    while ((await d.runOnce()) > 0) now += 5_000;
    s.service.handle({
      key: 'x',
      incidentKey: s.key,
      command: { type: 'claim_role', role: 'scribe' },
      actor: ic,
      now: new Date(now),
    });
    sender.script = [{ status: 'failed', error: 'channel_not_found' }];
    await d.runOnce();
    const failed = s.db.prepare('SELECT key, last_error FROM outbox WHERE failed_at IS NOT NULL').all();
    expect(failed).toHaveLength(1);
    expect(s.outbox.backlog(new Date(now)).count).toBe(0);
    s.close();
  });

  /** A dispatcher pacing each lane to one delivery a second, on a clock the test moves. */
  function paced(extra: { baseDelayMs?: number } = {}) {
    const s = setup();
    const sender = new ScriptedSender();
    const clock = { now: T0.getTime() };
    const d = new Dispatcher({
      outbox: s.outbox,
      atomically: atomically(s.outbox.db),
      incidents: s.store,
      senders: { slack: sender },
      now: () => new Date(clock.now),
      paceMs: 1000,
      ...extra,
    });
    return { s, sender, clock, d };
  }

  it('paces a lane: at most one delivery per lane per paceMs', async () => {
    const { s, clock, d } = paced();
    s.service.handle({
      key: 'r',
      incidentKey: s.key,
      command: { type: 'room_created', platform: 'slack', roomId: 'C1', name: 'inc' },
      actor: ic,
      now: T0,
    });
    expect(await d.runOnce()).toBe(2); // the room lane's first row and the stakeholder lane's
    expect(await d.runOnce()).toBe(0); // the room lane waits a second
    clock.now += 1000;
    expect(await d.runOnce()).toBe(1);
    expect(await d.runOnce()).toBe(0);
    s.close();
  });

  it('paces a retry too: an attempt that failed may have been applied (a 5xx after Slack took it)', async () => {
    const { s, sender, clock, d } = paced({ baseDelayMs: 100 });
    sender.script = [{ status: 'retry', error: 'http_500' }];
    expect(await d.runOnce()).toBe(0);
    clock.now += 600; // past the retry's backoff (at most 100 ms), not past the lane's pace
    expect(await d.runOnce()).toBe(0);
    clock.now += 400;
    expect(await d.runOnce()).toBe(1);
    s.close();
  });

  it('sends nothing before what owed it is on disk', async () => {
    const s = setup();
    const sender = new ScriptedSender();
    let release = () => {};
    let asked = 0;
    const d = new Dispatcher({
      outbox: s.outbox,
      atomically: atomically(s.outbox.db),
      incidents: s.store,
      senders: { slack: sender },
      durable: () =>
        new Promise<void>((r) => {
          asked++;
          release = r;
        }),
    });
    const pass = d.runOnce();
    await new Promise((r) => setImmediate(r));
    expect(asked).toBe(1);
    expect(sender.sent).toHaveLength(0);
    release();
    expect(await pass).toBeGreaterThan(0);
    expect(sender.sent.length).toBeGreaterThan(0);
    s.close();
  });

  it('survives a database error while recording a delivery: logged, recorded next pass, not sent again', async () => {
    const s = setup();
    const sender = new ScriptedSender();
    const errors: string[] = [];
    const logger = { info() {}, warn() {}, error: (_o: object, msg?: string) => errors.push(String(msg)) };
    const d = new Dispatcher({
      outbox: s.outbox,
      atomically: atomically(s.outbox.db),
      incidents: s.store,
      senders: { slack: sender },
      logger,
    });
    const markSent = s.outbox.markSent.bind(s.outbox);
    let failures = 1;
    s.outbox.markSent = (...args: Parameters<typeof markSent>) => {
      if (failures-- > 0) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      return markSent(...args);
    };
    const seen: boolean[] = [];
    const send = sender.send.bind(sender);
    sender.send = async (row) => {
      seen.push(row.inDoubt);
      return send(row);
    };
    d.kick(); // the kick path: a rejection here would be unhandled and end the process
    await d.idle();
    expect(errors).toContain('outbox delivery not recorded; will try again');
    expect(await d.drain(2000)).toBe(true);
    // The post the platform accepted is recorded on the next pass, not sent a second time.
    expect(seen.filter(Boolean)).toHaveLength(0);
    expect(new Set(sender.sent.map((r) => r.key)).size).toBe(sender.sent.length);
    expect(s.outbox.pending()).toHaveLength(0);
    const logged = s.store.logEntries(s.key).filter((e) => e.kind === 'message_sent');
    expect(new Set(logged.map((e) => JSON.parse(e.payload).outboxKey)).size).toBe(logged.length);
    s.close();
  });

  it('a pass whose outbox read fails is logged and costs nothing else', async () => {
    const s = setup();
    const errors: string[] = [];
    const logger = { info() {}, warn() {}, error: (_o: object, msg?: string) => errors.push(String(msg)) };
    const sender = new ScriptedSender();
    const d = new Dispatcher({
      outbox: s.outbox,
      atomically: atomically(s.outbox.db),
      incidents: s.store,
      senders: { slack: sender },
      logger,
    });
    const claim = s.outbox.claim.bind(s.outbox);
    s.outbox.claim = () => {
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    };
    d.kick();
    await d.idle();
    expect(errors).toEqual(['outbox pass failed; next pass on the timer']);
    s.outbox.claim = claim;
    expect(await d.drain(2000)).toBe(true);
    expect(sender.sent.length).toBeGreaterThan(0);
    s.close();
  });

  it('a row settled without sending (no stakeholder channel) is logged as skipped, not delivered', async () => {
    const s = setup();
    const sender: Sender = {
      async send(row) {
        return row.target.to === 'stakeholders'
          ? { status: 'sent', result: { skipped: 'no stakeholder channel configured' } }
          : { status: 'sent' };
      },
    };
    const d = new Dispatcher({
      outbox: s.outbox,
      atomically: atomically(s.outbox.db),
      incidents: s.store,
      senders: { slack: sender },
    });
    s.service.handle({
      key: 'a',
      incidentKey: s.key,
      command: { type: 'send_initial_alert', fields: alertFields },
      actor: ic,
    });
    expect(await d.drain(2000)).toBe(true);
    const payloads = s.store
      .logEntries(s.key)
      .filter((e) => e.kind === 'message_sent')
      .map((e) => JSON.parse(e.payload));
    const stakeholders = payloads.find((p) => p.outboxKey === 'a:comm:0:stakeholders');
    const room = payloads.find((p) => p.outboxKey === 'a:comm:0:room');
    expect(stakeholders.skipped).toBe('no stakeholder channel configured');
    expect(room.skipped).toBeUndefined();
    s.close();
  });

  it('a row given up and its "could not be delivered" entry are one commit', async () => {
    const s = setup();
    const sender = new ScriptedSender();
    const logger = { info() {}, warn() {}, error() {} };
    const d = new Dispatcher({
      outbox: s.outbox,
      atomically: atomically(s.outbox.db),
      incidents: s.store,
      senders: { slack: sender },
      logger,
    });
    const append = s.store.appendSystemLog.bind(s.store);
    let failures = 1;
    s.store.appendSystemLog = (...args: Parameters<typeof append>) => {
      const failedEntry = args[1].some((e) => (e.payload as { failed?: boolean }).failed);
      if (failedEntry && failures-- > 0)
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      return append(...args);
    };
    sender.script = [{ status: 'failed', error: 'channel_not_found' }];
    await d.runOnce();
    // the failure could not be logged: the row is not marked failed either, so the next pass settles both
    const failedRows = () =>
      s.db.prepare('SELECT key FROM outbox WHERE failed_at IS NOT NULL').all() as { key: string }[];
    expect(failedRows()).toEqual([]);
    sender.script = [{ status: 'failed', error: 'channel_not_found' }];
    await d.runOnce();
    const [row] = failedRows();
    expect(row).toBeDefined();
    const failedLog = s.store
      .logEntries(s.key)
      .filter((e) => e.kind === 'message_sent' && JSON.parse(e.payload).failed)
      .map((e) => JSON.parse(e.payload).outboxKey);
    expect(failedLog).toEqual([row!.key]);
    s.close();
  });
  it('a message for a room that was never created is given up on every platform, not sent or skipped', async () => {
    const s = setup();
    const sender = new ScriptedSender();
    // Creating the room fails for good and there is no fallback room.
    sender.script = [{ status: 'failed', error: 'restricted_action' }];
    const d = new Dispatcher({ outbox: s.outbox, incidents: s.store, senders: { slack: sender } });
    s.service.handle({
      key: 'a',
      incidentKey: s.key,
      command: { type: 'send_initial_alert', fields: alertFields },
      actor: ic,
    });
    expect(await d.drain(2000)).toBe(true);
    expect(sender.sent.some((r) => r.lane.endsWith(':room'))).toBe(false);
    const roomRows = s.db
      .prepare(
        "SELECT key, failed_at IS NOT NULL AS failed, sent_at, last_error AS error FROM outbox WHERE lane LIKE '%:room' ORDER BY id",
      )
      .all() as { key: string; failed: number; sent_at: string | null; error: string }[];
    expect(roomRows.length).toBeGreaterThan(2);
    expect(roomRows.every((r) => r.failed === 1 && r.sent_at === null)).toBe(true);
    expect(roomRows.slice(1).every((r) => r.error === 'the incident has no room')).toBe(true);
    const given = s.store
      .logEntries(s.key)
      .filter((e) => e.kind === 'message_sent' && JSON.parse(e.payload).failed);
    expect(given.map((e) => JSON.parse(e.payload).outboxKey)).toContain('a:comm:0:room');
  });

  it('a slow outside service (tracker, webhook) never holds back a chat message: its call runs beside the passes', async () => {
    const s = setup();
    const chat = new ScriptedSender();
    let release: (r: SendResult) => void = () => {};
    const calls: OutboxRow[] = [];
    const tracker: Sender = {
      send: (row) => {
        calls.push(row);
        return new Promise((r) => {
          release = r;
        });
      },
    };
    const d = new Dispatcher({
      outbox: s.outbox,
      atomically: atomically(s.outbox.db),
      incidents: s.store,
      senders: { slack: chat, tracker },
    });
    const at = T0.toISOString();
    s.db
      .prepare(
        `INSERT INTO outbox (key, incident_key, platform, lane, target, body, created_at, next_attempt_at)
         VALUES (?, ?, 'tracker', ?, ?, ?, ?, ?)`,
      )
      .run(
        'f1:file',
        s.key,
        `tracker:${s.key}`,
        JSON.stringify({ to: 'service', service: 'tracker' }),
        JSON.stringify({ kind: 'file_followup', followup: 'f1' }),
        at,
        at,
      );
    // The tracker's call hangs; the chat's rows are all delivered meanwhile, pass after pass.
    for (let n = 0; n < 5; n++) await d.runOnce();
    expect(calls).toHaveLength(1);
    expect(chat.sent.length).toBeGreaterThan(0);
    expect(s.outbox.pending().map((r) => r.key)).toEqual(['f1:file']);
    // A pass while the call is in flight never starts the same row again.
    await d.runOnce();
    expect(calls).toHaveLength(1);
    release({ status: 'sent' });
    await d.idle();
    expect(s.outbox.pending()).toEqual([]);
    s.close();
  });

  it('an outside call whose outcome the database refused is not made again at once: its lane is held', async () => {
    const s = setup();
    let calls = 0;
    const tracker: Sender = {
      send: async () => {
        calls++;
        return { status: 'retry', error: 'HTTP 503' };
      },
    };
    let now = T0.getTime();
    // The outbox refuses to record the retry (a sick disk): the row stays due, its attempts unchanged.
    const outbox = Object.create(s.outbox) as typeof s.outbox;
    outbox.markRetry = () => {
      throw new Error('SQLITE_IOERR');
    };
    const d = new Dispatcher({
      outbox,
      atomically: atomically(s.outbox.db),
      incidents: s.store,
      senders: { slack: new ScriptedSender(), tracker },
      now: () => new Date(now),
      maxDelayMs: 60_000,
    });
    const at = new Date(now).toISOString();
    s.db
      .prepare(
        `INSERT INTO outbox (key, incident_key, platform, lane, target, body, created_at, next_attempt_at)
         VALUES ('f1:file', ?, 'tracker', ?, ?, ?, ?, ?)`,
      )
      .run(
        s.key,
        `tracker:${s.key}`,
        JSON.stringify({ to: 'service', service: 'tracker' }),
        JSON.stringify({ kind: 'file_followup', followup: 'f1' }),
        at,
        at,
      );
    for (let n = 0; n < 5; n++) {
      await d.runOnce();
      await d.idle();
    }
    expect(calls).toBe(1);
    now += 61_000;
    await d.runOnce();
    await d.idle();
    expect(calls).toBe(2);
    s.close();
  });
});
