#!/usr/bin/env node
// `incident-bot`: the command line for operators. Every command returns { code, output }; errors are
// sentences on stderr with a non-zero exit code, never stack traces (set INCIDENT_BOT_DEBUG=1 for one).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const DEFAULT_DB_PATH = './data/incident-bot.db';

const HELP = `incident-bot: the incident-response bot's command line.

Usage:
  incident-bot migrate [--db PATH]
      Create the database or bring its schema up to date.
  incident-bot audit verify [--db PATH | --file FILE [--head HASH]]
      Verify the decision log's hash chains: every chain in the database (and that each ends at the
      head stored for its incident), or a JSON Lines export offline. Exit 0 when the chain holds,
      1 with the first bad entry when it does not.
  incident-bot export <INC-KEY> [--format md|json|csv] [--out FILE] [--db PATH]
      Export an incident: md = the review document plus its phase timeline SVG (written next to it),
      json = the decision log as JSON Lines, csv = the timeline. json and csv print to stdout
      unless --out is given. The default format is md.
  incident-bot playbook check [FILE]
      Validate a playbook file (default: the bundled playbooks/emergency-procedures.yaml).
  incident-bot reminders run [--at ISO] [--dry-run] [--db PATH]
      Run one reminder pass: queue the nudges owed at that time (or only list them with --dry-run).
  incident-bot --help

The database is --db, else the DATABASE_PATH environment variable, else ${DEFAULT_DB_PATH}.
All times are UTC.
`;

class UsageError extends Error {}

const ok = (output: string): CliResult => ({ code: 0, stdout: withNewline(output), stderr: '' });
const result = (code: number, output: string): CliResult =>
  code === 0 ? ok(output) : { code, stdout: '', stderr: withNewline(output) };
function withNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

function parse(args: string[], options: ParseArgsConfig['options'], maxPositionals: number) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    const msg = (e as Error).message.split('. ')[0]!.replace(/\.$/, '');
    throw new UsageError(`${msg}.`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`Unexpected argument "${parsed.positionals[maxPositionals]}".`);
  }
  return {
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  const dbDefault = env.DATABASE_PATH || DEFAULT_DB_PATH;
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined) return { code: 2, stdout: '', stderr: HELP };
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') return ok(HELP);

    switch (cmd) {
      case 'migrate': {
        const { values } = parse(rest, { db: { type: 'string' } }, 0);
        if (values.help) return ok(HELP);
        return await migrateCommand(str(values.db) ?? dbDefault);
      }
      case 'audit': {
        const [sub, ...args] = rest;
        if (sub === '--help' || sub === '-h') return ok(HELP);
        if (sub !== 'verify')
          throw new UsageError(
            sub ? `Unknown audit command "${sub}": use "audit verify".` : 'Say what to do: "audit verify".',
          );
        const { values } = parse(
          args,
          { db: { type: 'string' }, file: { type: 'string' }, head: { type: 'string' } },
          0,
        );
        if (values.help) return ok(HELP);
        const file = str(values.file);
        const db = str(values.db);
        if (file && db) throw new UsageError('Give either --db or --file, not both.');
        if (values.head !== undefined && !file) throw new UsageError('--head only applies with --file.');
        const { auditVerify } = await import('./audit-verify.js');
        const head = str(values.head);
        const r = file
          ? auditVerify(head ? { file, expectHead: head } : { file })
          : auditVerify({ dbPath: db ?? dbDefault });
        return result(r.code, r.output);
      }
      case 'export': {
        const { values, positionals } = parse(
          rest,
          {
            format: { type: 'string', short: 'f' },
            out: { type: 'string', short: 'o' },
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
        const r = exportIncident({
          dbPath: str(values.db) ?? dbDefault,
          key,
          format,
          ...(out ? { out } : {}),
        });
        if (r.code === 0 && !out && format !== 'md') return { code: 0, stdout: r.output, stderr: '' };
        return result(r.code, r.output);
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
        const r = positionals[0] ? playbookCheck(positionals[0]) : playbookCheck();
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
        const r = mod.remindersRun({
          dbPath: str(values.db) ?? dbDefault,
          ...(at ? { at } : {}),
          dryRun: values['dry-run'] === true,
        });
        return result(r.code, r.output);
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

async function migrateCommand(dbPath: string): Promise<CliResult> {
  const { openDatabase } = await import('../storage/sqlite/open-database.js');
  const { migrate, schemaVersion, MigrationError } = await import('../storage/sqlite/migrate.js');
  let db: import('../storage/sqlite/open-database.js').Db;
  try {
    db = openDatabase(dbPath, { migrate: false });
  } catch (e) {
    return result(1, `Cannot open the database ${dbPath}: ${(e as Error).message}.`);
  }
  try {
    const applied = migrate(db);
    const version = schemaVersion(db);
    return ok(
      applied.length
        ? `Migrated ${dbPath} to schema version ${version} (applied ${applied.join(', ')}).`
        : `${dbPath} is already at schema version ${version}; nothing to do.`,
    );
  } catch (e) {
    if (e instanceof MigrationError) return result(1, e.message);
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
