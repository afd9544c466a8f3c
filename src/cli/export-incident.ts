// `incident-bot export <INC-KEY> --format md|json|csv [--out FILE]`: the incident record, read-only.
//  md   the review document, with the phase timeline SVG written next to it (FILE defaults to KEY.md)
//  json the decision log as JSON Lines (verifiable with `audit verify --file`)
//  csv  the timeline
// Without --out, json and csv are printed (output); md always writes files. A file is never written over
// unless --force, and never the database, its -wal/-shm files or anything in its directory. On PostgreSQL
// the command line opens the database and passes it in (`db`); there is no file of its to protect.
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Playbook } from '../domain/playbook.js';
import { renderCsvFile, renderExportFiles, renderJsonlFile } from '../export/export-files.js';
import { RecordError } from '../export/incident-record.js';
import { type Db, openDatabase } from '../storage/sqlite/open-database.js';
import { loadIncidentRecord } from '../storage/sqlite/record-reader.js';

export type ExportFormat = 'md' | 'json' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['md', 'json', 'csv'];

export interface ExportIncidentInput {
  /** The SQLite file; with `db`, only what names the database in messages. */
  dbPath: string;
  /** A database already open (PostgreSQL): read, not closed. */
  db?: Db;
  key: string;
  format: ExportFormat;
  out?: string;
  /** Printed in the Markdown when given (omit for reproducible output). */
  generatedAt?: string;
  /** Used only when the playbook version the incident ran under is missing from the database. */
  fallbackPlaybook?: () => Playbook;
  /** Where relative paths are resolved (default: process.cwd()). */
  cwd?: string;
  /** Replace files that exist (never the database or its directory). */
  force?: boolean;
}

class RefusedPath extends Error {}

/** The path with its existing part resolved through links (what would really be written). */
function realTarget(abs: string): string {
  let dir = path.dirname(abs);
  const rest = [path.basename(abs)];
  while (!existsSync(dir) && path.dirname(dir) !== dir) {
    rest.unshift(path.basename(dir));
    dir = path.dirname(dir);
  }
  return path.join(realpathSync(dir), ...rest);
}

/** Refuses to write over the live database, its journal files, its directory, or (without force) any file. */
function checkTarget(abs: string, dbPath: string | null, force: boolean): void {
  const target = realTarget(abs);
  if (dbPath === null) {
    if (!force && existsSync(target))
      throw new RefusedPath(`Refused: ${abs} exists; pass --force to replace it.`);
    return;
  }
  const db = realpathSync(dbPath);
  const dataDir = path.dirname(db);
  if ([db, `${db}-wal`, `${db}-shm`, `${db}-journal`].includes(target))
    throw new RefusedPath(
      `Refused: ${abs} is the live database (or its journal); an export never writes there.`,
    );
  if (target === dataDir || target.startsWith(`${dataDir}${path.sep}`))
    throw new RefusedPath(
      `Refused: ${abs} is inside the data directory ${dataDir}, which holds the database; write the export somewhere else.`,
    );
  if (!force && existsSync(target))
    throw new RefusedPath(`Refused: ${abs} exists; pass --force to replace it.`);
}

export interface ExportIncidentResult {
  code: number;
  output: string;
  /** Files written (absolute paths). */
  files: string[];
}

export function exportIncident(input: ExportIncidentInput): ExportIncidentResult {
  const key = input.key.trim().toUpperCase();
  if (!EXPORT_FORMATS.includes(input.format)) {
    return { code: 2, output: `Unknown format "${input.format}": use md, json or csv.`, files: [] };
  }
  if (!input.db && !existsSync(input.dbPath))
    return { code: 2, output: `There is no database at ${input.dbPath}.`, files: [] };
  let db: Db;
  try {
    db = input.db ?? openDatabase(input.dbPath, { readonly: true });
  } catch (e) {
    return {
      code: 2,
      output: `Cannot open the database ${input.dbPath}: ${(e as Error).message}.`,
      files: [],
    };
  }
  try {
    const record = loadIncidentRecord(db, key, input.fallbackPlaybook);
    if (!record) return { code: 1, output: `There is no incident ${key} in ${input.dbPath}.`, files: [] };
    const cwd = input.cwd ?? process.cwd();
    const check = (file: string) =>
      checkTarget(path.resolve(cwd, file), input.db ? null : input.dbPath, input.force === true);
    const write = (file: string, content: string): string => {
      const abs = path.resolve(cwd, file);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
      return abs;
    };

    if (input.format === 'md') {
      const mdPath = path.resolve(cwd, input.out ?? `${key}.md`);
      const base = path.basename(mdPath).replace(/\.(md|markdown)$/i, '');
      const files = renderExportFiles(record, {
        baseName: base,
        ...(input.generatedAt ? { generatedAt: input.generatedAt } : {}),
      });
      const svgPath = path.join(path.dirname(mdPath), files.svg.name);
      check(mdPath);
      check(svgPath);
      const written = [write(mdPath, files.markdown.content), write(svgPath, files.svg.content)];
      return { code: 0, output: `Wrote ${written.join(' and ')}.`, files: written };
    }

    const file = input.format === 'json' ? renderJsonlFile(record) : renderCsvFile(record);
    if (!input.out) return { code: 0, output: file.content, files: [] };
    check(input.out);
    const written = write(input.out, file.content);
    return {
      code: 0,
      output: `Wrote ${written} (${record.entries.length} decision-log entries).`,
      files: [written],
    };
  } catch (e) {
    if (e instanceof RecordError || e instanceof RefusedPath)
      return { code: 1, output: e.message, files: [] };
    const err = e as NodeJS.ErrnoException;
    if (err.code && err.path) return { code: 1, output: `Cannot write ${err.path}: ${err.code}.`, files: [] };
    throw e;
  } finally {
    if (!input.db) db.close();
  }
}
