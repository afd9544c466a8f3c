// `incident-bot backup --out FILE [--pubkey KEY]` and `incident-bot restore --from FILE [--pubkey KEY]`.
// Backup runs beside the live bot; restore refuses while the bot has the database open. On PostgreSQL
// backup is pg_dump's custom format (storage/postgres/pg-backup.ts) and the way back is pg_restore.
import Database from 'better-sqlite3';
import { BackupError, type CopyFacts, copyDatabase, restoreDatabase } from '../storage/sqlite/backup.js';
import { type CliResult, ok, parse, result, str, UsageError } from './args.js';
import { auditVerify } from './audit-verify.js';
import { type CliDatabase, cliDatabase, withPostgres } from './cli-database.js';

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

const describe = (f: CopyFacts) =>
  `schema version ${f.schemaVersion}, ${f.incidents} incident(s), ${f.entries} log entries, ${f.bytes} bytes`;

export async function backupCommand(
  args: string[],
  help: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliResult> {
  const { values } = parse(
    args,
    { out: { type: 'string' }, db: { type: 'string' }, pubkey: { type: 'string', multiple: true } },
    0,
  );
  if (values.help) return ok(help);
  const out = str(values.out);
  if (!out) throw new UsageError('Say where to write the copy: --out FILE.');
  const target = cliDatabase(str(values.db), env);
  if (target.kind === 'postgres') return backupPostgres(target, out, list(values.pubkey).length > 0, env);
  const from = target.path;
  let db: Database.Database;
  try {
    // Read-write but never migrated or written: VACUUM INTO only reads the source.
    db = new Database(from, { fileMustExist: true, timeout: 5000 });
  } catch (e) {
    return result(1, `Cannot open the database ${from}: ${(e as Error).message}.`);
  }
  let facts: CopyFacts;
  try {
    facts = copyDatabase(db, out);
  } catch (e) {
    if (e instanceof BackupError) return result(1, e.message);
    const err = e as NodeJS.ErrnoException;
    return result(1, `The backup to ${out} failed: ${err.code ?? err.message}.`);
  } finally {
    db.close();
  }
  const lines = [`Backed up ${from} to ${out}: ${describe(facts)}; SQLite integrity check ok.`];
  const keys = list(values.pubkey);
  if (keys.length && facts.entries === 0)
    lines.push('The copy has no log entries yet: nothing for audit verify to check.');
  else if (keys.length) {
    const v = auditVerify({ dbPath: out, pubkeys: keys, checkpoints: [] });
    if (v.code !== 0)
      return result(v.code, `${lines[0]}\nBut the copy's audit trail does not verify:\n${v.output}`);
    lines.push(`The copy's audit trail verifies: ${v.output.split('\n')[0]}`);
  }
  return ok(lines.join('\n'));
}

export function restoreCommand(
  args: string[],
  help: string,
  env: NodeJS.ProcessEnv = process.env,
): CliResult {
  const { values } = parse(
    args,
    { from: { type: 'string' }, db: { type: 'string' }, pubkey: { type: 'string', multiple: true } },
    0,
  );
  if (values.help) return ok(help);
  const from = str(values.from);
  if (!from) throw new UsageError('Say which copy to restore: --from FILE.');
  const target = cliDatabase(str(values.db), env);
  if (target.kind === 'postgres')
    return result(
      2,
      `On PostgreSQL a backup is put back with pg_restore, not with this command: stop every replica, then \`pg_restore --clean --if-exists --no-owner --dbname=<DATABASE_URL> ${from}\` (or into a new, empty database and point DATABASE_URL at it). See docs/operations.md, "Backups on PostgreSQL".`,
    );
  const to = target.path;
  const keys = list(values.pubkey);
  if (keys.length) {
    const v = auditVerify({ dbPath: from, pubkeys: keys, checkpoints: [] });
    if (v.code !== 0)
      return result(v.code, `Not restored: the audit trail of ${from} does not verify:\n${v.output}`);
  }
  try {
    const r = restoreDatabase(from, to, new Date());
    return ok(
      [
        `Restored ${from} to ${to}: ${describe(r)}.`,
        r.keptAs ? `The database it replaced is kept as ${r.keptAs}.` : 'There was no database there before.',
        'Start the bot; it migrates the copy if it is older than this build (after taking its own copy).',
      ].join('\n'),
    );
  } catch (e) {
    if (e instanceof BackupError) return result(1, `Not restored: ${e.message}`);
    const err = e as NodeJS.ErrnoException;
    return result(1, `Not restored: ${err.code ?? err.message}.`);
  }
}

async function backupPostgres(
  target: Extract<CliDatabase, { kind: 'postgres' }>,
  out: string,
  pubkey: boolean,
  env: NodeJS.ProcessEnv,
): Promise<CliResult> {
  if (pubkey)
    throw new UsageError(
      '--pubkey checks a SQLite copy; a pg_dump file is checked by restoring it into a scratch database and running "audit verify --db <its URL>".',
    );
  const { dumpPostgres, PgBackupError } = await import('../storage/postgres/pg-backup.js');
  return withPostgres(
    target,
    env,
    async (db) => {
      try {
        const f = await dumpPostgres(db, target.url, out, env);
        return ok(
          [
            `Backed up ${target.label} to ${out}: ${describe(f)}; pg_dump custom format, ${f.objects} objects listed by pg_restore.`,
            `Put it back with pg_restore (see docs/operations.md): pg_restore --clean --if-exists --no-owner --dbname=<DATABASE_URL> ${out}`,
          ].join('\n'),
        );
      } catch (e) {
        if (e instanceof PgBackupError) return result(1, e.message);
        const err = e as NodeJS.ErrnoException;
        return result(1, `The backup to ${out} failed: ${err.code ?? err.message}.`);
      }
    },
    (message) => result(1, message),
  );
}
