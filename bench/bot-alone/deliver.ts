import type { OutboxRow } from '../../src/app/ports.js';
import type { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import type { OutboxStore } from '../../src/storage/sqlite/outbox-store.js';

/**
 * Marks every pending outbox row delivered as the dispatcher does: a post also gets its `message_sent`
 * entry in the incident's log (a view refresh does not), in the same commit.
 */
export function deliverAll(store: IncidentStore, outbox: OutboxStore, now: Date): void {
  // Claimed lane head by lane head, as the dispatcher does (a row is recorded only by its lease's owner).
  const claim = { owner: 'bench', leaseMs: 60_000, paceMs: 0, limit: 100_000, skipLanes: [] };
  for (let rows = outbox.claim(now, claim); rows.length > 0; rows = outbox.claim(now, claim))
    settle(store, outbox, rows, now);
}

function settle(store: IncidentStore, outbox: OutboxStore, rows: OutboxRow[], now: Date): void {
  store.inOneTransaction(() => {
    for (const r of rows) {
      outbox.markSent(r.id, 'bench', now, { ok: true, channel: 'C0', ts: '1795687980.000100' });
      if (r.body.kind !== 'post' || r.target.to === 'audit') continue;
      store.appendSystemLog(
        r.incidentKey,
        [
          {
            type: 'log',
            kind: 'message_sent',
            payload: { outboxKey: r.key, template: r.body.template, target: r.target, attempts: 1 },
          },
        ],
        now,
        r.key,
      );
    }
  });
}
