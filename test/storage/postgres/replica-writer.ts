// Child process for replica-writers.test.ts: one "replica" on the shared PostgreSQL database. It connects,
// says `ready`, waits for `go` on stdin (so every replica starts writing at once), then
//   alerts <who> <n>:  saves n new alert groups, and tries the one group every replica tries ('shared');
//   claims <incident> <n> <start>: claims reminders <incident>:r0..r<n-1>, one per transaction, starting
//     at r<start> and wrapping around (replicas starting apart meet on the same claims);
// and prints what it did as one JSON line.
import { createInterface } from 'node:readline';
import { ConflictError, type ReminderClaim } from '../../../src/app/ports.js';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';
import { SqliteAlertStore } from '../../../src/storage/sqlite/alert-store.js';
import { IncidentStore } from '../../../src/storage/sqlite/incident-store.js';
import { SqliteReminderStore } from '../../../src/storage/sqlite/reminder-store.js';
import { alertGroup } from '../../helpers/alerts.js';
import { testSigner } from '../../helpers/audit-key.js';

const [url, role, arg, count, start = '0'] = process.argv.slice(2) as [
  string,
  'alerts' | 'claims',
  string,
  string,
  string?,
];
const NOW = new Date('2026-03-02T09:00:30Z');

const db = await openPostgres(url, { migrate: false, waitMs: 10_000 });
const store = new IncidentStore(db, {}, testSigner);
process.stdout.write('ready\n');
await new Promise<void>((go) => createInterface({ input: process.stdin }).once('line', () => go()));

const out: { saved: string[]; conflicts: number; claimed: string[] } = {
  saved: [],
  conflicts: 0,
  claimed: [],
};
if (role === 'alerts') {
  const alerts = new SqliteAlertStore(db, { ledger: store });
  for (let n = 0; n < Number(count); n++) {
    out.saved.push(alerts.save(alertGroup({ groupKey: `${arg}-${n}` }), NOW).id);
    if (n === Math.floor(Number(count) / 2))
      try {
        out.saved.push(alerts.save(alertGroup({ groupKey: 'shared' }), NOW).id);
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
        out.conflicts++;
      }
  }
} else {
  const reminders = new SqliteReminderStore(db, store);
  const claims: ReminderClaim[] = Array.from({ length: Number(count) }, (_, n) => ({
    key: `${arg}:r${n}`,
    incidentKey: arg,
    kind: 'status-update',
    dueAt: NOW.toISOString(),
    outbox: {
      key: `reminder:${arg}:r${n}`,
      platform: 'slack',
      lane: `slack:${arg}`,
      target: { to: 'room' },
      body: { kind: 'post', template: 'nudge', data: { n } },
    },
    log: { type: 'log', kind: 'nudge', payload: { reminder: `${arg}:r${n}` } },
  }));
  const from = Number(start) % claims.length;
  out.claimed = reminders.claim([...claims.slice(from), ...claims.slice(0, from)], NOW, { batch: 1 });
}
await db.close();
process.stdout.write(`${JSON.stringify(out)}\n`);
