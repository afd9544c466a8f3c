// The PostgreSQL row of the benchmark: decision-log appends per second through the service on PostgreSQL (one
// write transaction each, under the cluster-wide write lock, durable at COMMIT), beside SQLite's.
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { IncidentService } from '../src/app/incident-service.js';
import { signerOf } from '../src/domain/audit/checkpoint.js';
import { loadPlaybook } from '../src/storage/playbook-file.js';
import { openPostgres } from '../src/storage/postgres/open-postgres.js';
import { IncidentStore } from '../src/storage/sqlite/incident-store.js';
import { declare } from './ledger.js';

const actor = { platform: 'slack' as const, id: 'U0IC' };

/** `log` commands per second on a fresh PostgreSQL database, and the mean time the event loop waited per command. */
export async function benchPgAppends(
  url: string,
  n: number,
): Promise<{ perSecond: number; msPerCommand: number }> {
  const db = await openPostgres(url);
  try {
    const signer = signerOf(generateKeyPairSync('ed25519').privateKey);
    const service = new IncidentService(new IncidentStore(db, {}, signer), loadPlaybook());
    const key = declare(service, 0);
    const t0 = performance.now();
    for (let k = 0; k < n; k++) {
      const r = service.handle({
        key: `l${k}`,
        incidentKey: key,
        command: { type: 'log', text: `note ${k}` },
        actor,
      });
      if (!r.ok) throw new Error(r.error.message);
    }
    const ms = performance.now() - t0;
    return { perSecond: n / (ms / 1000), msPerCommand: ms / n };
  } finally {
    await db.close();
  }
}
