// Card times: Adaptive Card date functions on strict RFC 3339 instants, UTC where asked, never a broken
// function (malformed input, a cut).
import { describe, expect, it } from 'vitest';
import { time } from '../../../../src/domain/text.js';
import { TRUNCATED } from '../../../../src/platforms/teams/render/escape.js';
import { cardOf } from '../../../../src/platforms/teams/render/text.js';
import { cardTime, rfc3339 } from '../../../../src/platforms/teams/render/time.js';

const nameOf = () => undefined;

describe('card times', () => {
  it('an instant becomes DATE/TIME on a seconds-precision Z stamp', () => {
    expect(rfc3339('2026-11-30T10:00:00.000Z')).toBe('2026-11-30T10:00:00Z');
    expect(rfc3339('2026-11-30T11:00:00+01:00')).toBe('2026-11-30T10:00:00Z');
    expect(cardTime('2026-11-30T10:00:00.000Z')).toBe(
      '{{DATE(2026-11-30T10:00:00Z, SHORT)}} {{TIME(2026-11-30T10:00:00Z)}}',
    );
    expect(cardTime('2026-11-30T10:00:00.000Z', 'audit')).toBe(
      '{{DATE(2026-11-30T10:00:00Z, SHORT)}} {{TIME(2026-11-30T10:00:00Z)}} (2026-11-30 10:00 UTC)',
    );
  });

  it('a missing or malformed instant is shown as text, escaped, never as a function', () => {
    expect(rfc3339('')).toBeNull();
    expect(rfc3339('soon')).toBeNull();
    expect(cardTime(null)).toBe('not yet');
    expect(cardTime('**soon**')).toBe('\\*\\*soon\\*\\*');
  });

  it('card text is local time; cut short, it never ends inside a function', () => {
    const t = `Declared ${time('2026-11-30T10:00:00.000Z')} and closed ${time('2026-11-30T12:00:00.000Z')}`;
    const whole = cardOf(t, nameOf);
    expect(whole).toBe(
      'Declared {{DATE(2026-11-30T10:00:00Z, SHORT)}} {{TIME(2026-11-30T10:00:00Z)}} and closed {{DATE(2026-11-30T12:00:00Z, SHORT)}} {{TIME(2026-11-30T12:00:00Z)}}',
    );
    for (let max = 20; max < whole.length; max += 7) {
      const cut = cardOf(t, nameOf, max);
      expect(cut.endsWith(TRUNCATED)).toBe(true);
      expect(cut.replace(/\{\{(DATE|TIME)\([^)]*\)\}\}/g, '')).not.toMatch(/\{\{|\}\}/);
    }
  });

  it('user text cannot write a function: its braces are escaped', () => {
    expect(cardOf('{{DATE(2026-11-30T10:00:00Z, SHORT)}}', nameOf)).not.toContain('{{');
  });
});
