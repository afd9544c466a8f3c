import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '../../src/adapters/sqlite/outbox-store.js';
import { Dispatcher, type Sender, type SendResult } from '../../src/workflows/dispatcher.js';
import { alertFields, alice, declareRequest, ic, T0 } from '../helpers/scenario.js';
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
    const d = new Dispatcher({ outbox: s.outbox, incidents: s.store, senders: { slack: sender } });
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
      actor: alice,
    });
    expect(await d.drain(2000)).toBe(true);
    const keys = sender.sent.filter((r) => r.lane.endsWith(':room')).map((r) => r.key);
    // The first summary/checklist refreshes are superseded by the later ones queued behind them (one API call each).
    expect(keys).toEqual(['d1:room', 'a:comm:0:room', 'a:view:summary', 'a:view:checklist']);
    const superseded = s.db
      .prepare("SELECT key FROM outbox WHERE result LIKE '%superseded%' ORDER BY id")
      .all();
    expect(superseded).toEqual([{ key: 'r:view:summary' }, { key: 'r:view:checklist' }]);
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
      key: 'x',
      incidentKey: s.key,
      command: { type: 'claim_role', role: 'scribe' },
      actor: alice,
      now: new Date(now),
    });
    sender.script = [{ status: 'failed', error: 'channel_not_found' }];
    await d.runOnce();
    const failed = s.db.prepare('SELECT key, last_error FROM outbox WHERE failed_at IS NOT NULL').all();
    expect(failed).toHaveLength(1);
    expect(s.outbox.backlog(new Date(now)).count).toBe(0);
    s.close();
  });

  it('paces a lane: at most one delivery per lane per paceMs', async () => {
    const s = setup();
    const sender = new ScriptedSender();
    let now = T0.getTime();
    const d = new Dispatcher({
      outbox: s.outbox,
      incidents: s.store,
      senders: { slack: sender },
      now: () => new Date(now),
      paceMs: 1000,
    });
    s.service.handle({
      key: 'r',
      incidentKey: s.key,
      command: { type: 'room_created', platform: 'slack', roomId: 'C1', name: 'inc' },
      actor: ic,
      now: T0,
    });
    expect(await d.runOnce()).toBe(2); // the room lane's first row and the stakeholder lane's
    expect(await d.runOnce()).toBe(0); // the room lane waits a second
    now += 1000;
    expect(await d.runOnce()).toBe(1);
    expect(await d.runOnce()).toBe(0);
    s.close();
  });
});
