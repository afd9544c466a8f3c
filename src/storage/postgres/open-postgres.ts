// Opens the bot's PostgreSQL database (DATABASE_URL): connects through the synchronous bridge, waiting up to
// `waitMs` for a database that is still starting, and migrates it unless told not to.
import type { CheckpointSigner } from '../../domain/audit/checkpoint.js';
import { migratePostgres } from './migrate.js';
import { PgDb } from './pg-db.js';
import { connectionStringProblem } from './pg-url.js';
import { SyncPg, type SyncPgOptions } from './sync-pg.js';

/** True when the setting names a PostgreSQL database. */
export function isPostgresUrl(url: string | undefined): url is string {
  return typeof url === 'string' && /^postgres(ql)?:\/\//.test(url);
}

/** Query parameters libpq and node-postgres read a secret from (sslkey names the client's key file). */
export const SECRET_PARAMS = ['password', 'sslpassword', 'sslkey'] as const;

/** The URL with its secrets as `***` (the password, and SECRET_PARAMS), for logs, /readyz, errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const [key] of [...u.searchParams]) {
      if ((SECRET_PARAMS as readonly string[]).includes(key.toLowerCase())) u.searchParams.set(key, '***');
    }
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

/** The first connection was not made in time (start-up exits with this one line). */
export class PgConnectError extends Error {}

export interface OpenPostgresOptions extends SyncPgOptions {
  migrate?: boolean;
  signer?: CheckpointSigner;
  now?: Date;
  /** How long to wait for the first connection (a database starting beside the bot). */
  waitMs?: number;
  /** Told each failed attempt while waiting (the error names no password: pg's messages never do). */
  onConnectFailure?: (error: string) => void;
}

export async function openPostgres(url: string, o: OpenPostgresOptions = {}): Promise<PgDb> {
  // Said at once: no attempt can succeed, so waiting for the database would only hide it.
  const problem = connectionStringProblem(url);
  if (problem) throw new PgConnectError(`The PostgreSQL connection string ${problem}.`);
  const pg = new SyncPg(url, o);
  const off = pg.onHealth((h) => {
    if (h.state === 'down' && h.error) o.onConnectFailure?.(h.error);
  });
  const waitMs = o.waitMs ?? 30_000;
  try {
    await pg.ready(waitMs);
  } catch (e) {
    const why = pg.health().error ?? (e as Error).message;
    await pg.close();
    throw new PgConnectError(
      `Cannot connect to the PostgreSQL database ${redactUrl(url)} within ${Math.round(waitMs / 1000)} s (${why}). Check DATABASE_URL and that the server is up and accepts this user.`,
    );
  } finally {
    off();
  }
  const db = new PgDb(pg, redactUrl(url), url);
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
