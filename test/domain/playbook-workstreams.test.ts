// The playbook's `workstreams` section: its shape, its references, `playbook check`, and what the views do
// with it (the checklist item it completes is no longer ticked by hand; no section, no workstreams).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { playbookCheck } from '../../src/cli/playbook-check.js';
import type { Playbook } from '../../src/domain/playbook.js';
import { validatePlaybook } from '../../src/domain/playbook-schema.js';
import { DEFAULT_PLAYBOOK_PATH } from '../../src/storage/playbook-file.js';
import { checklistView } from '../../src/views/checklist.js';
import { summaryView } from '../../src/views/summary.js';
import { declared, playbook } from '../helpers/scenario.js';

const defaultText = readFileSync(DEFAULT_PLAYBOOK_PATH, 'utf8');
const raw = (): Playbook & { workstreams: { completes?: string; items: unknown[] } } =>
  parse(defaultText) as never;

function errorsOf(pb: unknown): string[] {
  const r = validatePlaybook(pb);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'playbook-ws-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('playbook workstreams: validation', () => {
  it('the shipped section is valid', () => {
    const r = validatePlaybook(raw());
    expect(r.ok ? [] : r.errors).toEqual([]);
  });

  it('is optional: a playbook without it is valid, and its incidents show no workstreams', () => {
    const pb = raw() as Partial<Playbook>;
    delete pb.workstreams;
    const r = validatePlaybook(pb);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(summaryView(declared(), r.playbook).workstreams).toEqual([]);
    // without workstreams the item is ticked by hand again
    const row = checklistView(declared(), r.playbook)
      .groups.flatMap((g) => g.items)
      .find((x) => x.id === 'owners.workstreams');
    expect(row?.manual).toBe(true);
  });

  it('names the path of a bad shape, a duplicate id, an unknown item, an item something else ticks', () => {
    const empty = raw();
    empty.workstreams.items = [];
    expect(errorsOf(empty)).toEqual(['workstreams.items: needs at least one workstream']);

    const shapeless = raw();
    shapeless.workstreams.items.push({ id: 'Bad Id', name: '' });
    expect(errorsOf(shapeless)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^workstreams\.items\[4\]\.id: must be lowercase/),
        'workstreams.items[4].name: must not be empty',
        expect.stringMatching(/^workstreams\.items\[4\]\.description: /),
      ]),
    );

    const dup = raw();
    dup.workstreams.items.push({ id: 'containment', name: 'Again', description: 'x' });
    expect(errorsOf(dup)).toEqual([
      'workstreams.items[4].id: duplicate workstream id "containment" (first at index 0)',
    ]);

    const unknown = raw();
    unknown.workstreams.completes = 'owners.nope';
    expect(errorsOf(unknown)).toEqual(['workstreams.completes: unknown checklist item "owners.nope"']);

    const taken = raw();
    taken.workstreams.completes = 'communicate.initial_alert';
    expect(errorsOf(taken)).toEqual([
      'workstreams.completes: checklist item "communicate.initial_alert" is already completed by initial_alert_sent',
    ]);

    const extra = raw();
    (extra.workstreams as unknown as Record<string, unknown>).lead = 'x';
    expect(errorsOf(extra).join('\n')).toMatch(/^workstreams: .*lead/);
  });

  it('`playbook check` says OK for the shipped file and names the path of a bad reference', () => {
    expect(playbookCheck(DEFAULT_PLAYBOOK_PATH).code).toBe(0);
    const bad = raw();
    bad.workstreams.completes = 'owners.nope';
    const file = path.join(tmp, 'bad.yaml');
    writeFileSync(file, stringify(bad));
    const r = playbookCheck(file);
    expect(r.code).toBe(1);
    expect(r.output).toContain('workstreams.completes: unknown checklist item "owners.nope"');
  });
});

describe('playbook workstreams: views', () => {
  it('the completed item is not ticked by hand; the summary lists each workstream with no lead yet', () => {
    const row = checklistView(declared(), playbook)
      .groups.flatMap((g) => g.items)
      .find((x) => x.id === 'owners.workstreams');
    expect(row?.manual).toBe(false);
    expect(summaryView(declared(), playbook).workstreams.map((w) => [w.id, w.lead])).toEqual([
      ['containment', null],
      ['investigation', null],
      ['stakeholder_comms', null],
      ['compliance', null],
    ]);
  });
});
