// The playbook's `alertRules` (issue 21): first matching rule wins, matchers like Alertmanager routes
// (equality, anchored regex), no match is still prompted; `playbook check` refuses bad rules with their path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type AlertRuleDef, NO_RULE, ruleMatches, suggestionFor } from '../../src/domain/alert-rules.js';
import type { Playbook } from '../../src/domain/playbook.js';
import { validatePlaybook } from '../../src/domain/playbook-schema.js';
import { DEFAULT_PLAYBOOK_PATH } from '../../src/storage/playbook-file.js';
import { playbook } from '../helpers/scenario.js';

const raw = (): Playbook => parse(readFileSync(DEFAULT_PLAYBOOK_PATH, 'utf8')) as Playbook;

function errorsWith(alertRules: unknown): string[] {
  const r = validatePlaybook({ ...raw(), alertRules });
  return r.ok ? [] : r.errors;
}

const rule = (over: Partial<AlertRuleDef>): AlertRuleDef => ({
  name: 'r',
  severe: false,
  mode: 'prompt',
  notify: [],
  ...over,
});

describe('alert rules', () => {
  it('the shipped playbook prompts for severity page (severe) and critical, and declares nothing itself', () => {
    const rules = playbook.alertRules ?? [];
    expect(rules.map((r) => [r.name, r.match, r.mode, r.severe])).toEqual([
      ['page', { severity: 'page' }, 'prompt', true],
      ['critical', { severity: 'critical' }, 'prompt', false],
    ]);
    expect(suggestionFor(rules, { severity: 'page', alertname: 'X' }).suggestion).toEqual({
      rule: 'page',
      triggerClass: 'service_outage',
      severe: true,
      mode: 'prompt',
      notify: [],
    });
    expect(suggestionFor(rules, { severity: 'warning' })).toEqual({ suggestion: NO_RULE });
  });

  it('matches equality and anchored regexes on labels; a missing label is the empty string', () => {
    const r = rule({ match: { team: 'pricing' }, matchRe: { alertname: 'Ingest.*|Feed(Lag|Down)' } });
    expect(ruleMatches(r, { team: 'pricing', alertname: 'IngestLag' })).toBe(true);
    expect(ruleMatches(r, { team: 'pricing', alertname: 'FeedDown' })).toBe(true);
    // anchored at both ends, like Alertmanager: a substring is not a match
    expect(ruleMatches(r, { team: 'pricing', alertname: 'OldFeedDown' })).toBe(false);
    expect(ruleMatches(r, { team: 'risk', alertname: 'IngestLag' })).toBe(false);
    expect(ruleMatches(rule({ matchRe: { env: '|dev' } }), {})).toBe(true);
    expect(ruleMatches(rule({ match: { env: 'prod' } }), {})).toBe(false);
  });

  it('takes the first matching rule, with its channel', () => {
    const rules = [
      rule({ name: 'a', match: { severity: 'page' }, channel: 'C_PAGE', mode: 'declare', notify: ['U1'] }),
      rule({ name: 'b', matchRe: { severity: '.+' } }),
    ];
    const m = suggestionFor(rules, { severity: 'page' });
    expect(m.channel).toBe('C_PAGE');
    expect(m.suggestion).toMatchObject({ rule: 'a', mode: 'declare', notify: ['U1'] });
    expect(suggestionFor(rules, { severity: 'info' })).toEqual({
      suggestion: { rule: 'b', severe: false, mode: 'prompt', notify: [] },
    });
  });

  it('playbook check refuses unknown classes, bad regexes, duplicate names and incomplete declare rules', () => {
    expect(errorsWith([{ name: 'ok', match: { severity: 'page' } }])).toEqual([]);
    expect(
      errorsWith([
        { name: 'a', match: { severity: 'page' }, triggerClass: 'nope' },
        { name: 'a', matchRe: { alertname: '(unclosed' } },
        { name: 'c', match: { x: 'y' }, mode: 'declare' },
        { name: 'd', match: { 'bad-label': 'y' }, mode: 'sometimes' },
      ]),
    ).toEqual(['alertRules[3].mode: must be prompt or declare']);
    const semantic = errorsWith([
      { name: 'a', match: { severity: 'page' }, triggerClass: 'nope' },
      { name: 'a', matchRe: { alertname: '(unclosed' } },
      { name: 'c', match: { x: 'y' }, mode: 'declare' },
      { name: 'all' },
      { name: 'last', match: { 'bad-label': 'y' } },
    ]);
    expect(semantic).toEqual([
      'alertRules[0].triggerClass: unknown trigger class "nope"',
      'alertRules[1].name: duplicate alert rule name "a" (first at index 0)',
      expect.stringMatching(/^alertRules\[1\]\.matchRe\.alertname: not a valid regular expression: /),
      'alertRules[2].triggerClass: mode "declare" needs the trigger class to declare with',
      'alertRules[2].notify: mode "declare" needs at least one person to notify (the first is named commander)',
      'alertRules[3]: matches every alert, so the rules after it never apply (put it last)',
      'alertRules[4].match["bad-label"]: must be a label name (letters, digits, "_")',
    ]);
  });
});
