// Child process for the replicas test: one replica (its own connection to the shared PostgreSQL database)
// sends N log commands to one incident, and the shared commands every replica sends with the same keys.
// It says `ready` once connected and waits for a line on stdin, so every replica starts writing at once.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { IncidentService } from '../../../src/app/incident-service.js';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';
import { IncidentStore } from '../../../src/storage/sqlite/incident-store.js';
import { testSigner } from '../../helpers/audit-key.js';
import { playbook, playbookRef } from '../../helpers/scenario.js';
import { inTheRoom } from '../../helpers/store.js';

const [url, key, who, count, shared] = process.argv.slice(2) as [string, string, string, string, string];
const db = await openPostgres(url, { migrate: false, waitMs: 10_000 });
const service = inTheRoom(
  new IncidentService(new IncidentStore(db, {}, testSigner), { playbook, ref: playbookRef }),
);
process.stdout.write('ready\n');
const input = createInterface({ input: process.stdin });
await once(input, 'line');
input.close();
let ok = 0;
let replays = 0;
for (let n = 0; n < Number(count); n++) {
  for (const [k, text] of [
    [`${who}:${n}`, `${who} note ${n}`],
    // the same request delivered to every replica (a Slack retry landing elsewhere)
    ...(n < Number(shared) ? [[`shared:${n}`, `shared note ${n}`]] : []),
  ] as [string, string][]) {
    const r = service.handle({
      key: k,
      incidentKey: key,
      command: { type: 'log', text },
      actor: { platform: 'slack', id: who },
    });
    if (r.ok && r.replay) replays++;
    else if (r.ok) ok++;
  }
}
await db.close();
process.stdout.write(JSON.stringify({ ok, replays }));
