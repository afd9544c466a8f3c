import { describe, expect, it } from 'vitest';
// The incident verbs as the application layer reads them from neutral text (people are mention tokens,
// whatever the platform's own syntax), and the help built from the verb table.
import { parseIncidentCommand, resolveRole, scopeOf } from '../../src/app/intents.js';
import { mention, plainText } from '../../src/domain/text.js';
import { helpText } from '../../src/platforms/slack/render/lists.js';
import { mrkdwnOf } from '../../src/platforms/slack/render/text.js';
import { loadPlaybook } from '../../src/storage/playbook-file.js';
import { helpView, notInIncidentRoom, VERBS } from '../../src/views/help.js';

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
    expect(parseIncidentCommand(`role ${mention('U123')}`)).toMatchObject({ verb: 'usage', of: 'role' });
    expect(parseIncidentCommand('role scribe @bob')).toMatchObject({ verb: 'usage', of: 'role' });
    // Slack's own syntax is the Slack platform's to read: here it is typed text, never a person
    expect(parseIncidentCommand('role scribe <@U123|bob>')).toMatchObject({
      verb: 'usage',
      of: 'role',
      problem: expect.stringMatching(/A role goes to a person/),
    });
  });

  it('reads role with and without a person', () => {
    expect(parseIncidentCommand(`role scribe ${mention('U123')}`)).toEqual({
      verb: 'role',
      role: 'scribe',
      user: 'U123',
    });
    expect(parseIncidentCommand(`role technical lead ${mention('W9')}`)).toEqual({
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
    const help = plainText(
      helpView()
        .sections.flatMap((x) => x.lines)
        .join('\n'),
    );
    for (const v of VERBS) expect(help).toContain(`\`incident ${v.verb}`);
    // rendered for Slack: the slash command, user-visible `<` escaped
    const slack = helpText(helpView());
    for (const v of VERBS) expect(slack).toContain(`/incident ${v.verb}`);
    expect(slack).not.toMatch(/<role>|<text>/);
    expect(mrkdwnOf(notInIncidentRoom('log'))).toContain('/incident log &lt;text&gt;');
  });
});
