// The PostgreSQL bridge's thread (see sync-pg.ts): holds the one connection, runs each query the bot's
// thread sends and wakes it; reconnects on its own, with backoff, when the connection is lost. Each
// connection has a generation: a job that names another one (the rest of a transaction begun on a lost
// connection) is refused, never run in autocommit on the new session.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import {
  CONNECTING,
  DOWN,
  isConnectionError,
  type PgJob,
  type PgReply,
  type PgWorkerData,
  UP,
} from './pg-protocol.js';

// bigint counts and ids as numbers (they stay far below 2^53), as SQLite gives them.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

const data = workerData as PgWorkerData;
const flags = new Int32Array(data.flags);
const port = data.port as MessagePort;
let client: pg.Client | null = null;
/** The generation of `client` (flags[2] counts them across every worker of this bridge). */
let generation = 0;
let delay = data.retryMinMs;
let retry: NodeJS.Timeout | null = null;
let closing = false;

function state(s: number, error?: string): void {
  Atomics.store(flags, 1, s);
  parentPort?.postMessage({ state: s, ...(error ? { error } : {}) });
}

function lost(c: pg.Client, e: unknown): void {
  if (client !== c && client !== null) return;
  client = null;
  c.end().catch(() => {});
  if (closing) return;
  state(DOWN, e instanceof Error ? e.message : String(e));
  schedule();
}

/**
 * Until this bridge's first connection (a database starting beside the bot) attempts stay ~1 s apart, so the
 * start-up wait (DATABASE_CONNECT_TIMEOUT_SECONDS) keeps trying to its end; afterwards, in an outage, they
 * back off to retryMaxMs.
 */
const START_RETRY_MAX_MS = 1000;

function schedule(): void {
  if (retry || closing) return;
  retry = setTimeout(() => {
    retry = null;
    void connect();
  }, delay);
  const everConnected = Atomics.load(flags, 2) > 0;
  delay = Math.min(
    delay * 2,
    everConnected ? data.retryMaxMs : Math.min(START_RETRY_MAX_MS, data.retryMaxMs),
  );
}

/** Ignored on a Unix socket; allowed to any role (user-settable). */
const SERVER_KEEPALIVES =
  'SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3';

function newClient(): pg.Client {
  return new pg.Client({
    connectionString: data.url,
    // TCP keepalive both ways: this side notices a dead server, and (SET below) the server ends the session
    // of a connection this bridge abandoned in a network black hole within ~25 s instead of the kernel's 2 h,
    // with the session advisory locks it holds (REMINDER_LOCK, MIGRATION_LOCK).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    connectionTimeoutMillis: data.connectTimeoutMs,
    statement_timeout: data.statementTimeoutMs,
    lock_timeout: data.statementTimeoutMs,
    // A replica frozen inside a transaction must not hold the write lock for ever.
    idle_in_transaction_session_timeout: data.statementTimeoutMs * 2,
    application_name: data.applicationName,
  });
}

async function connect(): Promise<void> {
  state(CONNECTING);
  let c: pg.Client | null = null;
  try {
    // Made inside the try: a connection string pg cannot parse throws here, and must be reported as a failed
    // attempt, not end this thread.
    const made = newClient();
    c = made;
    made.on('error', (e) => lost(made, e));
    await made.connect();
    await made.query(SERVER_KEEPALIVES);
  } catch (e) {
    c?.end().catch(() => {});
    state(DOWN, e instanceof Error ? e.message : String(e));
    schedule();
    return;
  }
  if (closing) {
    c.end().catch(() => {});
    return;
  }
  client = c;
  generation = Atomics.add(flags, 2, 1) + 1;
  delay = data.retryMinMs;
  state(UP);
}

async function run(job: PgJob): Promise<PgReply> {
  const c = client;
  if (!c)
    return { id: job.id, ok: false, error: { message: 'not connected to PostgreSQL', connection: true } };
  if (job.gen !== undefined && job.gen !== generation)
    return {
      id: job.id,
      ok: false,
      error: {
        message:
          'PostgreSQL is unavailable (the connection was lost during a transaction, which was rolled back with it)',
        code: 'PG_UNAVAILABLE',
        connection: true,
      },
    };
  const gen = generation;
  try {
    const r = await c.query(
      job.params ? { text: job.sql, values: job.params, ...(job.name ? { name: job.name } : {}) } : job.sql,
    );
    // A simple query of several statements answers one result per statement: the last one counts.
    const last = Array.isArray(r) ? r.at(-1) : r;
    return { id: job.id, ok: true, rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0, gen };
  } catch (e) {
    const err = e as { message?: string; code?: string };
    const connection = isConnectionError(e);
    if (connection) lost(c, e);
    return {
      id: job.id,
      ok: false,
      error: {
        message: err.message ?? String(e),
        ...(err.code ? { code: err.code } : {}),
        connection,
        // It reached the server, whose answer was lost with the connection: done or not, nobody knows.
        ...(connection ? { sent: true } : {}),
      },
    };
  }
}

port.on('message', (job: PgJob | { close: true }) => {
  if ('close' in job) {
    closing = true;
    if (retry) clearTimeout(retry);
    const c = client;
    client = null;
    void (c ? c.end() : Promise.resolve()).finally(() => {
      port.close();
      parentPort?.close();
    });
    return;
  }
  void run(job).then((reply) => {
    port.postMessage(reply);
    Atomics.store(flags, 0, job.id);
    Atomics.notify(flags, 0);
  });
});

// Dying (an exception nothing caught): wake a query the bot's thread is waiting on, which would otherwise wait
// out its whole deadline, or for ever in unbounded().
process.on('exit', () => {
  Atomics.store(flags, 1, DOWN);
  Atomics.store(flags, 0, -data.workerId);
  Atomics.notify(flags, 0);
});

void connect();
