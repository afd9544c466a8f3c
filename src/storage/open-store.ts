// The bot's database, from its settings: PostgreSQL when DATABASE_URL is set (several replicas share it),
// else the SQLite file at DATABASE_PATH. What only SQLite needs comes with it here: the WAL checkpointer, the
// group sync before an ack (WalSync), `synchronous = FULL` under Socket Mode. On PostgreSQL `durable()` has
// nothing to wait for: a COMMIT returns once the commit record is flushed (synchronous_commit = on, the
// default). A server run with synchronous_commit = off would break "in the record before the world sees
// it": an acknowledged command could be lost with the server. Keep it on (docs/operations.md).
import type { AppLogger } from '../app/ports.js';
import type { CheckpointSigner } from '../domain/audit/checkpoint.js';
import { openPostgres, redactUrl } from './postgres/open-postgres.js';
import type { PgHealth } from './postgres/sync-pg.js';
import type { Db, Dialect } from './sql-db.js';
import { refuseForeignDatabase } from './sqlite/database-mode.js';
import { openDatabase } from './sqlite/open-database.js';
import { startWalCheckpointer } from './sqlite/wal-checkpointer.js';
import { type Durability, WalSync } from './sqlite/wal-sync.js';

/** The database's reachability for /readyz and metrics: SQLite is a file, always 'up' once open. */
export type DatabaseHealth = PgHealth;

export interface OpenedStore {
  db: Db;
  dialect: Dialect;
  /** For logs and /readyz: the file, or the URL without its password. */
  label: string;
  /** What a platform request's answer waits for (see ops/durable-acks.ts). */
  durability: Durability;
  health(): DatabaseHealth;
  /** Stops what runs beside the database, then closes it (a PostgreSQL session ends cleanly). */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** DATABASE_URL: postgres://… selects PostgreSQL. */
  url?: string | undefined;
  /** DATABASE_PATH: the SQLite file otherwise. */
  path: string;
  signer: CheckpointSigner;
  /** PostgreSQL: how long to wait for the first connection. */
  connectTimeoutMs?: number;
  /** PostgreSQL: each failed connection attempt while waiting is logged (the URL without its password). */
  logger?: AppLogger;
  /** SQLite: local mode refuses a file that holds another bot's incidents before opening it. */
  local?: boolean;
  /** SQLite: sync inside every commit (Socket Mode acks over its WebSocket, past the HTTP hold). */
  syncEveryCommit?: boolean;
  /** SQLite: where the copy taken before migrating went. */
  onBackup?: (file: string) => void;
  onWalSync?: (r: { seconds: number; error?: Error }) => void;
  onCheckpointError?: (message: string) => void;
  /** PostgreSQL: the session's application_name (seen in pg_stat_activity). */
  applicationName?: string;
}

const UP: DatabaseHealth = { state: 'up', error: null, since: null };

export async function openStore(o: OpenStoreOptions): Promise<OpenedStore> {
  if (o.url) {
    const db = await openPostgres(o.url, {
      signer: o.signer,
      waitMs: o.connectTimeoutMs ?? 30_000,
      onConnectFailure: (error) =>
        o.logger?.warn({ db: redactUrl(o.url!), error }, 'PostgreSQL: connection failed; retrying'),
      ...(o.applicationName ? { applicationName: o.applicationName } : {}),
    });
    return {
      db,
      dialect: 'postgres',
      label: redactUrl(o.url),
      durability: { durable: () => Promise.resolve() },
      health: () => db.pg.health(),
      close: () => (db.open ? db.close() : Promise.resolve()),
    };
  }
  if (o.local) refuseForeignDatabase(o.path);
  const db = openDatabase(o.path, {
    signer: o.signer,
    ...(o.onBackup ? { onBackup: o.onBackup } : {}),
  });
  const checkpointer = startWalCheckpointer(db, o.path, {
    ...(o.onCheckpointError ? { onError: o.onCheckpointError } : {}),
  });
  if (o.syncEveryCommit) db.pragma('synchronous = FULL');
  const walSync = new WalSync(db, o.onWalSync ? { onSync: o.onWalSync } : {});
  let closed: Promise<void> | null = null;
  return {
    db,
    dialect: 'sqlite',
    label: o.path,
    durability: walSync,
    health: () => UP,
    close: () => {
      closed ??= (async () => {
        await walSync.close();
        await checkpointer?.stop();
        db.close();
      })();
      return closed;
    },
  };
}

/**
 * Logs the connection's loss and its return, once each (PostgreSQL: the bridge reconnects on its own, with
 * backoff; meanwhile every request is told the database cannot be reached). Returns the stop function.
 */
export function watchConnection(storage: OpenedStore, logger: AppLogger, everyMs = 1000): () => void {
  if (storage.dialect !== 'postgres') return () => {};
  let down = false;
  const timer = setInterval(() => {
    const h = storage.health();
    if (h.state !== 'up' && !down)
      logger.error({ db: storage.label, ...h }, 'PostgreSQL: connection lost; reconnecting');
    else if (h.state === 'up' && down) logger.info({ db: storage.label }, 'PostgreSQL: connection back');
    down = h.state !== 'up';
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
