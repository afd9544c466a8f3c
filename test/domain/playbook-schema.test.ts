import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { playbookCheck } from '../../src/cli/playbook-check.js';
import type { Playbook } from '../../src/domain/playbook.js';
import { formatPath, validatePlaybook } from '../../src/domain/playbook-schema.js';
import { plainText } from '../../src/domain/text.js';
import { DEFAULT_PLAYBOOK_PATH, loadPlaybook, PlaybookError } from '../../src/storage/playbook-file.js';
import { checklistView } from '../../src/views/checklist.js';
import { summaryView } from '../../src/views/summary.js';
import { declared } from '../helpers/scenario.js';

const defaultText = readFileSync(DEFAULT_PLAYBOOK_PATH, 'utf8');
/** A fresh, mutable copy of the default playbook as parsed from YAML. */
const raw = (): Playbook => parse(defaultText) as Playbook;

const tmp = mkdtempSync(path.join(tmpdir(), 'playbook-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function writeTmp(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

function errorsOf(pb: unknown): string[] {
  const r = validatePlaybook(pb);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

const phaseIndex = (pb: Playbook, id: string) => pb.phases.findIndex((p) => p.id === id);

describe('default playbook', () => {
  it('is valid and has the ids other code depends on', () => {
    const r = validatePlaybook(raw());
    expect(r.ok ? [] : r.errors).toEqual([]);
    const { playbook } = loadPlaybook(DEFAULT_PLAYBOOK_PATH);
    expect(playbook.id).toBe('emergency-procedures');
    expect(playbook.version).toBe('1.5.0');
    expect(playbook.triggers.map((t) => t.id)).toEqual([
      'safety_regulatory',
      'service_outage',
      'data_integrity',
      'security_exposure',
    ]);
    expect(playbook.roles.map((r) => r.id)).toEqual([
      'commander',
      'technical_lead',
      'comms_lead',
      'scribe',
      'specialist',
      'compliance_lead',
      'data_steward',
      'security_lead',
    ]);
    expect(playbook.roles.filter((r) => r.conflictsWithCommander).length).toBe(7);
    expect(playbook.roles.find((r) => r.id === 'specialist')!.multiple).toBe(true);
    expect(playbook.checklist.flatMap((g) => g.items.map((i) => i.id))).toEqual([
      'stabilize.switch_off',
      'stabilize.freeze_deploys',
      'assess.confirm_systems',
      'assess.data_quality',
      'communicate.channel',
      'communicate.initial_alert',
      'owners.workstreams',
      'owners.handoffs',
    ]);
    const items = playbook.checklist.flatMap((g) => g.items);
    expect(items.find((i) => i.id === 'communicate.channel')!.completedBy).toBe('room_created');
    expect(items.find((i) => i.id === 'communicate.initial_alert')!.completedBy).toBe('initial_alert_sent');
    expect(playbook.phases.map((p) => [p.id, p.next, p.back])).toEqual([
      ['detection', ['containment'], []],
      ['containment', ['mitigation'], ['detection']],
      ['mitigation', ['closure'], ['containment']],
      ['closure', ['review'], ['mitigation']],
      ['review', ['done'], []],
      ['done', [], []],
    ]);
    expect([playbook.initialPhase, playbook.closurePhase, playbook.reviewPhase]).toEqual([
      'detection',
      'closure',
      'review',
    ]);
    expect(playbook.templates.map((t) => [t.id, t.fields.map((f) => f.id)])).toEqual([
      ['initial_alert', ['system', 'summary', 'start_time', 'impact', 'actions', 'next_update', 'commander']],
      ['status_update', ['status', 'developments', 'risks', 'help', 'next_update']],
      ['closure_notice', ['resolved_at', 'impact_summary', 'followups', 'review']],
      ['recap', ['summary', 'impact', 'root_cause', 'lessons', 'improvements', 'followups']],
    ]);
    expect(playbook.clocks).toEqual({
      statusUpdateMinutes: 30,
      severeStatusUpdateMinutes: 15,
      initialAlertMinutes: 15,
      initialAlertNudgeMinutes: 10,
      goldenHourMinutes: 60,
      goldenHourWarningMinutes: 45,
      requiredRolesNudgeMinutes: 10,
      reviewBusinessDays: 2,
      nudgeGraceMinutes: 10,
    });
    expect(Object.keys(playbook.links).sort()).toEqual([
      'masterSwitch',
      'observabilityPlan',
      'prometheusGrafana',
      'promotionGate',
      'runbookLibrary',
    ]);
  });

  it('is fingerprinted by the sha256 of its exact bytes', () => {
    const loaded = loadPlaybook(DEFAULT_PLAYBOOK_PATH);
    const expected = createHash('sha256').update(readFileSync(DEFAULT_PLAYBOOK_PATH)).digest('hex');
    expect(loaded.ref).toEqual({ version: '1.5.0', sha256: expected });
    expect(loaded.text).toBe(defaultText);
    // One more byte (a trailing newline) changes the fingerprint, not the playbook.
    const copy = loadPlaybook(writeTmp('copy.yaml', `${defaultText}\n`));
    expect(copy.ref.sha256).not.toBe(expected);
    expect(copy.playbook).toEqual(loaded.playbook);
  });

  it('resolves DEFAULT_PLAYBOOK_PATH from the package root', () => {
    expect(path.basename(DEFAULT_PLAYBOOK_PATH)).toBe('emergency-procedures.yaml');
    expect(path.basename(path.dirname(DEFAULT_PLAYBOOK_PATH))).toBe('playbooks');
  });
});

describe('invalid playbooks are refused with the path of the error', () => {
  it('formats paths like the file', () => {
    expect(formatPath(['phases', 2, 'next', 0])).toBe('phases[2].next[0]');
    expect(formatPath(['links', 'a b', 'url'])).toBe('links["a b"].url');
    expect(formatPath([])).toBe('(root)');
  });

  it('unknown role in initialOwners, ownerRole and commanderRole', () => {
    const pb = raw();
    pb.triggers[1]!.initialOwners.push('sre_lead');
    pb.checklist[0]!.items[1]!.ownerRole = 'release_manager';
    pb.commanderRole = 'boss';
    const errors = errorsOf(pb);
    expect(errors).toContain('triggers[1].initialOwners[2]: unknown role "sre_lead"');
    expect(errors).toContain('checklist[0].items[1].ownerRole: unknown role "release_manager"');
    expect(errors).toContain('commanderRole: unknown role "boss"');
  });

  it('unknown phase in next/back and phase pointers', () => {
    const pb = raw();
    pb.phases[2]!.next = ['recovery'];
    pb.phases[1]!.back = ['triage'];
    pb.initialPhase = 'start';
    const errors = errorsOf(pb);
    expect(errors).toContain('phases[2].next[0]: unknown phase "recovery"');
    expect(errors).toContain('phases[1].back[0]: unknown phase "triage"');
    expect(errors).toContain('initialPhase: unknown phase "start"');
  });

  it('unreachable terminal phase', () => {
    const pb = raw();
    // containment loops back to detection by a forward move: the terminal phase is never reached.
    pb.phases[phaseIndex(pb, 'containment')]!.next = ['detection'];
    const errors = errorsOf(pb);
    expect(errors).toContain('initialPhase: no terminal phase is reachable from "detection" by next moves');
    expect(errors).toContain('closurePhase: phase "closure" is not reachable from "detection"');
  });

  it('terminal phase with next moves, and a non-terminal dead end', () => {
    const pb = raw();
    pb.phases[phaseIndex(pb, 'done')]!.next = ['review'];
    pb.phases[phaseIndex(pb, 'review')]!.next = [];
    const errors = errorsOf(pb);
    expect(errors).toContain('phases[5].next: terminal phase "done" must have no next phases');
    expect(errors).toContain(
      'phases[4].next: phase "review" is not terminal but has no next phase (dead end)',
    );
  });

  it('duplicate ids', () => {
    const pb = raw();
    pb.roles.push({ ...pb.roles[3]! });
    pb.checklist[3]!.items[0]!.id = 'stabilize.switch_off';
    pb.phases[0]!.exitCriteria[1]!.id = pb.phases[0]!.exitCriteria[0]!.id;
    pb.templates[1]!.fields[2]!.id = 'developments';
    pb.triggers[3]!.id = 'service_outage';
    const errors = errorsOf(pb);
    expect(errors).toContain('roles[8].id: duplicate role id "scribe" (first at index 3)');
    expect(errors).toContain(
      'checklist[3].items[0].id: duplicate checklist item id "stabilize.switch_off" (first at checklist[0].items[0])',
    );
    expect(errors).toContain(
      'phases[0].exitCriteria[1].id: duplicate exit criterion id "alert_validated" (first at index 0)',
    );
    expect(errors).toContain(
      'templates[1].fields[2].id: duplicate template field id "developments" (first at index 1)',
    );
    expect(errors).toContain('triggers[3].id: duplicate trigger id "service_outage" (first at index 1)');
  });

  it('missing template field and missing template', () => {
    const pb = raw();
    pb.templates[0]!.fields = pb.templates[0]!.fields.filter((f) => f.id !== 'commander');
    pb.templates[0]!.lines = pb.templates[0]!.lines.filter((l) => !l.includes('{commander}'));
    pb.templates = pb.templates.filter((t) => t.id !== 'closure_notice');
    const errors = errorsOf(pb);
    expect(errors).toContain('templates[0].fields: template "initial_alert" is missing field "commander"');
    expect(errors).toContain('templates: missing template "closure_notice"');
  });

  it('unknown placeholder in a template line', () => {
    const pb = raw();
    pb.templates[2]!.lines[1] = 'Impact summary: {impact}';
    expect(errorsOf(pb)).toContain('templates[2].lines[1]: unknown placeholder "{impact}"');
  });

  it('shape errors: wrong type, non-positive numbers, unknown keys, missing fields', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the test breaks the shape on purpose
    const pb = raw() as unknown as Record<string, any>;
    pb.clocks.statusUpdateMinutes = 0;
    pb.checklist[0].items[0].deadlineMinutes = -5;
    pb.templates[0].fields[0].maxLength = 'long';
    pb.roles[0].mutliple = true;
    delete pb.phases[1].exitCriteria;
    pb.version = 1;
    const errors = errorsOf(pb);
    const paths = errors.map((e) => e.slice(0, e.indexOf(':')));
    expect(paths).toEqual(
      expect.arrayContaining([
        'clocks.statusUpdateMinutes',
        'checklist[0].items[0].deadlineMinutes',
        'templates[0].fields[0].maxLength',
        'roles[0]',
        'phases[1].exitCriteria',
        'version',
      ]),
    );
    expect(errors.find((e) => e.startsWith('clocks.statusUpdateMinutes'))).toMatch(/positive/);
    expect(errors.find((e) => e.startsWith('roles[0]:'))).toMatch(/mutliple/);
  });

  it('inconsistent clocks', () => {
    const pb = raw();
    pb.clocks.initialAlertNudgeMinutes = 20;
    expect(errorsOf(pb)).toContain(
      'clocks.initialAlertNudgeMinutes: must be shorter than initialAlertMinutes',
    );
  });

  it('not an object at all', () => {
    expect(errorsOf(null)[0]).toMatch(/^\(root\): /);
    expect(errorsOf('hello')[0]).toMatch(/^\(root\): /);
  });
});

describe('loadPlaybook', () => {
  it('refuses bad YAML with the line of the error', () => {
    const file = writeTmp('bad.yaml', 'id: x\nversion: "1.0.0"\ntriggers: [a, b\nroles: []\n');
    let err: unknown;
    try {
      loadPlaybook(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlaybookError);
    const pe = err as PlaybookError;
    expect(pe.errors.length).toBeGreaterThan(0);
    expect(pe.errors[0]).toMatch(/^line \d+, column \d+: /);
    expect(pe.message).toContain(file);
  });

  it('refuses duplicate YAML keys', () => {
    const file = writeTmp(
      'dup.yaml',
      defaultText.replace('commanderRole: commander', 'commanderRole: commander\ncommanderRole: scribe'),
    );
    expect(() => loadPlaybook(file)).toThrow(PlaybookError);
  });

  it('adds the line number to validation errors', () => {
    const text = defaultText.replace('    next: [closure]', '    next: [recovery]');
    expect(text).not.toBe(defaultText);
    const file = writeTmp('recovery.yaml', text);
    const line = text.split('\n').findIndex((l) => l.includes('[recovery]')) + 1;
    try {
      loadPlaybook(file);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PlaybookError);
      expect((e as PlaybookError).errors).toEqual([
        `phases[2].next[0]: unknown phase "recovery" (line ${line})`,
      ]);
    }
  });

  it('a missing file is a PlaybookError', () => {
    expect(() => loadPlaybook(path.join(tmp, 'nope.yaml'))).toThrow(PlaybookError);
  });
});

describe('incident-bot playbook check', () => {
  it('prints OK with the version and sha256 for the default file', () => {
    const sha = createHash('sha256').update(readFileSync(DEFAULT_PLAYBOOK_PATH)).digest('hex');
    const r = playbookCheck();
    expect(r.code).toBe(0);
    const [first, warning, ...where] = r.output.split('\n');
    expect(first).toBe(
      `OK ${DEFAULT_PLAYBOOK_PATH}: playbook emergency-procedures version 1.5.0 sha256 ${sha}`,
    );
    // The shipped playbook does not know the firm's handbook location: its relative links are named.
    expect(warning).toMatch(/^warning: \d+ relative links and no links\.base/);
    expect(where).toContain('  triggers[0].runbooks[0]: ../MASTER_SWITCH_GUIDE.md');
    expect(where).toContain('  links.runbookLibrary: runbooks/README.md');
  });

  it('with links.base: no warning, and every relative link is shown resolved against it', () => {
    const file = writeTmp(
      'with-base.yaml',
      defaultText.replace(/^links:\n/m, 'links:\n  base: https://wiki.example.com/handbook/\n'),
    );
    const r = playbookCheck(file);
    expect(r.code).toBe(0);
    expect(r.output.split('\n')).toHaveLength(1);
    const pb = loadPlaybook(file).playbook;
    expect(pb.linkBase).toBe('https://wiki.example.com/handbook/');
    expect(Object.keys(pb.links)).not.toContain('base');
    const incident = declared({ triggerClass: 'service_outage' });
    const summary = summaryView(incident, pb).links.map(plainText).join('\n');
    expect(summary).toContain(
      'kafka_ingest_offset_recovery (https://wiki.example.com/handbook/runbooks/kafka_ingest_offset_recovery.md)',
    );
    expect(summary).toContain('Master Switch Guide (https://wiki.example.com/MASTER_SWITCH_GUIDE.md)');
    expect(summary).toContain('runbook library (https://wiki.example.com/handbook/runbooks/README.md)');
    const items = checklistView(incident, pb).groups.flatMap((g) => g.items.flatMap((i) => i.links));
    expect(items.every((l) => l.url.startsWith('https://wiki.example.com/'))).toBe(true);
  });

  it('links.base must be an absolute http(s) URL', () => {
    const file = writeTmp(
      'bad-base.yaml',
      defaultText.replace(/^links:\n/m, 'links:\n  base: wiki/handbook\n'),
    );
    const r = playbookCheck(file);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/links\.base: must be an absolute http\(s\) URL/);
  });

  it('prints each error on its own line and exits 1', () => {
    const text = defaultText
      .replace('    next: [closure]', '    next: [recovery]')
      .replace('initialOwners: [commander, data_steward]', 'initialOwners: [commander, data_owner]');
    const file = writeTmp('two-errors.yaml', text);
    const r = playbookCheck(file);
    expect(r.code).toBe(1);
    const lines = r.output.split('\n');
    expect(lines[0]).toBe(`INVALID ${file}: 2 errors`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^triggers\[2\]\.initialOwners\[1\]: unknown role "data_owner" \(line \d+\)$/),
      expect.stringMatching(/^phases\[2\]\.next\[0\]: unknown phase "recovery" \(line \d+\)$/),
    ]);
  });

  it('reports bad YAML', () => {
    const r = playbookCheck(writeTmp('bad2.yaml', 'id: [unclosed\n'));
    expect(r.code).toBe(1);
    expect(r.output.split('\n')[1]).toMatch(/^line \d+, column \d+: /);
  });
});
