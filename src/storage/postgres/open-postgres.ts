// Opens the bot's PostgreSQL database (DATABASE_URL): connects through the synchronous bridge, waiting up to
// `waitMs` for a database that is still starting, and migrates it unless told not to.
import type { CheckpointSigner } from '../../domain/audit/checkpoint.js';
import { migratePostgres } from './migrate.js';
import { PgDb } from './pg-db.js';
import { SyncPg, type SyncPgOptions } from './sync-pg.js';

/** True when the setting names a PostgreSQL database. */
export function isPostgresUrl(url: string | undefined): url is string {
  return typeof url === 'string' && /^postgres(ql)?:\/\//.test(url);
}

/** The URL without its password, for logs and /readyz. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

export interface OpenPostgresOptions extends SyncPgOptions {
  migrate?: boolean;
  signer?: CheckpointSigner;
  now?: Date;
  /** How long to wait for the first connection (a database starting beside the bot). */
  waitMs?: number;
}

export async function openPostgres(url: string, o: OpenPostgresOptions = {}): Promise<PgDb> {
  const pg = new SyncPg(url, o);
  try {
    await pg.ready(o.waitMs ?? 30_000);
  } catch (e) {
    await pg.close();
    throw new Error(`Cannot connect to the PostgreSQL database ${redactUrl(url)}: ${(e as Error).message}`);
  }
  const db = new PgDb(pg, redactUrl(url));
  if (o.migrate !== false) {
    try {
      migratePostgres(db, undefined, {
        ...(o.signer ? { signer: o.signer } : {}),
        ...(o.now ? { now: o.now } : {}),
      });
    } catch (e) {
      await db.close();
      throw e;
    }
  }
  return db;
}
