#!/usr/bin/env node
// `incident-bot`: the command line for operators. Every command returns { code, output }; errors are
// sentences on stderr with a non-zero exit code, never stack traces (set INCIDENT_BOT_DEBUG=1 for one).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CliResult, ok, parse, result, str, UsageError } from './args.js';
import { type CliDatabase, cliDatabase, DEFAULT_DB_PATH, withPostgres } from './cli-database.js';

export type { CliResult } from './args.js';

const HELP = `incident-bot: the incident-response bot's command line.

Usage:
  incident-bot migrate [--db PATH]
      Create the database or bring its schema up to date (a database with data is first copied to
      <db>.pre-v<N>-<time>: migrations are forward-only and that copy is the way back; on PostgreSQL
      take a backup first). Replicas starting together migrate once (a lock).
  incident-bot audit verify --pubkey KEY.pub.pem [--db PATH [--checkpoint DIGEST]... | --file FILE]
      Verify the audit trail against the bot's public key: in the database both hash chains, every
      signed checkpoint, nothing unsigned after the last one, and every incident's state against its
      log (--checkpoint: also against digests kept elsewhere, e.g. the audit channel); or one JSON
      Lines export offline. Exit 0 when everything holds, 1 naming the first problem, 2 when there is
      nothing to check or the key is not the one that signed.
  incident-bot audit keygen --out DIR
      Write a new Ed25519 key pair: DIR/audit-signing-key.pem (for AUDIT_SIGNING_KEY_FILE) and
      DIR/audit-signing-key.pub.pem (for auditors). Never overwrites.
  incident-bot export <INC-KEY> [--format md|json|csv] [--out FILE [--force]] [--db PATH]
      Export an incident, built from its verified log (a record that does not verify is not exported):
      md = the review document plus its phase timeline SVG (written next to it), json = the decision
      log as JSON Lines with its signed checkpoint, csv = the timeline. json and csv print to stdout
      unless --out is given. The default format is md. An existing file is replaced only with --force;
      the database, its -wal/-shm files and its directory are never written.
  incident-bot backup --out FILE [--pubkey KEY.pub.pem] [--db PATH]
      Copy the database while the bot runs (one consistent snapshot, SQLite's integrity check on the
      copy, one self-contained file). Never overwrites. With --pubkey the copy's audit trail is verified.
      On PostgreSQL: pg_dump's custom format (pg_dump from PG_DUMP_PATH or PATH), put back with
      pg_restore.
  incident-bot restore --from FILE [--pubkey KEY.pub.pem] [--db PATH]
      Put a backup in place of the database: the bot must be stopped; the copy is checked (integrity,
      schema this build knows, and with --pubkey its audit trail) and the database it replaces is kept
      beside it as <db>.before-restore-<time>. SQLite only (PostgreSQL: pg_restore).
  incident-bot playbook check [FILE]
      Validate a playbook file (default: the bundled playbooks/emergency-procedures.yaml).
  incident-bot reminders run [--at ISO] [--dry-run] [--db PATH]
      Run one reminder pass: queue the nudges owed at that time (or only list them with --dry-run).
  incident-bot drill FILE [--out DIR] [--db PATH]
      Play a scripted drill (playbooks/drills/*.yaml) through the bot in local mode on a fresh local
      database (default data/drills/<name>-<time>.db) and write the incident's review export (Markdown,
      SVG, CSV, JSON Lines) to DIR (default data/drills/<name>-<time>/). Exit 0 when every step was
      accepted, 1 naming the step that was refused, 2 for a script that is not valid. Not in production.
  incident-bot --help

The database is --db (a file, or a postgres:// URL), else DATABASE_URL (PostgreSQL), else
DATABASE_PATH (a SQLite file), else ${DEFAULT_DB_PATH}.
All times are UTC.
`;

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined) return { code: 2, stdout: '', stderr: HELP };
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') return ok(HELP);

    switch (cmd) {
      case 'migrate': {
        const { values } = parse(rest, { db: { type: 'string' } }, 0);
        if (values.help) return ok(HELP);
        return await migrateCommand(cliDatabase(str(values.db), env), env);
      }
      case 'audit': {
        const { auditCommand } = await import('./audit-command.js');
        return await auditCommand(rest, env, HELP);
      }
      case 'export': {
        const { values, positionals } = parse(
          rest,
          {
            format: { type: 'string', short: 'f' },
            out: { type: 'string', short: 'o' },
            force: { type: 'boolean' },
            db: { type: 'string' },
          },
          1,
        );
        if (values.help) return ok(HELP);
        const key = positionals[0];
        if (!key)
          throw new UsageError('Say which incident to export, e.g. "export INC-2026-0001 --format md".');
        const format = str(values.format) ?? 'md';
        if (format !== 'md' && format !== 'json' && format !== 'csv') {
          throw new UsageError(`Unknown format "${format}": use md, json or csv.`);
        }
        const { exportIncident } = await import('./export-incident.js');
        const out = str(values.out);
        const target = cliDatabase(str(values.db), env);
        const input = { key, format, ...(out ? { out } : {}), force: values.force === true } as const;
        const r =
          target.kind === 'postgres'
            ? await withPostgres(
                target,
                env,
                (db) => exportIncident({ ...input, dbPath: target.label, db }),
                (message) => ({ code: 2, output: message, files: [] }),
              )
            : exportIncident({ ...input, dbPath: target.path });
        if (r.code === 0 && !out && format !== 'md') return { code: 0, stdout: r.output, stderr: '' };
        return result(r.code, r.output);
      }
      case 'backup':
      case 'restore': {
        const { backupCommand, restoreCommand } = await import('./backup-command.js');
        return await (cmd === 'backup' ? backupCommand : restoreCommand)(rest, HELP, env);
      }
      case 'playbook': {
        const [sub, ...args] = rest;
        if (sub === '--help' || sub === '-h') return ok(HELP);
        if (sub !== 'check')
          throw new UsageError(
            sub
              ? `Unknown playbook command "${sub}": use "playbook check".`
              : 'Say what to do: "playbook check [FILE]".',
          );
        const { values, positionals } = parse(args, {}, 1);
        if (values.help) return ok(HELP);
        const { playbookCheck } = await import('./playbook-check.js');
        const env = (n: string) => process.env[n];
        const r = positionals[0] ? playbookCheck(positionals[0], env) : playbookCheck(undefined, env);
        return result(r.code, r.output);
      }
      case 'reminders': {
        const [sub, ...args] = rest;
        if (sub === '--help' || sub === '-h') return ok(HELP);
        if (sub !== 'run')
          throw new UsageError(
            sub
              ? `Unknown reminders command "${sub}": use "reminders run".`
              : 'Say what to do: "reminders run".',
          );
        const { values } = parse(
          args,
          { at: { type: 'string' }, 'dry-run': { type: 'boolean' }, db: { type: 'string' } },
          0,
        );
        if (values.help) return ok(HELP);
        const at = str(values.at);
        if (at !== undefined && Number.isNaN(Date.parse(at)))
          throw new UsageError(`--at: "${at}" is not an ISO time.`);
        let mod: typeof import('./reminders-run.js');
        try {
          mod = await import('./reminders-run.js');
        } catch (e) {
          return result(
            1,
            `The reminders command is not available in this build: ${(e as Error).message.split('\n')[0]}`,
          );
        }
        // the roles nudge offers Page buttons when the bot pages (config-paging.ts), as the bot's own pass
        const { pagingConfigured } = await import('../config-paging.js');
        const target = cliDatabase(str(values.db), env);
        const options = {
          ...(at ? { at } : {}),
          dryRun: values['dry-run'] === true,
          keyFile: env.AUDIT_SIGNING_KEY_FILE || undefined,
          production: env.NODE_ENV === 'production',
          paging: pagingConfigured(env),
        };
        const r =
          target.kind === 'postgres'
            ? await withPostgres(
                target,
                env,
                // The development key (no AUDIT_SIGNING_KEY_FILE) is the bot's: beside DATABASE_PATH.
                (db) => mod.remindersRun({ ...options, dbPath: env.DATABASE_PATH || DEFAULT_DB_PATH, db }),
                (message) => ({ code: 1, output: message }),
              )
            : mod.remindersRun({ ...options, dbPath: target.path });
        return result(r.code, r.output);
      }
      case 'drill': {
        const { drillCommand } = await import('./drill-command.js');
        return await drillCommand(rest, env, HELP);
      }
      default:
        throw new UsageError(`Unknown command "${cmd}".`);
    }
  } catch (e) {
    if (e instanceof UsageError)
      return { code: 2, stdout: '', stderr: `${e.message} Run "incident-bot --help" for usage.\n` };
    const msg = e instanceof Error ? e.message : String(e);
    const debug = env.INCIDENT_BOT_DEBUG && e instanceof Error ? `\n${e.stack}` : '';
    return { code: 1, stdout: '', stderr: `incident-bot ${cmd} failed: ${msg}${debug}\n` };
  }
}

async function migrateCommand(target: CliDatabase, env: NodeJS.ProcessEnv): Promise<CliResult> {
  const { openDatabase } = await import('../storage/sqlite/open-database.js');
  const { schemaVersion, MigrationError } = await import('../storage/sqlite/migrate.js');
  const { AuditKeyError, chooseSigner } = await import('../ops/audit-key.js');
  let signer: import('../domain/audit/checkpoint.js').CheckpointSigner;
  try {
    signer = chooseSigner({
      keyFile: env.AUDIT_SIGNING_KEY_FILE || undefined,
      // PostgreSQL: the development key is the bot's, beside DATABASE_PATH.
      dbPath: target.kind === 'sqlite' ? target.path : env.DATABASE_PATH || DEFAULT_DB_PATH,
      production: env.NODE_ENV === 'production',
    }).signer;
  } catch (e) {
    if (e instanceof AuditKeyError) return result(1, e.message);
    throw e;
  }
  if (target.kind === 'postgres') {
    const { migratePostgres } = await import('../storage/postgres/migrate.js');
    return withPostgres(
      target,
      env,
      (db) => {
        try {
          const applied = migratePostgres(db, undefined, { signer });
          const version = schemaVersion(db);
          return ok(
            applied.length
              ? `Migrated ${target.label} to schema version ${version} (applied ${applied.join(', ')}).`
              : `${target.label} is already at schema version ${version}; nothing to do.`,
          );
        } catch (e) {
          if (e instanceof MigrationError) return result(1, e.message);
          throw e;
        }
      },
      (message) => result(1, message),
    );
  }
  const dbPath = target.path;
  let db: import('../storage/sqlite/open-database.js').SqliteDb;
  try {
    db = openDatabase(dbPath, { migrate: false });
  } catch (e) {
    return result(1, `Cannot open the database ${dbPath}: ${(e as Error).message}.`);
  }
  const { BackupError, migrateWithBackup } = await import('../storage/sqlite/backup.js');
  try {
    const { applied, copy } = migrateWithBackup(db, dbPath, { signer }, new Date());
    const version = schemaVersion(db);
    return ok(
      applied.length
        ? `Migrated ${dbPath} to schema version ${version} (applied ${applied.join(', ')}).${copy ? `\nThe database as it was is in ${copy}.` : ''}`
        : `${dbPath} is already at schema version ${version}; nothing to do.`,
    );
  } catch (e) {
    if (e instanceof MigrationError || e instanceof BackupError) return result(1, e.message);
    throw e;
  } finally {
    db.close();
  }
}

function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // The same settings as the bot: .env in the working directory (real environment variables win).
  const { loadDotEnv } = await import('../config.js');
  loadDotEnv();
  // Until the command has answered: a process that ends without an answer (its event loop emptied by a
  // bug) must never exit 0, which a cron job would read as success ("audit verified").
  process.exitCode = 1;
  runCli(process.argv.slice(2)).then(
    (r) => {
      if (r.stdout) process.stdout.write(r.stdout);
      if (r.stderr) process.stderr.write(r.stderr);
      process.exitCode = r.code;
    },
    (e: unknown) => {
      process.stderr.write(`incident-bot failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
