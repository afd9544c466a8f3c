// What a person is told when a command failed with an exception (the transaction rolled back, nothing was
// stored): the SQLite error code tells a busy database (try again) from one that cannot be written at all
// (tell the operator) from anything else. Platform-neutral: the Slack and Teams adapters both answer with it.

export const SOMETHING_WENT_WRONG =
  'Sorry, something went wrong on my side and nothing was changed. Please try again in a moment.';

/** The answer when SQLite could not take the write lock in time (another writer held it too long). */
export const DATABASE_BUSY =
  'I could not save that: the incident database is busy. Nothing was changed; please try again in a moment.';

/** The answer when SQLite cannot write at all (disk full, I/O error, read-only file). */
export const DATABASE_UNWRITABLE =
  "I could not save that: the incident database cannot be written (disk full or I/O error). Nothing was changed. Tell the bot's operator, and keep notes elsewhere until it is fixed.";

function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** SQLITE_BUSY / SQLITE_LOCKED (and their extended codes) from better-sqlite3. */
export function isDatabaseBusy(e: unknown): boolean {
  return /^SQLITE_(BUSY|LOCKED)/.test(sqliteCode(e) ?? '');
}

/** SQLITE_FULL / SQLITE_IOERR / SQLITE_READONLY / SQLITE_CANTOPEN (and their extended codes). */
export function isDatabaseUnwritable(e: unknown): boolean {
  return /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(sqliteCode(e) ?? '');
}

/** The sentence for a command that failed with an exception (nothing was stored). */
export function failureAnswer(e: unknown): string {
  if (isDatabaseBusy(e)) return DATABASE_BUSY;
  if (isDatabaseUnwritable(e)) return DATABASE_UNWRITABLE;
  return SOMETHING_WENT_WRONG;
}
