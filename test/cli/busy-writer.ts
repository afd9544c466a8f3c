// A second process that writes the database as the bot does, without pause, until it is killed:
// declare one incident, then log entry after log entry. Prints the number written every 20 entries.
// Used by backup.test.ts to take copies while the database is being written.
import { declareRequest } from '../helpers/scenario.js';
import { openStack } from '../helpers/store.js';

const file = process.argv[2];
if (!file) throw new Error('usage: busy-writer DB');
const stack = openStack(file);
const declared = stack.service.handle(declareRequest('busy-declare'));
if (!declared.ok) throw new Error(`declare failed: ${JSON.stringify(declared)}`);
const key = declared.incident.key;
let n = 0;
const tick = () => {
  for (let i = 0; i < 10; i++) {
    n++;
    const r = stack.service.handle({
      key: `busy-${n}`,
      incidentKey: key,
      command: { type: 'log', text: `entry ${n}` },
      actor: declareRequest('x').actor,
    });
    if (!r.ok) throw new Error(`log failed: ${JSON.stringify(r)}`);
  }
  if (n % 20 === 0) process.stdout.write(`${n}\n`);
  setImmediate(tick);
};
tick();
