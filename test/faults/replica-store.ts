// The replica test's own hold on the shared database: reading what the replicas wrote, seeding incidents
// declared hours ago (they owe reminders at once, which the replicas' reminder passes race to claim), and
// the audit verification of the whole ledger at the end.
import { IncidentService } from '../../src/app/incident-service.js';
import { loadPlaybook } from '../../src/storage/playbook-file.js';
import { openPostgres } from '../../src/storage/postgres/open-postgres.js';
import type { Db } from '../../src/storage/sql-db.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { TEST_PUBKEY_FILE, testSigner } from '../helpers/audit-key.js';
import { ROOT, spawnMain } from '../support/spawn-main.js';

export interface Shared {
  db: Db;
  close(): Promise<void>;
}

export async function openShared(url: string): Promise<Shared> {
  const db = await openPostgres(url, { migrate: false, waitMs: 10_000 });
  return { db, close: async () => void (db.open && (await db.close())) };
}

const HOURS_AGO = 3;
const playbook = loadPlaybook();

/**
 * `n` incidents declared three hours ago, each with its channel, in one write transaction with their owed
 * messages marked delivered (they are not what the test is about): no replica sees them half made.
 */
export function seedOverdue(s: Shared, tag: string, n: number): string[] {
  const then = new Date(Date.now() - HOURS_AGO * 3600_000);
  const store = new IncidentStore(s.db, {}, testSigner);
  const service = new IncidentService(
    store,
    { playbook: playbook.playbook, ref: playbook.ref },
    { clock: () => then },
  );
  const keys: string[] = [];
  s.db
    .transaction(() => {
      for (let i = 0; i < n; i++) {
        const o = service.handle({
          key: `seed:${tag}:${i}`,
          incidentKey: null,
          command: {
            type: 'declare',
            key: '',
            title: `Overdue ${tag} ${i}`,
            triggerClass: 'service_outage',
            impact: 'x',
            severeImpact: i % 2 === 0,
            drill: false,
          },
          actor: { platform: 'slack', id: `U0SEED${tag.toUpperCase()}${i}` },
        });
        if (!o.ok) throw new Error(o.error.message);
        keys.push(o.incident.key);
        const room = service.handle({
          key: `seed:${tag}:${i}:room`,
          incidentKey: o.incident.key,
          command: {
            type: 'room_created',
            platform: 'slack',
            roomId: `C9${tag.toUpperCase()}${i}`,
            name: `inc-${tag}-${i}`,
          },
          actor: { platform: 'slack', id: 'incident-bot' },
        });
        if (!room.ok) throw new Error(room.error.message);
      }
      const mark = s.db.prepare(
        `UPDATE outbox SET sent_at = ?, result = '{"seeded":true}' WHERE incident_key = ? AND sent_at IS NULL`,
      );
      for (const k of keys) mark.run(new Date().toISOString(), k);
    })
    .immediate();
  return keys;
}

/** Rows still owed (what a failure message shows: where each one is stuck). */
export const pendingRows = (db: Db): unknown[] =>
  db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY id').all();

/** `incident-bot audit verify` (the CLI, as an operator runs it) over the shared database: exit code and output. */
export async function auditVerifies(url: string): Promise<{ code: number | null; output: string }> {
  const args = ['src/cli/main.ts', 'audit', 'verify', '--pubkey', TEST_PUBKEY_FILE];
  const child = spawnMain(
    args,
    { DATABASE_URL: url },
    {
      cwd: ROOT,
      timeoutMs: 30_000,
    },
  );
  const r = await child.done;
  return { code: r.code, output: `${r.stdout}${r.stderr}` };
}
