// Reads drill scripts (outer layer: file system + YAML) and checks them with the pure core's checkDrill.
// A folder of drills is listed with each broken file's problems, so the console can show what to fix
// instead of refusing to list any.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { checkDrill, type Drill } from '../domain/drill.js';
import { findPackageRoot } from './playbook-file.js';

export class DrillError extends Error {
  readonly errors: string[];
  readonly file: string;

  constructor(file: string, errors: string[]) {
    super(`invalid drill ${file}:\n${errors.map((e) => `  ${e}`).join('\n')}`);
    this.name = 'DrillError';
    this.file = file;
    this.errors = errors;
  }
}

/** The drills shipped with the bot. */
export const DEFAULT_DRILLS_DIR: string = join(findPackageRoot(), 'playbooks', 'drills');

/** Reads and checks one drill file; `people` are the ids of who may act. Throws a DrillError. */
export function loadDrill(file: string, people: readonly string[]): Drill {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DrillError(file, [`cannot read file: ${(err as Error).message}`]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new DrillError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return `line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const checked = checkDrill(doc.toJS(), people);
  if (!checked.ok) throw new DrillError(file, checked.errors);
  return checked.drill;
}

export interface DrillListing {
  /** The file name without `.yaml`. */
  name: string;
  file: string;
  /** The drill's title (its name when the file is broken). */
  title: string;
  description: string;
  /** What is wrong with the file, when it cannot be played. */
  error?: string;
}

/** The `*.yaml` drills of a folder, by name; none when the folder does not exist. */
export function listDrills(dir: string, people: readonly string[]): DrillListing[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const name = basename(f, '.yaml');
      try {
        const drill = loadDrill(file, people);
        return { name, file, title: drill.title, description: drill.description };
      } catch (e) {
        const error = e instanceof DrillError ? e.errors.join('\n') : String(e);
        return { name, file, title: name, description: '', error };
      }
    });
}
