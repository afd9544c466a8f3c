// The README's test command is what CI runs (so the store suites run on PostgreSQL there too), and its
// "Choosing SQLite or PostgreSQL" section names real settings and links the design page.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const read = (f: string) => readFileSync(resolve(ROOT, f), 'utf8');
const readme = read('README.md');

/** The README's section under `## title`, up to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README has a "${title}" section`).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README', () => {
  it('the test command is the one .ci/run runs, under a throw-away PostgreSQL', () => {
    const command = /```sh\n([^\n]+)\n```/.exec(section('Tests'))?.[1];
    expect(command).toBe('scripts/with-postgres npm test');
    const ci = read('.ci/run').split('\n');
    expect(ci).toContain(command);
  });

  it('"Choosing SQLite or PostgreSQL" names settings the bot knows, both backups, and links docs/postgres.md', () => {
    const text = section('Choosing SQLite or PostgreSQL');
    const named = [...text.matchAll(/`([A-Z][A-Z0-9_]+)(?:=[^`]*)?`/g)].map((m) => m[1]!);
    expect(named).toEqual(expect.arrayContaining(['DATABASE_PATH', 'DATABASE_URL']));
    for (const name of named) expect(Object.keys(SETTINGS), name).toContain(name);
    for (const tool of ['incident-bot backup', 'pg_dump', 'pg_restore', 'audit verify'])
      expect(text).toContain(tool);
    expect(text).toContain('](docs/postgres.md)');
    expect(text).toContain('](deploy/README.md)');
  });
});
