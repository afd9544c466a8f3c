// Reads a playbook file (outer layer: file system + YAML), validates it with the pure core schema and
// fingerprints it. The sha256 is over the file's exact bytes, so an incident can later show which
// procedure it ran under.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { Playbook, PlaybookRef } from '../domain/playbook.js';
import { checkPlaybook, formatIssue, type PlaybookIssue } from '../domain/playbook-schema.js';

export class PlaybookError extends Error {
  readonly errors: string[];
  readonly file: string;

  constructor(file: string, errors: string[]) {
    super(`invalid playbook ${file}:\n${errors.map((e) => `  ${e}`).join('\n')}`);
    this.name = 'PlaybookError';
    this.file = file;
    this.errors = errors;
  }
}

export interface LoadedPlaybook {
  playbook: Playbook;
  ref: PlaybookRef;
  /** The file's text, exactly as read. */
  text: string;
}

/** The package root: the nearest folder above `from` holding a package.json (works from src/ and dist/src/). */
export function findPackageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export const DEFAULT_PLAYBOOK_PATH: string = join(
  findPackageRoot(),
  'playbooks',
  'emergency-procedures.yaml',
);

export function loadPlaybook(path: string = DEFAULT_PLAYBOOK_PATH): LoadedPlaybook {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new PlaybookError(path, [`cannot read file: ${(err as Error).message}`]);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8');

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new PlaybookError(
      path,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return `line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}`;
      }),
    );
  }

  const result = checkPlaybook(doc.toJS());
  if (!result.ok) {
    throw new PlaybookError(
      path,
      result.issues.map((issue) => withLine(issue, doc, lineCounter)),
    );
  }
  return { playbook: result.playbook, ref: { version: result.playbook.version, sha256 }, text };
}

/** `phases[2].next[0]: unknown phase "recovery" (line 214)`: the line of the deepest node that exists. */
function withLine(issue: PlaybookIssue, doc: ReturnType<typeof parseDocument>, lc: LineCounter): string {
  for (let n = issue.path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(issue.path.slice(0, n), true);
    if (isNode(node) && node.range) {
      return `${formatIssue(issue)} (line ${lc.linePos(node.range[0]).line})`;
    }
  }
  return formatIssue(issue);
}
