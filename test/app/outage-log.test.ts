// A database that cannot be reached, in the logs: the outbox dispatcher says so once per outage (one warning
// line, no stack) and once when it is back, not on every pass; a command refused meanwhile is one warning
// line, no stack. Other failures are logged as before, with their stack. First with the bridge's error
// thrown by the store, then with a real PostgreSQL refusing the connection.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/app/dispatcher.js';
import type { PgDb } from '../../src/storage/postgres/pg-db.js';
import { PgUnavailableError } from '../../src/storage/postgres/sync-pg.js';
import { classifyStorageError } from '../../src/storage/sqlite/errors.js';
import { atomically } from '../../src/storage/sqlite/open-database.js';
import { type BackendStack, postgresBackend, sqliteBackend } from '../helpers/backends.js';
import { adminSql, dropPgDatabases, hasPg } from '../helpers/pg.js';
import { alertFields, declareRequest, ic } from '../helpers/scenario.js';
import { incidentApp } from '../support/incident-app.js';
import { RecordingSender } from '../support/recording-sender.js';

interface Line {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

function captured() {
  const lines: Line[] = [];
  const at = (level: Line['level']) => (obj: object, msg?: string) =>
    void lines.push({ level, obj: obj as Record<string, unknown>, msg: String(msg) });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

const DOWN = 'database unavailable; outbox delivery paused until it is back';
const BACK = 'database reachable again; outbox delivery resumed';

let s: BackendStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});
afterAll(dropPgDatabases);

/** A stack with an incident (and its room) owing its initial alert, and a dispatcher over it logging to `logger`. */
async function owing(backend: typeof sqliteBackend, logger: ReturnType<typeof captured>['logger']) {
  s = await backend.open();
  const d = s.service.handle(declareRequest('d'));
  if (!d.ok) throw new Error(d.error.message);
  for (const [key, command] of [
    ['room', { type: 'room_created', platform: 'slack', roomId: 'C1', name: 'inc' }],
    ['alert', { type: 'send_initial_alert', fields: alertFields }],
  ] as const)
    s.service.handle({ key, incidentKey: d.incident.key, command, actor: ic });
  const sender = new RecordingSender();
  const dispatcher = new Dispatcher({
    outbox: s.outbox,
    atomically: atomically(s.db),
    incidents: s.store,
    senders: { slack: sender },
    logger,
    classifyFailure: classifyStorageError,
  });
  const pass = async () => {
    dispatcher.kick();
    await dispatcher.idle();
  };
  return { s, key: d.incident.key, sender, dispatcher, pass };
}

const unavailable = () => new PgUnavailableError('connect ECONNREFUSED 127.0.0.1:5432');

describe('an unreachable database in the logs', () => {
  it('the dispatcher says it once per outage, one line with no stack, and once when it is back', async () => {
    const log = captured();
    const { s, sender, pass } = await owing(sqliteBackend, log.logger);
    const claim = s.outbox.claim.bind(s.outbox);
    s.outbox.claim = () => {
      throw unavailable();
    };
    for (let n = 0; n < 5; n++) await pass();
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([['warn', DOWN]]);
    expect(log.lines[0]!.obj).toEqual({ error: expect.stringMatching(/PostgreSQL is unavailable/) });
    // back: one line, and the owed rows go out
    s.outbox.claim = claim;
    await pass();
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', DOWN],
      ['info', BACK],
    ]);
    expect(sender.sent.length).toBeGreaterThan(0);
    // a second outage is told again (once over two passes); another failure is logged with its stack
    s.outbox.claim = () => {
      throw unavailable();
    };
    await pass();
    await pass();
    s.outbox.claim = () => {
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    };
    await pass();
    expect(log.lines.slice(2).map((l) => [l.level, l.msg])).toEqual([
      ['warn', DOWN],
      ['error', 'outbox pass failed; next pass on the timer'],
    ]);
    expect(log.lines.at(-1)!.obj.err).toBeInstanceOf(Error);
  });

  it('a command refused meanwhile is one warning line with no stack; other failures as before', async () => {
    s = await sqliteBackend.open();
    const log = captured();
    const app = incidentApp({
      db: s.db,
      service: s.service,
      outbox: s.outbox,
      dispatcher: { kick() {} },
      ...log,
    });
    const handle = s.service.handle.bind(s.service);
    s.service.handle = () => {
      throw unavailable();
    };
    const outcomes = [1, 2].map((n) => app.run({ ...declareRequest(`d${n}`) }));
    expect(outcomes.map((o) => !o.ok && o.error.message)).toEqual([
      expect.stringMatching(/cannot be reached right now/),
      expect.stringMatching(/cannot be reached right now/),
    ]);
    expect(log.lines).toEqual([
      {
        level: 'warn',
        obj: { key: 'd1', command: 'declare', error: expect.any(String) },
        msg: 'database unavailable; command not saved',
      },
      {
        level: 'warn',
        obj: { key: 'd2', command: 'declare', error: expect.any(String) },
        msg: 'database unavailable; command not saved',
      },
    ]);
    s.service.handle = () => {
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    };
    app.run(declareRequest('d3'));
    expect(log.lines[2]).toMatchObject({
      level: 'error',
      msg: 'command failed',
      obj: { err: expect.any(Error) },
    });
    s.service.handle = handle;
    expect(app.run(declareRequest('d4')).ok).toBe(true);
  });
});

describe.runIf(hasPg)('a real PostgreSQL outage in the logs', () => {
  it('passes during the outage log one line, the recovery one more, and the owed rows go out', async () => {
    const log = captured();
    const { s, sender, pass, dispatcher } = await owing(postgresBackend, log.logger);
    const name = new URL((s.db as PgDb).connectionUrl()!).pathname.slice(1);
    await adminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await adminSql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    try {
      for (let n = 0; n < 6; n++) {
        await pass();
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(log.lines.map((l) => [l.level, l.msg])).toEqual([['warn', DOWN]]);
      expect(log.lines[0]!.obj.err).toBeUndefined();
      expect(sender.sent).toEqual([]);
    } finally {
      await adminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
    // the bridge reconnects on its own (with backoff); the next pass that reaches it says so and delivers
    for (let n = 0; n < 300 && !log.lines.some((l) => l.msg === BACK); n++) {
      await pass();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', DOWN],
      ['info', BACK],
    ]);
    expect(await dispatcher.drain(10_000)).toBe(true);
    expect(sender.sent.length).toBeGreaterThan(0);
  });
});
