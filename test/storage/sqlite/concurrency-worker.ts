// Child process for the concurrency test: N log commands against one incident on a shared file.
import { openStack } from '../../helpers/store.js';

const [file, key, who, count] = process.argv.slice(2) as [string, string, string, string];
const s = openStack(file);
let ok = 0;
for (let n = 0; n < Number(count); n++) {
  const r = s.service.handle({
    key: `${who}:${n}`,
    incidentKey: key,
    command: { type: 'log', text: `${who} note ${n}` },
    actor: { platform: 'slack', id: who },
  });
  if (r.ok) ok++;
}
s.close();
process.stdout.write(String(ok));
