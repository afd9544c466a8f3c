// A DATABASE_URL's secrets stay out of what others can read: the password (in the user part or as
// ?password=), ?sslpassword= and ?sslkey= are masked in the URL shown in logs, /readyz, errors and db.name
// (redactUrl), and reach pg_dump through its environment, not its command line, which `ps` shows.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres, redactUrl } from '../../../src/storage/postgres/open-postgres.js';
import { dumpPostgres, splitSecrets } from '../../../src/storage/postgres/pg-backup.js';
import { dropPgDatabases, freshPgUrl, hasPg } from '../../helpers/pg.js';

describe('redactUrl', () => {
  it('masks the password wherever the URL carries it, and keeps the rest', () => {
    expect(redactUrl('postgres://bot:s3cret@db:5432/bot')).toBe('postgres://bot:***@db:5432/bot');
    const r = redactUrl(
      'postgresql://bot@db/bot?sslmode=verify-full&password=s3cret&sslpassword=k3y&sslkey=/keys/bot.key&application_name=ib',
    );
    expect(r).not.toMatch(/s3cret|k3y|bot\.key/);
    expect(r).toBe(
      'postgresql://bot@db/bot?sslmode=verify-full&password=***&sslpassword=***&sslkey=***&application_name=ib',
    );
    expect(redactUrl('postgres://db/bot?PassWord=s3cret')).toBe('postgres://db/bot?PassWord=***');
    expect(redactUrl('postgres://bot:s3cret@[::1')).toBe('postgres://(unparsable url)');
  });
});

describe('splitSecrets (pg_dump)', () => {
  it('takes every secret off the URL and into the environment, sslpassword into a private service file', () => {
    const s = splitSecrets(
      'postgres://bot:p%40ss@db:5432/bot?sslmode=require&sslkey=/keys/bot.key&sslpassword=k3y',
      { PATH: '/bin' },
    );
    try {
      expect(s.url).toBe('postgres://bot@db:5432/bot?sslmode=require');
      expect(s.env.PGPASSWORD).toBe('p@ss');
      expect(s.env.PGSSLKEY).toBe('/keys/bot.key');
      expect(s.env.PATH).toBe('/bin');
      expect(s.env.PGSERVICE).toBe('incident-bot');
      const file = s.env.PGSERVICEFILE!;
      expect(readFileSync(file, 'utf8')).toBe('[incident-bot]\nsslpassword=k3y\n');
      expect((s.secrets as string[]).sort()).toEqual(['k3y', 'p@ss']);
      s.cleanup();
      expect(existsSync(file)).toBe(false);
    } finally {
      s.cleanup();
    }
    // ?password= wins over the user part, as in node-postgres.
    const q = splitSecrets('postgres://bot:old@db/bot?password=new', {});
    expect(q.url).toBe('postgres://bot@db/bot');
    expect(q.env.PGPASSWORD).toBe('new');
    expect(q.env.PGSERVICEFILE).toBeUndefined();
  });
});

describe.runIf(hasPg)('secrets on a real PostgreSQL', () => {
  afterAll(dropPgDatabases);

  it('db.name and the handle show no password; pg_dump gets it in its environment only', async () => {
    const url = `${await freshPgUrl()}?password=hunter2&application_name=secrets-test`;
    const db = await openPostgres(url, { waitMs: 10_000 });
    try {
      expect(db.name).toContain('password=***');
      expect(db.name).not.toContain('hunter2');
      expect(inspect(db, { depth: 5, showHidden: true })).not.toContain('hunter2');
      // A pg_dump that writes down what it was given (and an empty dump), a pg_restore that lists one object.
      const dir = mkdtempSync(path.join(tmpdir(), 'ib-secrets-'));
      const dump = path.join(dir, 'pg_dump');
      writeFileSync(
        dump,
        '#!/bin/sh\nprintf "%s\\n" "$@" > "$SEEN_ARGS"\nprintf "%s" "$PGPASSWORD" > "$SEEN_PASSWORD"\n' +
          'for a in "$@"; do case "$a" in --file=*) : > "$(echo "$a" | cut -c8-)";; esac; done\n',
      );
      writeFileSync(path.join(dir, 'pg_restore'), '#!/bin/sh\necho "1; 0 0 TABLE public t bot"\n');
      chmodSync(dump, 0o755);
      chmodSync(path.join(dir, 'pg_restore'), 0o755);
      const env = {
        PATH: process.env.PATH,
        PG_DUMP_PATH: dump,
        SEEN_ARGS: path.join(dir, 'args'),
        SEEN_PASSWORD: path.join(dir, 'password'),
      };
      const facts = await dumpPostgres(db, url, path.join(dir, 'bot.dump'), env);
      expect(facts.objects).toBe(1);
      const args = readFileSync(env.SEEN_ARGS, 'utf8');
      expect(args).toContain('--dbname=postgres://');
      expect(args).toContain('application_name=secrets-test');
      expect(args).not.toContain('hunter2');
      expect(readFileSync(env.SEEN_PASSWORD, 'utf8')).toBe('hunter2');
    } finally {
      await db.close();
    }
  });
});
