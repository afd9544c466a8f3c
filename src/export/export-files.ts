// What the Slack `/incident export` listener (and the CLI) need: the review document and its phase
// timeline, rendered as strings with their file names, for one incident key.

import type { RecordLoader } from '../app/ports.js';
import type { Playbook } from '../domain/playbook.js';
import { renderCsv } from './export-csv.js';
import { renderJsonl } from './export-jsonl.js';
import { renderMarkdown } from './export-markdown.js';
import { renderPhaseSvg } from './export-svg.js';
import type { IncidentRecord } from './incident-record.js';

export interface ExportFile {
  name: string;
  /** MIME type, for an upload. */
  type: string;
  content: string;
}

export interface ExportFiles {
  markdown: ExportFile;
  svg: ExportFile;
  /** The timeline as CSV and the chain as JSON Lines (with `withData`). */
  csv?: ExportFile;
  jsonl?: ExportFile;
}

export interface ExportFilesOptions {
  /** Base of the file names (default: the incident key): `{base}.md` and `{base}-timeline.svg`. */
  baseName?: string;
  /** Printed in the document when given (keep it out for reproducible output). */
  generatedAt?: string;
  /** Right edge of the SVG axis for an incident still open (e.g. now). */
  end?: string;
  /** Also the CSV timeline and the JSON Lines chain (the local console offers all four). */
  withData?: boolean;
}

export function renderExportFiles(record: IncidentRecord, opts: ExportFilesOptions = {}): ExportFiles {
  const base = opts.baseName ?? record.incident.key;
  const svgName = `${base}-timeline.svg`;
  return {
    markdown: {
      name: `${base}.md`,
      type: 'text/markdown',
      content: renderMarkdown(record, {
        svgFile: svgName,
        ...(opts.generatedAt ? { generatedAt: opts.generatedAt } : {}),
      }),
    },
    svg: {
      name: svgName,
      type: 'image/svg+xml',
      content: renderPhaseSvg(record.incident, record.playbook, opts.end ? { end: opts.end } : {}),
    },
    ...(opts.withData ? { csv: renderCsvFile(record), jsonl: renderJsonlFile(record) } : {}),
  };
}

/** Loads the incident's record and renders its Markdown + SVG; null when there is no such incident. */
export function exportFilesFor(
  load: RecordLoader,
  key: string,
  opts: ExportFilesOptions & { fallbackPlaybook?: () => Playbook } = {},
): ExportFiles | null {
  const record = load(key, opts.fallbackPlaybook);
  return record ? renderExportFiles(record, opts) : null;
}

export function renderJsonlFile(record: IncidentRecord): ExportFile {
  return {
    name: `${record.incident.key}.jsonl`,
    type: 'application/x-ndjson',
    content: renderJsonl(record.entries, record.proof),
  };
}

export function renderCsvFile(record: IncidentRecord): ExportFile {
  return {
    name: `${record.incident.key}-timeline.csv`,
    type: 'text/csv',
    content: renderCsv(record.entries, record.playbook),
  };
}
