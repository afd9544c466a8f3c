import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/app/ports.js';
import { SqliteAlertStore } from '../../../src/storage/sqlite/alert-store.js';
import { openDatabase } from '../../../src/storage/sqlite/open-database.js';
import { OutboxStore } from '../../../src/storage/sqlite/outbox-store.js';
import { alertGroup, alertNotification } from '../../helpers/alerts.js';
import { tempDb } from '../../helpers/store.js';

const NOW = new Date('2026-03-02T09:00:30Z');

function open() {
  const db = openDatabase(tempDb());
  return { db, store: new SqliteAlertStore(db), outbox: new OutboxStore(db) };
}

describe('SqliteAlertStore', () => {
  it('allocates ALERT-n, keeps the notification and queues the prompt in one save', () => {
    const { db, store, outbox } = open();
    const a = store.save(alertGroup(), NOW, { notification: alertNotification() });
    const b = store.save(alertGroup({ groupKey: 'other' }), NOW);
    expect([a.id, a.version, b.id]).toEqual(['ALERT-1', 1, 'ALERT-2']);
    expect(store.get('ALERT-1')).toEqual(a);
    expect(store.byGroupKey('alertmanager', a.groupKey)?.id).toBe('ALERT-1');
    expect(store.byGroupKey('grafana', a.groupKey)).toBeNull();
    expect(store.notifications('ALERT-1')).toEqual([
      { receivedAt: NOW.toISOString(), status: 'firing', raw: '{"version":"4"}' },
    ]);
    const rows = outbox.pending();
    expect(rows.map((r) => [r.key, r.incidentKey, r.lane, r.target, r.body])).toEqual([
      [
        'alert:ALERT-1:1',
        'ALERT-1',
        'slack:alerts:C_ALERTS',
        { to: 'alerts' },
        { kind: 'alert_prompt', alert: 'ALERT-1' },
      ],
      [
        'alert:ALERT-2:1',
        'ALERT-2',
        'slack:alerts:C_ALERTS',
        { to: 'alerts' },
        { kind: 'alert_prompt', alert: 'ALERT-2' },
      ],
    ]);
    db.close();
  });

  it('updates with the stored version only; a stale one is a ConflictError and changes nothing', () => {
    const { db, store, outbox } = open();
    const a = store.save(alertGroup(), NOW);
    const b = store.save({ ...a, notifications: 2 }, NOW, { notification: alertNotification() });
    expect(b.version).toBe(2);
    expect(() => store.save({ ...a, notifications: 9 }, NOW, { notification: alertNotification() })).toThrow(
      ConflictError,
    );
    expect(store.get(a.id)?.notifications).toBe(2);
    expect(store.notifications(a.id)).toHaveLength(1);
    expect(outbox.pending().map((r) => r.key)).toEqual(['alert:ALERT-1:1', 'alert:ALERT-1:2']);
    // A later refresh of the same prompt supersedes an earlier one still queued.
    const [first, second] = outbox.pending();
    expect(outbox.hasLaterView(first!)).toBe(true);
    expect(outbox.hasLaterView(second!)).toBe(false);
    db.close();
  });

  it('saves without a prompt refresh when asked, and a second insert of one occurrence conflicts', () => {
    const { db, store, outbox } = open();
    const a = store.save(alertGroup(), NOW);
    store.save(
      { ...a, decision: { kind: 'dismissed', by: 'U1', at: NOW.toISOString(), reason: 'noise' } },
      NOW,
      {
        refreshPrompt: false,
      },
    );
    expect(outbox.pending()).toHaveLength(1);
    expect(() => store.save(alertGroup(), NOW)).toThrow(ConflictError);
    expect(store.save(alertGroup({ occurrence: 2 }), NOW).id).toBe('ALERT-2');
    expect(store.byGroupKey('alertmanager', a.groupKey)?.occurrence).toBe(2);
    db.close();
  });

  it('keeps notifications append-only and bounded', () => {
    const { db, store } = open();
    const a = store.save(alertGroup(), NOW, {
      notification: alertNotification({ raw: 'x'.repeat(100_000) }),
    });
    expect(store.notifications(a.id)[0]?.raw.length).toBe(65_536);
    expect(() => db.prepare('UPDATE alert_notifications SET raw = ?').run('forged')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM alert_notifications').run()).toThrow(/append-only/);
    db.close();
  });
});
