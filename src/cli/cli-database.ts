// Which database a command works on, as the bot chooses it: --db when given (a file, or a postgres:// URL),
// else DATABASE_URL (PostgreSQL), else DATABASE_PATH, else the default file. PostgreSQL is opened here,
// without migrating (only `migrate` does that), and closed again whatever the command did.
import { redactUrl } from '../storage/postgres/open-postgres.js';
import type { PgDb } from '../storage/postgres/pg-db.js';
import { UsageError } from './args.js';

export const DEFAULT_DB_PATH = './data/incident-bot.db';

export type CliDatabase = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; label: string };

const isPg = (v: string) => /^postgres(ql)?:\/\//.test(v);

/** Where the command's database is. A DATABASE_URL that is not postgres:// is refused, as the bot refuses it. */
export function cliDatabase(flag: string | undefined, env: NodeJS.ProcessEnv): CliDatabase {
  const url = env.DATABASE_URL?.trim();
  const chosen = flag ?? (url || undefined);
  if (chosen !== undefined && isPg(chosen))
    return { kind: 'postgres', url: chosen, label: redactUrl(chosen) };
  if (flag === undefined && url)
    throw new UsageError(
      'DATABASE_URL must be a PostgreSQL connection string (postgres://user:password@host:5432/database); for SQLite unset it and give --db or DATABASE_PATH.',
    );
  return { kind: 'sqlite', path: flag ?? (env.DATABASE_PATH || DEFAULT_DB_PATH) };
}

/** How long a command waits for PostgreSQL: DATABASE_CONNECT_TIMEOUT_SECONDS, else 10 s. */
function waitMs(env: NodeJS.ProcessEnv): number {
  const s = Number(env.DATABASE_CONNECT_TIMEOUT_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 10_000;
}

/**
 * Opens the PostgreSQL database, runs `fn` on it and closes it. A database that cannot be reached is
 * answered with one sentence (exit 1), never a stack trace.
 */
export async function withPostgres<T extends { code: number }>(
  target: Extract<CliDatabase, { kind: 'postgres' }>,
  env: NodeJS.ProcessEnv,
  fn: (db: PgDb) => T | Promise<T>,
  unreachable: (message: string) => T,
): Promise<T> {
  const { openPostgres, PgConnectError } = await import('../storage/postgres/open-postgres.js');
  let db: PgDb;
  try {
    db = await openPostgres(target.url, {
      migrate: false,
      waitMs: waitMs(env),
      applicationName: 'incident-bot-cli',
    });
  } catch (e) {
    if (e instanceof PgConnectError) return unreachable(e.message);
    throw e;
  }
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
