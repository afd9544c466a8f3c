// deploy/compose-postgres cannot be started here (no image registry is reachable), so its files are held
// against the code: the bots are built from this project's Dockerfile and set only settings src/config.ts
// knows, there are two of them on one PostgreSQL (DATABASE_URL names the postgres service, its user,
// database and password variable), their health checks and the load balancer's are /readyz, and the load
// balancer routes the paths the bot serves to both replicas and nothing else.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTINGS } from '../../src/config.js';
import { ALERT_WEBHOOK_PATHS } from '../../src/integrations/alert-webhooks/alert-webhook-route.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'deploy', 'compose-postgres');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: a compose file is free-form YAML
type Json = any;

const compose: Json = parse(read('compose.yaml'));
const services: Record<string, Json> = compose.services;
/** The services built from this project's Dockerfile: the bot replicas. */
const bots = Object.entries(services).filter(
  ([, s]) => s.build && resolve(DIR, s.build.context ?? s.build) === ROOT,
);
const known = new Set(Object.keys(SETTINGS));

/** `${NAME:?message}` / `${NAME}` -> NAME: what compose reads from the environment or .env. */
const variable = (v: string) => /^\$\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}]*)?\}$/.exec(v)?.[1];

describe('deploy/compose-postgres/compose.yaml', () => {
  it('two bot replicas from the project Dockerfile, no port of their own', () => {
    expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
    expect(bots.map(([name]) => name)).toHaveLength(2);
    for (const [name, s] of bots) expect(s.ports, name).toBeUndefined();
  });

  it('the bots set only settings the bot knows, in compose.yaml and in bot.env.example', () => {
    for (const [name, s] of bots) {
      for (const key of Object.keys(s.environment)) expect(known.has(key), `${name}: ${key}`).toBe(true);
      expect(s.env_file).toBe('bot.env');
    }
    const example = [...read('bot.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect(example.length).toBeGreaterThan(3);
    for (const key of example) expect(known.has(key), `bot.env.example: ${key}`).toBe(true);
    // Secrets stay out of git: the example's copy, the password file and the key folder are ignored here.
    expect(read('.gitignore').split('\n')).toEqual(expect.arrayContaining(['bot.env', '.env', 'secrets/']));
  });

  it('DATABASE_URL names the postgres service, its user and database, and the same password variable', () => {
    const pg = services.postgres;
    expect(pg.image).toMatch(/^postgres:/);
    expect(pg.volumes.some((v: string) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    expect(pg.healthcheck.test.join(' ')).toMatch(/pg_isready/);
    const password = variable(pg.environment.POSTGRES_PASSWORD);
    expect(password, 'the password comes from the environment, not the file').toBeTruthy();
    for (const [name, s] of bots) {
      const raw: string = s.environment.DATABASE_URL;
      const m = /^postgres:\/\/([^:]+):(\$\{[^}]+\})@([^/:]+):(\d+)\/(\w+)$/.exec(raw);
      expect(m, `${name}: ${raw}`).not.toBeNull();
      const [, user, pass, host, port, db] = m!;
      expect([user, variable(pass!), host, port, db]).toEqual([
        pg.environment.POSTGRES_USER,
        password,
        'postgres',
        '5432',
        pg.environment.POSTGRES_DB,
      ]);
      expect(s.depends_on.postgres.condition).toBe('service_healthy');
      expect(s.environment.NODE_ENV).toBe('production');
    }
  });

  it('the bots are healthy when /readyz is 200, and get the time to drain on stop', () => {
    for (const [name, s] of bots) {
      expect(s.healthcheck.test.join(' '), name).toMatch(/127\.0\.0\.1:3000\/readyz/);
      expect(Number.parseInt(s.stop_grace_period, 10)).toBeGreaterThan(10); // SHUTDOWN_DRAIN_SECONDS' default
    }
  });

  it('the signing key is a secret file every replica mounts', () => {
    for (const [name, s] of bots) {
      const file: string = s.environment.AUDIT_SIGNING_KEY_FILE;
      const secret = file.replace(/^\/run\/secrets\//, '');
      expect(s.secrets, name).toContain(secret);
      expect(compose.secrets[secret].file).toMatch(/^\.\/secrets\//);
    }
  });
});

describe('deploy/compose-postgres/haproxy.cfg', () => {
  const cfg = read('haproxy.cfg');
  const lines = cfg.split('\n').map((l) => l.trim());
  const lb = Object.values(services).find((s: Json) =>
    s.volumes?.some((v: string) => v.startsWith('./haproxy.cfg:')),
  );

  it('is the load balancer, the one service with a published port', () => {
    expect(lb).toBeDefined();
    const published = Object.entries(services).filter(([, s]) => s.ports);
    expect(published.map(([, s]) => s)).toEqual([lb]);
  });

  it('balances over both replicas on their port, checking /readyz for a 200', () => {
    const servers = lines.filter((l) => l.startsWith('server ')).map((l) => l.split(/\s+/)[2]);
    expect(servers.sort()).toEqual(bots.map(([name]) => `${name}:3000`).sort());
    expect(lines).toContain('option httpchk');
    expect(lines).toContain('http-check send meth GET uri /readyz');
    expect(lines).toContain('http-check expect status 200');
    expect(lines.find((l) => l.startsWith('default-server '))).toMatch(/\bcheck\b/);
  });

  it('routes the paths the bot serves to the platforms and probes, and refuses the rest', () => {
    const paths = lines
      .filter((l) => /^acl \w+ path /.test(l))
      .flatMap((l) => l.split(/\s+/).slice(3))
      .sort();
    // The platform routes are the ones the bot gates (src/bot.ts), the alert routes its intake's.
    const bot = readFileSync(join(ROOT, 'src', 'bot.ts'), 'utf8');
    expect(bot).toContain("['/slack/events', '/api/messages', ...(alertIntake ? ALERT_WEBHOOK_PATHS : [])]");
    expect(paths).toEqual(
      ['/api/messages', '/healthz', '/readyz', '/slack/events', ...ALERT_WEBHOOK_PATHS].sort(),
    );
    expect(lines).toContain('http-request deny deny_status 404 unless platform || probe');
  });
});
