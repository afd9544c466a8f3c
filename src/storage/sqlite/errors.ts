// SQLite's error codes, as the application layer's storage failures: a busy database (try again), one
// that cannot be written at all (tell the operator), a log changed outside the bot, or anything else.
import type { StorageFailure } from '../../app/ports.js';
import { IntegrityError } from './ledger-writer.js';

function sqliteCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** SQLITE_BUSY / SQLITE_LOCKED, and SQLITE_FULL / IOERR / READONLY / CANTOPEN (with their extended codes). */
export function classifyStorageError(e: unknown): StorageFailure {
  if (e instanceof IntegrityError) return 'integrity';
  const code = sqliteCode(e);
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return 'busy';
  if (/^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(code)) return 'unwritable';
  return 'other';
}
