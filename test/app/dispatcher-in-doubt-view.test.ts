// A live view's refresh left in flight by a process that died (in doubt) is not skipped for a newer refresh:
// the dead process may have posted it, and only its sender's lookup can find that post and keep its reference
// (found by the two-replica kill -9 test: skipping it made the next refresh post a second summary).
import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/app/dispatcher.js';
import { atomically } from '../../src/storage/sqlite/open-database.js';
import { alertFields, declareRequest, ic, T0 } from '../helpers/scenario.js';
import { openStack, tempDb } from '../helpers/store.js';
import { RecordingSender } from '../support/recording-sender.js';

describe('Dispatcher: a live view in doubt', () => {
  it('is delivered (its sender looks for the post first), not superseded by the refresh behind it', async () => {
    const s = openStack(tempDb());
    const d1 = s.service.handle(declareRequest('d1', { now: T0 }));
    if (!d1.ok) throw new Error('declare failed');
    const key = d1.incident.key;
    s.service.handle({
      key: 'r',
      incidentKey: key,
      command: { type: 'room_created', platform: 'slack', roomId: 'C1', name: 'inc' },
      actor: ic,
    });
    s.service.handle({
      key: 'a',
      incidentKey: key,
      command: { type: 'send_initial_alert', fields: alertFields },
      actor: ic,
    });
    // Everything before the first summary refresh was delivered; that refresh was being sent when its process died.
    const first = s.db
      .prepare(
        "SELECT id FROM outbox WHERE incident_key = ? AND key LIKE '%:view:summary' ORDER BY id LIMIT 1",
      )
      .get(key) as { id: number };
    s.db
      .prepare('UPDATE outbox SET sent_at = ? WHERE id < ? AND sent_at IS NULL')
      .run(T0.toISOString(), first.id);
    s.db
      .prepare(
        "UPDATE outbox SET in_flight_since = ?, lease_owner = 'dead-replica', lease_until = ? WHERE id = ?",
      )
      .run(T0.toISOString(), T0.toISOString(), first.id);
    const sender = new RecordingSender();
    const d = new Dispatcher({
      outbox: s.outbox,
      atomically: atomically(s.db),
      incidents: s.store,
      senders: { slack: sender },
    });
    expect(await d.drain(2000)).toBe(true);
    const inDoubt = sender.sent.find((r) => r.id === first.id);
    expect(inDoubt?.inDoubt).toBe(true);
    // A refresh that was never started is still superseded by the newer one behind it.
    const later = s.db
      .prepare("SELECT COUNT(*) AS n FROM outbox WHERE incident_key = ? AND result LIKE '%superseded%'")
      .get(key) as { n: number };
    expect(later.n).toBeGreaterThan(0);
    s.close();
  });
});
