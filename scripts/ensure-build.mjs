// `npm start`'s prestart: builds dist/ when it is missing or older than a source file, so `npm install`
// then `npm start` works on a fresh clone; an up-to-date build costs a directory walk (~20 ms).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const built = path.join(root, 'dist/src/main.js');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return t;
}

if (!existsSync(built) || statSync(built).mtimeMs < newest(path.join(root, 'src'))) {
  process.stderr.write('incident-bot: building dist/ (tsc, about 20 s; once per source change)\n');
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  if (!existsSync(tsc)) {
    process.stderr.write(
      'incident-bot: dist/ is missing or stale and TypeScript is not installed: run `npm ci` first.\n',
    );
    process.exit(2);
  }
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}
