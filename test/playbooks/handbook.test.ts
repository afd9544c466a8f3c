// The playbook must not lose anything the handbook says. Parses the handbook markdown (the spec) and
// compares it, normalised and with links stripped, with the default playbook file.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Link, Playbook, TemplateId } from '../../src/domain/playbook.js';
import { DEFAULT_PLAYBOOK_PATH, loadPlaybook } from '../../src/storage/playbook-file.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sharedHandbook = path.resolve(repoRoot, '../shared/handbook/emergency-procedures-handbook.md');
const fixtureHandbook = path.resolve(repoRoot, 'test/fixtures/handbook.md');
const handbookPath = existsSync(sharedHandbook) ? sharedHandbook : fixtureHandbook;
const handbook = readFileSync(handbookPath, 'utf8');
const { playbook } = loadPlaybook(DEFAULT_PLAYBOOK_PATH);

// ---- helpers --------------------------------------------------------------------------------------

const LINK = /\[([^\]]+)\]\(([^)]+)\)/g;

function links(s: string): Link[] {
  return [...s.matchAll(LINK)].map((m) => ({ title: m[1]!, url: m[2]! }));
}

/** Links become their text, emphasis goes, whitespace collapses, case folds. */
function norm(s: string): string {
  return s.replace(LINK, '$1').replace(/\*\*/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The body of the `## title` section. */
function section(title: string): string {
  const parts = handbook.split(/^## /m);
  const found = parts.find((p) => p.startsWith(`${title}\n`));
  if (!found) throw new Error(`handbook has no section "${title}"`);
  return found.slice(title.length + 1);
}

interface HandbookGroup {
  name: string;
  items: string[];
}

function parseChecklist(): HandbookGroup[] {
  const groups: HandbookGroup[] = [];
  for (const line of section('Golden hour checklist').split('\n')) {
    const g = line.match(/^\d+\.\s+\*\*(.+?)\*\*\s*$/);
    if (g) groups.push({ name: g[1]!, items: [] });
    const item = line.match(/^\s+-\s+(.+)$/);
    if (item) groups.at(-1)!.items.push(item[1]!);
  }
  return groups;
}

function parseBoldList(sectionTitle: string, bullet: RegExp): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const line of section(sectionTitle).split('\n')) {
    const m = line.match(bullet);
    if (m) out.push({ name: m[1]!, text: m[2]! });
  }
  return out;
}

function parseRoles() {
  return parseBoldList('Response team structure', /^-\s+\*\*(.+?):\*\*\s+(.+)$/).map((r) => ({
    name: r.name.replace(/\s*\(optional\)\s*$/i, ''),
    optional: /\(optional\)/i.test(r.name),
    text: r.text,
  }));
}

const NOT_A_PHASE = 'Communication & coordination';

function parsePhases() {
  return parseBoldList('Response phases', /^\d+\.\s+\*\*(.+?):\*\*\s+(.+)$/);
}

function parseTriggers() {
  const rows: { name: string; examples: string[]; owners: string[] }[] = [];
  for (const line of section('Scope and activation').split('\n')) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells.length !== 3 || !cells[0]!.startsWith('**')) continue;
    rows.push({
      name: cells[0]!.replace(/\*\*/g, ''),
      examples: cells[1]!
        .replace(/\.$/, '')
        .split(/,\s*/)
        .map((e) => e.trim()),
      owners: cells[2]!.split(/\s*\+\s*/),
    });
  }
  return rows;
}

function parseTemplates(): { heading: string; lines: string[] }[] {
  const out: { heading: string; lines: string[] }[] = [];
  const re = /^\*\*(.+?)\*\*\s*\n\s*\n```\s*\n([\s\S]*?)\n```/gm;
  for (const m of section('Communication templates').matchAll(re)) {
    out.push({
      heading: m[1]!,
      lines: m[2]!
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    });
  }
  return out;
}

function templateIdFor(heading: string): TemplateId {
  const h = heading.toLowerCase();
  if (h.startsWith('initial')) return 'initial_alert';
  if (h.startsWith('status update')) return 'status_update';
  if (h.startsWith('closure')) return 'closure_notice';
  throw new Error(`unknown template heading "${heading}"`);
}

/** Every link anywhere in the playbook. */
function playbookLinks(pb: Playbook): Link[] {
  return [
    ...Object.values(pb.links),
    ...pb.triggers.flatMap((t) => t.runbooks),
    ...pb.checklist.flatMap((g) => g.items.flatMap((i) => i.links)),
  ];
}

// ---- tests ----------------------------------------------------------------------------------------

describe('handbook parser sanity', () => {
  it('finds the handbook sections it compares', () => {
    expect(parseChecklist().length).toBe(4);
    expect(parseChecklist().flatMap((g) => g.items).length).toBe(8);
    expect(parseRoles().length).toBe(5);
    expect(parsePhases().length).toBe(6);
    expect(parseTriggers().length).toBe(4);
    expect(parseTemplates().map((t) => templateIdFor(t.heading))).toEqual([
      'initial_alert',
      'status_update',
      'closure_notice',
    ]);
  });

  it('the fixture copy of the handbook matches the shared handbook', () => {
    if (!existsSync(sharedHandbook)) return;
    expect(readFileSync(fixtureHandbook, 'utf8')).toBe(readFileSync(sharedHandbook, 'utf8'));
  });
});

describe('default playbook reproduces the handbook', () => {
  it('has the handbook title', () => {
    const title = handbook.match(/^# (.+)$/m)![1]!;
    expect(playbook.title).toBe(title);
  });

  it('keeps every golden hour checklist group and item, with its links', () => {
    const hb = parseChecklist();
    expect(playbook.checklist.map((g) => norm(g.name))).toEqual(hb.map((g) => norm(g.name)));
    hb.forEach((group, gi) => {
      const pbGroup = playbook.checklist[gi]!;
      expect(pbGroup.items.map((i) => norm(i.text))).toEqual(group.items.map(norm));
      group.items.forEach((item, ii) => {
        expect(pbGroup.items[ii]!.links, pbGroup.items[ii]!.id).toEqual(links(item));
      });
    });
  });

  it('names every workstream of "Verify each workstream (…) has a named lead", completing that item', () => {
    const item = parseChecklist()
      .flatMap((g) => g.items)
      .find((x) => /each workstream \(/.test(x))!;
    const named = /\(([^)]+)\)/.exec(item)![1]!.split(/,\s*/).map(norm);
    expect(playbook.workstreams?.items.map((w) => norm(w.name))).toEqual(named);
    const done = playbook.checklist
      .flatMap((g) => g.items)
      .find((i) => i.id === playbook.workstreams?.completes);
    expect(norm(done!.text)).toBe(norm(item));
  });

  it('gives every checklist item a deadline within the golden hour, the initial alert 15 minutes', () => {
    const minutes = Number(section('Golden hour checklist').match(/within the first (\d+) minutes/)![1]);
    expect(playbook.clocks.goldenHourMinutes).toBe(minutes);
    for (const item of playbook.checklist.flatMap((g) => g.items)) {
      expect(item.deadlineMinutes).toBeLessThanOrEqual(minutes);
    }
    const alertMinutes = Number(handbook.match(/within (\d+) minutes of activation/)![1]);
    expect(playbook.clocks.initialAlertMinutes).toBe(alertMinutes);
    const alertItem = playbook.checklist
      .flatMap((g) => g.items)
      .find((i) => i.id === 'communicate.initial_alert')!;
    expect(alertItem.deadlineMinutes).toBe(alertMinutes);
  });

  it('keeps every role, with the handbook description', () => {
    for (const role of parseRoles()) {
      const pbRole = playbook.roles.find((r) => norm(r.name) === norm(role.name));
      expect(pbRole, `role "${role.name}"`).toBeDefined();
      expect(norm(pbRole!.description)).toContain(norm(role.text));
    }
  });

  it('keeps every phase except "Communication & coordination", with the handbook description', () => {
    const hbPhases = parsePhases().filter((p) => p.name !== NOT_A_PHASE);
    expect(hbPhases.length).toBe(5);
    // The handbook's "Closure criteria" is the phase "Closure" (its exit criteria are the criteria).
    const names = hbPhases.map((p) => norm(p.name).replace(/ criteria$/, ''));
    const nonTerminal = playbook.phases.filter((p) => !p.terminal);
    expect(nonTerminal.map((p) => norm(p.name))).toEqual(names);
    hbPhases.forEach((p, i) => {
      expect(norm(nonTerminal[i]!.description)).toBe(norm(p.text));
    });
    expect(playbook.phases.some((p) => norm(p.name).startsWith('communication'))).toBe(false);
  });

  it('turns the closure criteria into the closure phase exit criteria', () => {
    const closure = playbook.phases.find((p) => p.id === playbook.closurePhase)!;
    expect(closure.exitCriteria.map((c) => c.id)).toEqual([
      'impact_ceased',
      'monitoring_stable',
      'stakeholders_informed',
    ]);
    const text = norm(parsePhases().find((p) => p.name.startsWith('Closure'))!.text);
    for (const c of closure.exitCriteria) expect(text).toContain(norm(c.text));
  });

  it('keeps the status-update and review clocks', () => {
    const comms = parsePhases().find((p) => p.name === NOT_A_PHASE)!;
    expect(playbook.clocks.statusUpdateMinutes).toBe(
      Number(comms.text.match(/(\d+)-minute status updates/)![1]),
    );
    expect(playbook.clocks.severeStatusUpdateMinutes).toBeLessThan(playbook.clocks.statusUpdateMinutes);
    expect(handbook).toContain('within two business days');
    expect(playbook.clocks.reviewBusinessDays).toBe(2);
  });

  it('keeps every trigger row: name, examples and initial owners', () => {
    const roleName = (id: string) => norm(playbook.roles.find((r) => r.id === id)!.name);
    const hb = parseTriggers();
    expect(playbook.triggers.map((t) => norm(t.name))).toEqual(hb.map((r) => norm(r.name)));
    hb.forEach((row, i) => {
      const t = playbook.triggers[i]!;
      expect(t.examples.map(norm)).toEqual(row.examples.map(norm));
      const owners = row.owners.map((o) =>
        /^(incident commander \(ic\)|ic)$/i.test(o) ? 'incident commander' : norm(o),
      );
      expect(t.initialOwners.map(roleName)).toEqual(owners);
    });
  });

  it('keeps every template line, label and <...> field', () => {
    for (const hbTemplate of parseTemplates()) {
      const t = playbook.templates.find((x) => x.id === templateIdFor(hbTemplate.heading))!;
      expect(t, hbTemplate.heading).toBeDefined();
      expect(norm(hbTemplate.heading)).toContain(norm(t.name));
      // The <...> labels, in order, are the field hints.
      const placeholders = hbTemplate.lines.flatMap((l) => [...l.matchAll(/<([^>]+)>/g)].map((m) => m[1]!));
      expect(t.fields.map((f) => f.hint)).toEqual(placeholders);
      // Rendering the playbook template with `<hint>` as values gives back the handbook block.
      const render = (s: string) =>
        s.replace(/\{(\w+)\}/g, (_, id: string) => `<${t.fields.find((f) => f.id === id)!.hint}>`);
      const rendered = [...(t.subject !== undefined ? [`Subject: ${t.subject}`] : []), ...t.lines].map(
        render,
      );
      expect(rendered).toEqual(hbTemplate.lines);
      // Each field's label is the text in front of its placeholder.
      for (const f of t.fields) {
        const line = t.lines.find((l) => l.includes(`{${f.id}}`));
        if (!line) continue; // only in the subject (system/area)
        const before = line.slice(0, line.indexOf(`{${f.id}}`)).replace(/:\s*$/, '');
        expect(f.label, `${t.id}.${f.id}`).toBe(before.trim());
      }
      // The select options are the handbook's alternatives.
      for (const f of t.fields.filter((x) => x.kind === 'select')) {
        expect(f.options).toEqual(f.hint!.split('/').map((o) => o.trim()));
      }
    }
  });

  it('keeps every link the handbook has', () => {
    const all = playbookLinks(playbook);
    for (const l of links(handbook)) {
      expect(all, `${l.title} -> ${l.url}`).toContainEqual(l);
    }
  });
});
