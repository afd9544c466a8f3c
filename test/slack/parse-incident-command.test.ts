import { describe, expect, it } from 'vitest';
import { parseIncidentCommand, resolveRole, scopeOf } from '../../src/app/intents.js';
import { helpText, notInIncidentChannel, VERBS } from '../../src/app/verbs.js';
import { loadPlaybook } from '../../src/storage/playbook-file.js';

const pb = loadPlaybook().playbook;

describe('parseIncidentCommand', () => {
  it('reads each verb', () => {
    expect(parseIncidentCommand('')).toEqual({ verb: 'help' });
    expect(parseIncidentCommand('  HELP ')).toEqual({ verb: 'help' });
    expect(parseIncidentCommand('declare Ingest down  ')).toEqual({ verb: 'declare', title: 'Ingest down' });
    expect(parseIncidentCommand('declare')).toEqual({ verb: 'declare', title: '' });
    for (const v of ['list', 'status', 'alert', 'update', 'phase', 'reclassify', 'close'] as const) {
      expect(parseIncidentCommand(v)).toEqual({ verb: v });
    }
    expect(parseIncidentCommand('log restarted the\nconsumer')).toEqual({
      verb: 'log',
      text: 'restarted the\nconsumer',
    });
    expect(parseIncidentCommand('decision fail over')).toEqual({ verb: 'decision', text: 'fail over' });
    expect(parseIncidentCommand('bogus thing')).toEqual({ verb: 'unknown', word: 'bogus' });
  });

  it('asks for missing arguments', () => {
    expect(parseIncidentCommand('log')).toMatchObject({ verb: 'usage', of: 'log' });
    expect(parseIncidentCommand('role')).toMatchObject({ verb: 'usage', of: 'role' });
    expect(parseIncidentCommand('role <@U123>')).toMatchObject({ verb: 'usage', of: 'role' });
    expect(parseIncidentCommand('role scribe @bob')).toMatchObject({ verb: 'usage', of: 'role' });
  });

  it('reads role with and without a person', () => {
    expect(parseIncidentCommand('role scribe <@U123|bob>')).toEqual({
      verb: 'role',
      role: 'scribe',
      user: 'U123',
    });
    expect(parseIncidentCommand('role technical lead <@W9>')).toEqual({
      verb: 'role',
      role: 'technical lead',
      user: 'W9',
    });
    expect(parseIncidentCommand('role comms')).toEqual({ verb: 'role', role: 'comms', user: null });
  });

  it('resolves roles by id, name and abbreviation', () => {
    expect(resolveRole(pb, 'ic')).toBe('commander');
    expect(resolveRole(pb, 'technical lead')).toBe('technical_lead');
    expect(resolveRole(pb, 'Communications lead')).toBe('comms_lead');
    expect(resolveRole(pb, 'comms')).toBe('comms_lead');
    expect(resolveRole(pb, 'data_steward')).toBe('data_steward');
    expect(resolveRole(pb, 'astronaut')).toBeNull();
  });

  it('scopes and help', () => {
    expect(scopeOf('declare')).toBe('anywhere');
    expect(scopeOf('close')).toBe('incident');
    const help = helpText();
    for (const v of VERBS) expect(help).toContain(`/incident ${v.verb}`);
    expect(help).not.toMatch(/<role>|<text>/);
    expect(notInIncidentChannel('log')).toContain('/incident log &lt;text&gt;');
  });
});
