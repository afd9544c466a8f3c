// The typed commitment and question verbs, and the due times they accept (all UTC).
import { describe, expect, it } from 'vitest';
import { commitmentStep, stakeholderItemId } from '../../src/app/commitment-verbs.js';
import { parseDueTime } from '../../src/app/due-time.js';
import { parseIncidentCommand } from '../../src/app/intents.js';
import { plainText } from '../../src/domain/text.js';
import { declared, playbook } from '../helpers/scenario.js';

const NOW = new Date('2026-11-26T10:00:00.000Z');
const due = (s: string) => {
  const r = parseDueTime(s, NOW);
  return r.ok ? r.iso : `! ${plainText(r.problem)}`;
};

describe('due times', () => {
  it('HH:MM is UTC today, or tomorrow once it has passed', () => {
    expect(due('14:30')).toBe('2026-11-26T14:30:00.000Z');
    expect(due('9:05')).toBe('2026-11-27T09:05:00.000Z');
    expect(due('10:00')).toBe('2026-11-27T10:00:00.000Z');
    expect(due('10:01 UTC')).toBe('2026-11-26T10:01:00.000Z');
    expect(due('23:59Z')).toBe('2026-11-26T23:59:00.000Z');
  });

  it('delays: in 30m, in 2h, in 1h30m, in 45 min, in 2 hours', () => {
    expect(due('in 30m')).toBe('2026-11-26T10:30:00.000Z');
    expect(due('in 2h')).toBe('2026-11-26T12:00:00.000Z');
    expect(due('in 1h30m')).toBe('2026-11-26T11:30:00.000Z');
    expect(due('in 45 min')).toBe('2026-11-26T10:45:00.000Z');
    expect(due('IN 2 hours')).toBe('2026-11-26T12:00:00.000Z');
    expect(due('in 0m')).toBe('! Give a delay of at least a minute.');
  });

  it('ISO timestamps: Z, UTC, an offset, or no zone (UTC)', () => {
    expect(due('2026-11-26T14:30Z')).toBe('2026-11-26T14:30:00.000Z');
    expect(due('2026-11-26T14:30:15.250Z')).toBe('2026-11-26T14:30:15.000Z');
    expect(due('2026-11-26 14:30 UTC')).toBe('2026-11-26T14:30:00.000Z');
    expect(due('2026-11-26T14:30')).toBe('2026-11-26T14:30:00.000Z');
    expect(due('2026-11-26T16:30+02:00')).toBe('2026-11-26T14:30:00.000Z');
    expect(due('2026-11-26T09:00Z')).toBe('! 2026-11-26 09:00 UTC has passed: give a time ahead.');
  });

  it('anything else gets a clear answer', () => {
    for (const bad of ['tomorrow', 'soon', '25:00', '14:75', '2026-02-30T10:00Z', 'in 2 days', 'by 5'])
      expect(due(bad)).toMatch(/^! I can't read ".*" as a time: use HH:MM \(UTC\), an ISO time/);
    expect(due('')).toMatch(/^! Say by when/);
  });
});

describe('the verbs', () => {
  it('commit <what> by <time>: the last " by " splits them', () => {
    expect(parseIncidentCommand('commit Send the RCA by email to the desk by 16:00')).toEqual({
      verb: 'commit',
      what: 'Send the RCA by email to the desk',
      due: '16:00',
    });
    expect(parseIncidentCommand('promise next update by in 30m')).toMatchObject({
      verb: 'commit',
      due: 'in 30m',
    });
    expect(parseIncidentCommand('commit Next update')).toMatchObject({ verb: 'usage', of: 'commit' });
    expect(parseIncidentCommand('commit')).toMatchObject({ verb: 'usage', of: 'commit' });
  });

  it('question <text>[? from <who>]', () => {
    expect(parseIncidentCommand('question Will clients get a credit? from Sales desk')).toEqual({
      verb: 'question',
      text: 'Will clients get a credit?',
      from: 'Sales desk',
    });
    expect(parseIncidentCommand('question Is the feed back from Reuters')).toEqual({
      verb: 'question',
      text: 'Is the feed back from Reuters',
    });
    expect(parseIncidentCommand('question ETA from \u0002@U0HEAD\u0003')).toEqual({
      verb: 'question',
      text: 'ETA',
      from: '\u0002@U0HEAD\u0003',
    });
    expect(parseIncidentCommand('question')).toMatchObject({ verb: 'usage', of: 'question' });
  });

  it('kept / dropped / answer take an id (prefix optional, any case)', () => {
    expect(parseIncidentCommand('kept C-1A2B3')).toEqual({ verb: 'kept', id: 'c-1a2b3' });
    expect(parseIncidentCommand('kept 1a2b3 sent at 10:55')).toEqual({
      verb: 'kept',
      id: 'c-1a2b3',
      note: 'sent at 10:55',
    });
    expect(parseIncidentCommand('dropped c-1a2b3 desk agreed to wait')).toEqual({
      verb: 'dropped',
      id: 'c-1a2b3',
      note: 'desk agreed to wait',
    });
    expect(parseIncidentCommand('dropped c-1a2b3')).toMatchObject({ verb: 'usage', of: 'dropped' });
    expect(parseIncidentCommand('answer q-9f8e7 Yes, per the SLA')).toEqual({
      verb: 'answer',
      id: 'q-9f8e7',
      answer: 'Yes, per the SLA',
    });
    expect(parseIncidentCommand('answer q-9f8e7')).toMatchObject({ verb: 'usage', of: 'answer' });
    expect(parseIncidentCommand('commitments')).toEqual({ verb: 'commitments' });
    expect(parseIncidentCommand('questions')).toEqual({ verb: 'commitments' });
  });

  it('the step: a short id from the request key, the time resolved against the clock, bad input answered', () => {
    const c = { incident: declared(), playbook, now: NOW, key: 'slack:trigger-1', nameOf: () => 'Head' };
    const step = commitmentStep({ verb: 'commit', what: 'Update the desk', due: 'in 2h' }, c);
    expect(step).toMatchObject({
      kind: 'run',
      command: {
        type: 'add_commitment',
        id: stakeholderItemId('c', 'slack:trigger-1'),
        due: '2026-11-26T12:00:00.000Z',
      },
    });
    expect(stakeholderItemId('c', 'slack:trigger-1')).toMatch(/^c-[0-9a-f]{5}$/);
    expect(stakeholderItemId('c', 'slack:trigger-1')).toBe(stakeholderItemId('c', 'slack:trigger-1'));
    const bad = commitmentStep({ verb: 'commit', what: 'Update', due: 'teatime' }, c);
    expect(bad.kind === 'text' && plainText(bad.text)).toMatch(
      /I can't read "teatime" as a time.*Nothing was recorded\.$/,
    );
    const long = commitmentStep({ verb: 'commit', what: 'x'.repeat(501), due: 'in 2h' }, c);
    expect(long).toMatchObject({ kind: 'text' });
    // who asked, as a mention, is stored by name
    const q = commitmentStep({ verb: 'question', text: 'ETA?', from: '\u0002@U0HEAD\u0003' }, c);
    expect(q).toMatchObject({ kind: 'run', command: { type: 'add_question', text: 'ETA?', from: '@Head' } });
  });
});
