// The databases' errors, as the application layer's storage failures: a busy database (try again), one
// that cannot be written at all (tell the operator), one that cannot be reached (PostgreSQL's connection is
// down and being re-made: try again shortly), a connection lost during COMMIT (it may have been saved: look
// before trying again), a log changed outside the bot, or anything else.
// SQLite's come as SQLITE_* codes, PostgreSQL's as SQLSTATEs (PgError.code) or the bridge's PG_UNAVAILABLE.
import type { StorageFailure } from '../../app/ports.js';
import { IntegrityError } from './ledger-writer.js';

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * PostgreSQL: serialization failure, deadlock, lock not available (lock_timeout) and a cancelled statement
 * (statement_timeout: the write lock waited for too long) are worth retrying at once.
 */
const PG_BUSY = new Set(['40001', '40P01', '55P03', '57014']);
/** PostgreSQL: disk full, out of memory or connections, an I/O error. */
const PG_UNWRITABLE = /^(53|58)/;
/**
 * PostgreSQL: no connection (class 08, the bridge's PG_UNAVAILABLE), the server shutting down or the session
 * ended by an administrator (57P01-03), or a read-only server (25006: a standby during a failover).
 */
const PG_UNAVAILABLE = /^(08|57P0[123]$|25006$|PG_UNAVAILABLE$)/;

/** SQLITE_BUSY / SQLITE_LOCKED, and SQLITE_FULL / IOERR / READONLY / CANTOPEN (with their extended codes). */
export function classifyStorageError(e: unknown): StorageFailure {
  if (e instanceof IntegrityError) return 'integrity';
  // PgCommitUncertainError (pg-db.ts): before the connection codes it also carries.
  if ((e as { commitUncertain?: unknown } | null)?.commitUncertain === true) return 'uncertain';
  const code = codeOf(e);
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return 'busy';
  if (/^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(code)) return 'unwritable';
  if (PG_BUSY.has(code)) return 'busy';
  if (PG_UNAVAILABLE.test(code)) return 'unavailable';
  if (PG_UNWRITABLE.test(code)) return 'unwritable';
  // The bridge lost an answer with the connection (PgError without a SQLSTATE, connection = true).
  if ((e as { connection?: unknown } | null)?.connection === true) return 'unavailable';
  return 'other';
}
