// Storage failures as people are told them: SQLite's codes and PostgreSQL's SQLSTATEs, the bridge's
// PG_UNAVAILABLE (a lost connection) included.
import { describe, expect, it } from 'vitest';
import { failureAnswer } from '../../../src/app/answers.js';
import { PgError, PgUnavailableError } from '../../../src/storage/postgres/sync-pg.js';
import { classifyStorageError } from '../../../src/storage/sqlite/errors.js';

const sqlite = (code: string) => Object.assign(new Error(code), { code });
const pgErr = (code: string) => new PgError(`sqlstate ${code}`, code, false);

describe('classifyStorageError', () => {
  it('SQLite: busy, unwritable, other', () => {
    expect(classifyStorageError(sqlite('SQLITE_BUSY_SNAPSHOT'))).toBe('busy');
    expect(classifyStorageError(sqlite('SQLITE_FULL'))).toBe('unwritable');
    expect(classifyStorageError(sqlite('SQLITE_CONSTRAINT'))).toBe('other');
  });

  it('PostgreSQL: serialization, deadlock, lock and statement timeouts are busy', () => {
    for (const code of ['40001', '40P01', '55P03', '57014'])
      expect(classifyStorageError(pgErr(code)), code).toBe('busy');
  });

  it('PostgreSQL: a lost or refused connection is unavailable, with its own answer', () => {
    expect(classifyStorageError(new PgUnavailableError('connect ECONNREFUSED'))).toBe('unavailable');
    for (const code of ['08006', '08001', '57P01', '57P03', '25006'])
      expect(classifyStorageError(pgErr(code)), code).toBe('unavailable');
    expect(classifyStorageError(new PgError('the PostgreSQL bridge lost an answer', undefined, true))).toBe(
      'unavailable',
    );
    expect(failureAnswer('unavailable')).toMatch(/cannot be reached right now.*Nothing was changed.*shortly/);
  });

  it('PostgreSQL: disk full or an I/O error is unwritable; a constraint is other', () => {
    expect(classifyStorageError(pgErr('53100'))).toBe('unwritable');
    expect(classifyStorageError(pgErr('58030'))).toBe('unwritable');
    expect(classifyStorageError(pgErr('23505'))).toBe('other');
  });
});
