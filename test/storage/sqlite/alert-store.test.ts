// The alert store (issue 21): one transaction per save (group, lookups, notification, decision record,
// prompt refresh), groups found by their keys (the newest to take a key wins) and fingerprints, each
// decision an entry of the group's own chain in the signed ledger. On SQLite and PostgreSQL.
import { afterAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/app/ports.js';
import { alertGroupStates, SqliteAlertStore } from '../../../src/storage/sqlite/alert-store.js';
import { ledgerCheckpoints } from '../../../src/storage/sqlite/ledger-reader.js';
import { alertGroup, alertNotification } from '../../helpers/alerts.js';
import { type Backend, backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';

const NOW = new Date('2026-03-02T09:00:30Z');

afterAll(dropPgDatabases);

describe.each(backends)('SqliteAlertStore on $name', (backend: Backend) => {
  async function open() {
    const s = await backend.open();
    return { ...s, ledger: s.store, store: new SqliteAlertStore(s.db, { ledger: s.store }) };
  }

  it('allocates ALERT-n, keeps the notification and queues the prompt in one save', async () => {
    const { db, store, outbox, close } = await open();
    const a = store.save(alertGroup(), NOW, { notification: alertNotification() });
    const b = store.save(alertGroup({ groupKey: 'other' }), NOW);
    expect([a.id, a.version, b.id]).toEqual(['ALERT-1', 1, 'ALERT-2']);
    expect(store.get('ALERT-1')).toEqual(a);
    expect(alertGroupStates(db).map((r) => [r.id, JSON.parse(r.state).groupKey])).toEqual([
      ['ALERT-1', a.groupKey],
      ['ALERT-2', 'other'],
    ]);
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
    await close();
  });

  it('updates with the stored version only; a stale one is a ConflictError and changes nothing', async () => {
    const { store, outbox, close } = await open();
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
    await close();
  });

  it('saves without a prompt refresh when asked, and a second insert of one occurrence conflicts', async () => {
    const { store, outbox, close } = await open();
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
    await close();
  });

  it('keeps notifications append-only and bounded', async () => {
    const { db, store, close } = await open();
    const a = store.save(alertGroup(), NOW, {
      notification: alertNotification({ raw: 'x'.repeat(100_000) }),
    });
    expect(store.notifications(a.id)[0]?.raw.length).toBe(65_536);
    expect(() => db.prepare('UPDATE alert_notifications SET raw = ?').run('forged')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM alert_notifications').run()).toThrow(/append-only/);
    await close();
  });
  it('records each group’s decision once, in its own chain of the signed ledger', async () => {
    const { db, store, close } = await open();
    const a = store.save(alertGroup(), NOW);
    const b = store.save(alertGroup({ groupKey: 'other' }), NOW);
    expect(store.decisions('ALERT-1')).toEqual([]);
    const at = NOW.toISOString();
    const dismissed = store.save(
      { ...a, decision: { kind: 'dismissed', by: 'U1', at, reason: 'noise' } },
      NOW,
    );
    store.save({ ...dismissed, notifications: 2 }, NOW); // a later save of a settled group: no second record
    store.save(
      { ...b, decision: { kind: 'declared', incident: 'INC-2026-0007', by: 'U2', at, confidential: true } },
      NOW,
    );
    expect(store.decisions('ALERT-1')).toEqual([
      {
        kind: 'dismissed',
        by: 'U1',
        at,
        reason: 'noise',
        incident: null,
        confidential: false,
        again: false,
        occurrence: 1,
      },
    ]);
    expect(store.decisions('ALERT-2')).toMatchObject([
      { kind: 'declared', by: 'U2', incident: 'INC-2026-0007', confidential: true },
    ]);
    const log = db.prepare('SELECT incident_key, seq, gseq, kind FROM decision_log ORDER BY gseq').all() as {
      incident_key: string;
      seq: number;
      gseq: number;
      kind: string;
    }[];
    expect(log).toEqual([
      { incident_key: 'ALERT-1', seq: 1, gseq: 1, kind: 'alert_decision' },
      { incident_key: 'ALERT-2', seq: 1, gseq: 2, kind: 'alert_decision' },
    ]);
    // each decision sealed by a signed checkpoint in its own transaction (two chains counted)
    expect(ledgerCheckpoints(db).map((c) => [c.n, c.seq, c.incidents])).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(() => db.prepare("UPDATE decision_log SET payload = '{}'").run()).toThrow(/append-only/);
    await close();
  });

  it('refuses to record a decision without the ledger (nothing is stored)', async () => {
    const db = await backend.openDb();
    const bare = new SqliteAlertStore(db);
    const g = bare.save(alertGroup(), NOW);
    expect(() =>
      bare.save(
        { ...g, decision: { kind: 'dismissed', by: 'U1', at: NOW.toISOString(), reason: 'noise' } },
        NOW,
      ),
    ).toThrow(/no ledger/);
    expect(bare.get(g.id)!.decision).toEqual({ kind: 'open' });
    await db.close();
  });

  it('finds a group by a key it took in (the newest taker wins) and by fingerprint; the latest notification', async () => {
    const { store, close } = await open();
    const old = store.save(alertGroup({ groupKey: 'route-b' }), NOW, { notification: alertNotification() });
    const a = store.save(alertGroup({ groupKey: 'route-a', groupKeys: ['route-b'] }), NOW);
    expect(store.byGroupKey('alertmanager', 'route-b')?.id).toBe(a.id);
    expect(store.byGroupKey('alertmanager', 'route-a')?.id).toBe(a.id);
    expect(store.byFingerprints('alertmanager', ['fp1']).map((g) => g.id)).toEqual([a.id, old.id]);
    expect(store.byFingerprints('grafana', ['fp1'])).toEqual([]);
    // a key's older occurrence is not offered (only the latest of each key)
    store.save(alertGroup({ groupKey: 'route-a', occurrence: 2 }), NOW);
    expect(store.byFingerprints('alertmanager', ['fp1']).map((g) => g.id)).toEqual(['ALERT-3', old.id]);
    store.save({ ...old, status: 'resolved' }, NOW, {
      notification: alertNotification({ status: 'resolved' }),
    });
    expect(store.latestNotification(old.id)?.status).toBe('resolved');
    expect(store.latestNotification(a.id)).toBeNull();
    // the flood limit counts minor groups only (these three are severe)
    expect(store.createdSince(new Date(NOW.getTime() - 60_000))).toBe(0);
    const minor = { rule: null, severe: false, mode: 'prompt' as const, notify: [] };
    store.save(alertGroup({ groupKey: 'minor', suggestion: minor }), NOW);
    store.save(alertGroup({ groupKey: 'declare', suggestion: { ...minor, mode: 'declare' } }), NOW);
    expect(store.createdSince(new Date(NOW.getTime() - 60_000))).toBe(1);
    expect(store.createdSince(new Date(NOW.getTime() + 1))).toBe(0);
    await close();
  });
});
