import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-verify.js';
import { exportIncident } from '../../src/cli/export-incident.js';
import { parseCsv } from '../../src/export/export-csv.js';
import { exportFilesFor, renderExportFiles } from '../../src/export/export-files.js';
import { renderPhaseSvg } from '../../src/export/export-svg.js';
import { openDatabase } from '../../src/storage/sqlite/open-database.js';
import { loadIncidentRecord } from '../../src/storage/sqlite/record-reader.js';
import { TEST_PUBKEY_FILE } from '../helpers/audit-key.js';
import { type ScriptedIncident, scriptIncident } from './incident-fixture.js';
import { hasClass, walkXml } from './xml-check.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXPECTED_MD = path.join(here, 'expected', 'incident.md');

let s: ScriptedIncident;
let out: string;

beforeAll(() => {
  s = scriptIncident();
  out = mkdtempSync(path.join(tmpdir(), 'incident-bot-export-out-'));
});
afterAll(() => {
  rmSync(s.dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

/** Table padding is not significant (Biome's formatter pads Markdown tables in checked-in files). */
function tablesNormalized(md: string): string {
  return md
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split(/(?<!\\)\|/)
            .map((c) => c.trim().replace(/^-{3,}$/, '---'))
            .join('|')
        : line,
    )
    .join('\n');
}

function logRows(file: string): { id: number; seq: number; hash: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare('SELECT id, seq, hash FROM decision_log WHERE incident_key = ? ORDER BY seq')
      .all(s.key) as {
      id: number;
      seq: number;
      hash: string;
    }[];
  } finally {
    db.close();
  }
}

describe('Markdown review document', () => {
  it('matches the checked-in expected file (set UPDATE_EXPECTED=1 to regenerate it)', () => {
    const r = exportIncident({
      dbPath: s.file,
      key: s.key,
      format: 'md',
      out: path.join(out, 'md', `${s.key}.md`),
    });
    expect(r.code).toBe(0);
    expect(r.files.map((f) => path.basename(f))).toEqual([`${s.key}.md`, `${s.key}-timeline.svg`]);
    const md = readFileSync(r.files[0]!, 'utf8');
    if (process.env.UPDATE_EXPECTED === '1') {
      mkdirSync(path.dirname(EXPECTED_MD), { recursive: true });
      writeFileSync(EXPECTED_MD, md);
    }
    expect(tablesNormalized(md)).toBe(tablesNormalized(readFileSync(EXPECTED_MD, 'utf8')));
  });

  it('is deterministic and carries the header, the UTC note and the audit head', () => {
    const a = filesFor();
    const b = filesFor();
    expect(a.markdown.content).toBe(b.markdown.content);
    expect(a.svg.content).toBe(b.svg.content);
    const md = a.markdown.content;
    expect(md).not.toMatch(/Exported at/);
    const rows = logRows(s.file);
    expect(md).toContain(`- Entries: ${rows.length}`);
    expect(md).toContain(`Head (hash of entry ${rows.length}): \`${rows.at(-1)!.hash}\``);
    expect(md).toContain('| Trigger class | Severe service outage |');
    expect(md).toContain('| Severity | Severe customer impact');
    expect(md).toContain('All times in this document are UTC.');
    expect(md).toContain(`![Phase timeline (UTC)](${s.key}-timeline.svg)`);
    // User text is escaped: a pipe cannot break a table, HTML is not rendered.
    expect(md).toContain('Kafka ingest down \\| prices stale');
    expect(md).toContain('\\<b\\>peaked\\</b\\>');
    const sections = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual([
      'Impact',
      'Roles and hand-offs',
      'Workstream leads',
      'Phase timeline',
      'Golden hour checklist',
      'Status updates as sent',
      'Decisions',
      'Timeline',
      'Evidence',
      'Five whys',
      'Follow-up actions',
      'Audit chain',
    ]);
    // Every log entry is in the timeline.
    const timeline = md.split('## Timeline')[1]!.split('## Evidence')[0]!;
    const seqs = [...timeline.matchAll(/^\| (\d+) \| /gm)].map((m) => Number(m[1])).sort((x, y) => x - y);
    expect(seqs).toEqual(rows.map((r) => r.seq));
  });

  it('says DRILL and prints "Exported at" only when asked', () => {
    const db = openDb();
    const record = loadIncidentRecord(db, s.key)!;
    db.close();
    const drill = renderExportFiles(
      { ...record, incident: { ...record.incident, drill: true } },
      { generatedAt: '2026-12-02T08:00:00.000Z' },
    );
    expect(drill.markdown.content).toMatch(/^# \[DRILL\] INC-2026-0001/);
    expect(drill.markdown.content).toContain('**DRILL**');
    expect(drill.markdown.content).toContain('Exported at 2026-12-02 08:00:00 from the decision log.');
    expect(drill.svg.content).toContain('DRILL INC-2026-0001');
  });

  it('review section: corrective actions and verification plans; older reviews without them say so', () => {
    const db = openDb();
    const record = loadIncidentRecord(db, s.key)!;
    db.close();
    const review = (md: string) => md.split('## Five whys')[1]!.split('## Follow-up actions')[0]!;
    const now = review(renderExportFiles(record).markdown.content);
    expect(now).toContain('**Corrective actions**\n\n> Alert on broker disk usage above 80% (FU-1)');
    expect(now).toContain('**Verification plans**\n\n> Fill a staging broker disk to 85%');
    expect(now).not.toContain('no follow-up tasks needed');
    const { correctiveActions: _c, verificationPlan: _v, ...older } = record.incident.review!;
    const old = review(
      renderExportFiles({ ...record, incident: { ...record.incident, review: older } }).markdown.content,
    );
    expect(old).toContain('**Corrective actions**\n\n_No corrective actions recorded._');
    expect(old).toContain('**Verification plans**\n\n_No verification plans recorded._');
    const none = review(
      renderExportFiles({
        ...record,
        incident: {
          ...record.incident,
          followups: [],
          review: { ...record.incident.review!, noFollowups: true },
        },
      }).markdown.content,
    );
    expect(none).toContain('_The review found no follow-up tasks needed._');
  });

  it('a stood-down incident owes no review, and the document says so (not "not yet recorded")', () => {
    const db = openDb();
    const record = loadIncidentRecord(db, s.key)!;
    db.close();
    const md = renderExportFiles({
      ...record,
      incident: {
        ...record.incident,
        phase: 'done',
        review: null,
        reviewedAt: null,
        reviewDueOn: null,
        reviewFacilitator: null,
        standDown: { at: record.incident.closedAt!, by: 'U_IC', reason: 'feed maintenance' },
      },
    }).markdown.content;
    expect(md).toMatch(/\| Review +\| Not required \(stood down as a false alarm\)/);
    expect(md).toMatch(/\| Resolved +\| .*stood down as a false alarm: feed maintenance/);
    expect(md).toContain(
      '_No post-incident review is required: the incident was stood down as a false alarm._',
    );
    expect(md).not.toContain('has not been recorded yet');
  });
});

function openDb() {
  return openDatabase(s.file, { readonly: true });
}

function filesFor() {
  const db = openDb();
  try {
    return exportFilesFor((key, f) => loadIncidentRecord(db, key, f), s.key)!;
  } finally {
    db.close();
  }
}

describe('SVG phase timeline', () => {
  it('is well-formed, with one bar per phase span and markers for updates and role changes', () => {
    const svg = filesFor().svg.content;
    const els = walkXml(svg);
    expect(els[0]!.name).toBe('svg');
    const bars = els.filter((e) => e.name === 'rect' && hasClass(e, 'phase'));
    expect(bars.length).toBe(s.incident.phases.length);
    expect(bars.map((b) => b.attrs['data-phase'])).toEqual(s.incident.phases.map((p) => p.phase));
    for (const b of bars) expect(Number(b.attrs.width)).toBeGreaterThan(0);
    expect(els.filter((e) => hasClass(e, 'update')).length).toBe(s.incident.communications.length);
    expect(els.filter((e) => hasClass(e, 'role')).length).toBe(s.incident.roleHistory.length);
    const texts = els.filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toContain('Time (UTC)');
    expect(texts).toContain('11-26 10:00');
    expect(texts).toContain('Detection & verification');
  });

  it('escapes hostile text', () => {
    const db = openDb();
    const record = loadIncidentRecord(db, s.key)!;
    db.close();
    const evil = { ...record.incident, title: `<script>alert("x")</script> & 'co' ]]>`, key: 'INC-<1>' };
    const els = walkXml(renderPhaseSvg(evil, record.playbook));
    expect(els.some((e) => e.name === 'script')).toBe(false);
    expect(els.find((e) => e.name === 'title')!.text).toContain(`<script>alert("x")</script> & 'co' ]]>`);
  });

  it('draws an open incident up to the given end', () => {
    const db = openDb();
    const record = loadIncidentRecord(db, s.key)!;
    db.close();
    const open = {
      ...record.incident,
      closedAt: null,
      phases: [{ ...record.incident.phases[0]!, leftAt: null }],
    };
    const els = walkXml(renderPhaseSvg(open, record.playbook, { end: '2026-11-26T10:30:00.000Z' }));
    const bar = els.find((e) => hasClass(e, 'phase'))!;
    expect(Number(bar.attrs.width)).toBeGreaterThan(600);
  });
});

const verify = (file: string) => auditVerify({ file, pubkeys: [TEST_PUBKEY_FILE] });

describe('JSON Lines export and offline verification', () => {
  let jsonl: string;
  beforeAll(() => {
    jsonl = path.join(out, `${s.key}.jsonl`);
    const r = exportIncident({ dbPath: s.file, key: s.key, format: 'json', out: jsonl });
    expect(r.code).toBe(0);
  });

  it('has one entry per line with every hashed field, and verifies', () => {
    const lines = readFileSync(jsonl, 'utf8').trimEnd().split('\n');
    const rows = logRows(s.file);
    // one line per entry, then the proof line (checkpoint, place of the last entry, links after it)
    expect(lines.length).toBe(rows.length + 1);
    expect(Object.keys(JSON.parse(lines.at(-1)!))).toEqual(['checkpoint', 'last', 'links']);
    const first = JSON.parse(lines[0]!);
    expect(Object.keys(first)).toEqual([
      'incident_key',
      'seq',
      'at',
      'recorded_at',
      'actor',
      'kind',
      'payload',
      'source',
      'command_key',
      'state_hash',
      'prev_hash',
      'hash',
    ]);
    const r = verify(jsonl);
    expect(r.code).toBe(0);
    expect(r.output).toContain(`${rows.length} entries of ${s.key} verified; complete as of the checkpoint`);
    expect(r.output).toContain(`${s.key}: head ${rows.at(-1)!.hash}`);
    expect(
      auditVerify({ file: jsonl, pubkeys: [TEST_PUBKEY_FILE], expectHead: rows.at(-1)!.hash }).code,
    ).toBe(0);
  });

  const tampered = (name: string, edit: (text: string) => string): string => {
    const f = path.join(out, name);
    writeFileSync(f, edit(readFileSync(jsonl, 'utf8')));
    return f;
  };

  it('refuses a file with one byte changed, naming the line', () => {
    const f = tampered('one-byte.jsonl', (t) => {
      const at = t.indexOf('Fail over to the secondary');
      expect(at).toBeGreaterThan(0);
      return `${t.slice(0, at)}G${t.slice(at + 1)}`;
    });
    const line =
      readFileSync(jsonl, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('Fail over')) + 1;
    const r = verify(f);
    expect(r.code).toBe(1);
    expect(r.output).toContain(`line ${line} `);
    expect(r.output).toContain('does not match its hash');
  });

  it('refuses every single-byte change of a line (sampled)', () => {
    const text = readFileSync(jsonl, 'utf8');
    const lineStart = text.lastIndexOf('\n', text.indexOf('"seq":4,')) + 1;
    const lineEnd = text.indexOf('\n', lineStart);
    for (let k = lineStart; k < lineEnd; k += 7) {
      const c = text[k]!;
      const swapped = c === 'a' ? 'b' : 'a';
      const f = tampered('sample.jsonl', (t) => `${t.slice(0, k)}${swapped}${t.slice(k + 1)}`);
      const r = verify(f);
      expect(r.code, `byte ${k - lineStart} of line 4`).toBe(1);
      expect(r.output).toMatch(/line 4\b/);
    }
  });

  it('refuses a file with a line removed in the middle, and one with its last entry cut off', () => {
    const lines = readFileSync(jsonl, 'utf8').trimEnd().split('\n');
    const middle = tampered(
      'middle.jsonl',
      () => `${[...lines.slice(0, 9), ...lines.slice(10)].join('\n')}\n`,
    );
    const r = verify(middle);
    expect(r.code).toBe(1);
    expect(r.output).toContain('line 10 (incident INC-2026-0001, entry 11)');
    // the last entry removed, the proof kept: the proof no longer starts from the last entry
    const cut = tampered('cut.jsonl', () => `${[...lines.slice(0, -2), lines.at(-1)].join('\n')}\n`);
    const r2 = verify(cut);
    expect(r2.code).toBe(1);
    expect(r2.output).toContain('the last entry is not where the proof says it is');
    // and without its proof line an export proves nothing
    const bare = tampered('bare.jsonl', () => `${lines.slice(0, -1).join('\n')}\n`);
    expect(verify(bare).code).toBe(1);
    expect(verify(bare).output).toContain('no signed checkpoint covers the log');
  });

  it('refuses a line that is not JSON, naming it', () => {
    const f = tampered('broken.jsonl', (t) => t.replace('{"incident_key"', '{incident_key'));
    const r = verify(f);
    expect(r.code).toBe(1);
    expect(r.output).toContain('line 1 is not valid JSON');
  });
});

describe('CSV timeline', () => {
  it('parses back into the entries, quoting commas, quotes and line breaks', () => {
    const r = exportIncident({ dbPath: s.file, key: s.key, format: 'csv' });
    expect(r.code).toBe(0);
    expect(r.output.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(r.output);
    expect(rows[0]).toEqual(['at', 'kind', 'actor', 'summary', 'source']);
    expect(rows.length).toBe(logRows(s.file).length + 1);
    for (const row of rows) expect(row.length).toBe(5);
    const decision = rows.find((x) => x[1] === 'decision')!;
    expect(decision).toEqual([
      '2026-11-26T10:13:00.000Z',
      'decision',
      'Irene Chen (U_IC)',
      'Decision: Fail over to the secondary Kafka cluster (rationale: Primary cluster cannot be recovered within 30 minutes, "per" the runbook)',
      'https://example.slack.com/archives/C0INC1/p1795687980000100',
    ]);
    // Time order: a message logged later keeps its original time.
    const times = rows.slice(1).map((x) => x[0]!);
    expect([...times].sort()).toEqual(times);
  });
});

describe('audit verify on the database', () => {
  it('passes on the untouched database (the attacks are in test/cli/audit-verify.test.ts)', () => {
    const r = auditVerify({ dbPath: s.file, pubkeys: [TEST_PUBKEY_FILE] });
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/^OK: 31 entries in 1 incident verified, with \d+ signed checkpoints/);
  });

  it('answers with a sentence when there is no database', () => {
    const r = auditVerify({ dbPath: path.join(out, 'nope.db'), pubkeys: [TEST_PUBKEY_FILE] });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/^There is no database at /);
  });
});
