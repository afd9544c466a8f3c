// scripts/with-postgres (what CI runs the tests under): a real throw-away cluster the command can use, its
// exit code passed on, nothing left behind; and clear answers when it cannot run.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasPg } from '../helpers/pg.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SCRIPT = resolve(ROOT, 'scripts', 'with-postgres');

function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(SCRIPT, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: 50_000 }, (e, out, err) =>
      done({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, out, err }),
    );
  });
}

/** Whether something accepts connections on the port. */
const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => done(!!s.end()));
    s.once('error', () => done(false));
  });

describe('scripts/with-postgres', () => {
  it('without a command: how to use it, exit 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/usage: scripts\/with-postgres CMD/);
  });

  it('without PostgreSQL: says what to install, exit 2, the command not run', async () => {
    const r = await run(['sh', '-c', 'echo ran'], { PGBIN: '/nonexistent' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('apt-get install postgresql');
    expect(r.out).not.toContain('ran');
  });

  // PostgreSQL's server is installed wherever TEST_DATABASE_URL is set by this script (CI).
  it.runIf(hasPg)(
    'runs the command with TEST_DATABASE_URL on a fresh cluster, keeps its exit code, removes the cluster',
    async () => {
      const probe = `
        const pg = require('pg');
        const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        c.connect().then(async () => {
          const q = async (s) => (await c.query(s)).rows[0];
          const out = { url: process.env.TEST_DATABASE_URL, max: (await q('SHOW max_connections')).max_connections,
            fsync: (await q('SHOW fsync')).fsync, dir: (await q('SHOW data_directory')).data_directory,
            user: (await q('SELECT current_user AS u')).u,
            listen: (await q('SHOW listen_addresses')).listen_addresses };
          console.log(JSON.stringify(out));
          await c.end();
          process.exit(3);
        });`;
      const r = await run([process.execPath, '-e', probe]);
      expect(r.code, r.err).toBe(3);
      const seen = JSON.parse(r.out.trim().split('\n').at(-1)!);
      const url = new URL(seen.url);
      expect([url.hostname, url.username, seen.user, seen.listen]).toEqual([
        '127.0.0.1',
        'postgres',
        'postgres',
        '127.0.0.1',
      ]);
      expect([seen.max, seen.fsync]).toEqual(['300', 'off']);
      expect(seen.dir).toMatch(/^\/tmp\//);
      // Stopped and removed, whatever the command's exit code was.
      expect(existsSync(seen.dir)).toBe(false);
      expect(await listening(Number(url.port))).toBe(false);
    },
    60_000, // initdb, a start and a stop, on a machine busy with other test files
  );
});
