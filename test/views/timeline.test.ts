// The room's timeline view: the playbook's phases as the template's sections (the ones ahead shown empty),
// the key times, and its bounds: the latest entries only, each cut short, a count and the way to the whole
// record; rendered within Slack's block limits and a Teams card's size however long the incident runs.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import { plainText } from '../../src/domain/text.js';
import { renderPostView as slackPost } from '../../src/platforms/slack/render/post.js';
import { renderPostView as teamsPost } from '../../src/platforms/teams/render/post.js';
import { TIMELINE_LIMITS, type TimelineEntry, timelinePost, timelineView } from '../../src/views/timeline.js';
import { reviewed, roomed } from '../helpers/reviewed.js';
import { criteria, ctx, ic, must, playbook, T0 } from '../helpers/scenario.js';
import { checkAdaptiveCard, checkMessage } from '../support/blockkit-limits.js';

const entry = (n: number, at: string, text = `Decision: step ${n}`): TimelineEntry => ({
  seq: n,
  at,
  kind: 'decision',
  actor: 'U_IC',
  text,
});
const minutes = (m: number) => new Date(T0.getTime() + m * 60_000).toISOString();
const plain = (xs: string[]) => xs.map(plainText).join('\n');

describe('the timeline view', () => {
  it('at creation: the template, every phase a heading, those ahead empty; key times not yet', () => {
    const v = timelineView(roomed(), playbook, [entry(1, minutes(0), 'Declared "Ingest down"')]);
    expect(v.sections.map((s) => plainText(s.heading))).toEqual([
      'Detection & verification · 2026-11-26 10:00 UTC (now)',
      'Containment · not yet',
      'Mitigation & recovery · not yet',
      'Closure · not yet',
      'Post-incident review · not yet',
      'Done · not yet',
    ]);
    expect(plain(v.milestones)).toContain('Initial alert: not sent yet');
    expect(plain(v.milestones)).toContain('Recap to stakeholders: —');
    expect(plainText(v.footer)).toBe('1 entry · the whole decision log and phase picture: `incident export`');
  });

  it('entries go under the phase period they happened in', () => {
    const i = must(
      roomed(),
      { type: 'advance_phase', confirmed: criteria('detection') },
      ctx(ic, new Date(minutes(10))),
    );
    const v = timelineView(i, playbook, [entry(1, minutes(5)), entry(2, minutes(12))]);
    expect(v.sections[0]!.lines.map(plainText)).toEqual(['• 2026-11-26 10:05 UTC Decision: step 1 (@U_IC)']);
    expect(plainText(v.sections[1]!.heading)).toBe('Containment · 2026-11-26 10:10 UTC (now)');
    expect(v.sections[1]!.lines.map(plainText)).toEqual(['• 2026-11-26 10:12 UTC Decision: step 2 (@U_IC)']);
  });

  it('an entry at the instant of a phase change goes where it belongs: closure notice, review', () => {
    const i = reviewed(); // closed from mitigation at 12:00 (through closure), reviewed at 15:00
    const v = timelineView(i, playbook, [
      { ...entry(1, '2026-11-26T12:00:00.000Z', 'Closure notice sent'), kind: 'communication' },
      { ...entry(2, '2026-11-26T15:00:00.000Z', 'Post-incident review recorded'), kind: 'review' },
    ]);
    const under = (heading: string) =>
      v.sections.find((s) => plainText(s.heading).startsWith(heading))!.lines.map(plainText);
    expect(under('Closure')).toEqual([expect.stringContaining('Closure notice sent')]);
    expect(under('Post-incident review')).toEqual([expect.stringContaining('review recorded')]);
    expect(plainText(v.sections.at(-1)!.heading)).toBe('Done · 2026-11-26 15:00 UTC');
    expect(v.sections.at(-1)!.lines).toEqual([]);
  });

  it('bounded: the latest entries, each cut short, a count of the rest, the phase periods too', () => {
    let i: Incident = roomed();
    // eleven moves back and forth: twelve phase periods
    for (let n = 0; n < 11; n++)
      i =
        n % 2 === 0
          ? must(
              i,
              { type: 'advance_phase', confirmed: criteria('detection') },
              ctx(ic, new Date(minutes(n + 1))),
            )
          : must(
              i,
              { type: 'revert_phase', to: 'detection', reason: 'again' },
              ctx(ic, new Date(minutes(n + 1))),
            );
    const long = 'x'.repeat(5000);
    const entries = Array.from({ length: 400 }, (_, n) => entry(n, minutes(n / 10), `${n} ${long}`));
    const v = timelineView(i, playbook, entries);
    const lines = v.sections.flatMap((s) => s.lines).filter((l) => l.startsWith('•'));
    expect(lines).toHaveLength(TIMELINE_LIMITS.entries);
    expect(plain(lines)).toContain('399 xxx');
    expect(plain(lines)).not.toContain('384 xxx');
    for (const l of lines) expect(plainText(l).length).toBeLessThan(TIMELINE_LIMITS.entryChars + 60);
    expect(plainText(v.footer)).toMatch(/^Latest 15 of 400 entries/);
    expect(plainText(v.sections[0]!.heading)).toBe('4 earlier phase periods');
    const periods = v.sections.filter((s) => !plainText(s.heading).endsWith('not yet'));
    expect(periods).toHaveLength(1 + TIMELINE_LIMITS.spans);

    const slack = slackPost(timelinePost(v), i.key);
    expect(checkMessage({ text: slack.text, blocks: slack.blocks })).toEqual([]);
    const teams = teamsPost(timelinePost(v), i.key, () => undefined);
    expect(checkAdaptiveCard(teams.card)).toEqual([]);
  });

  it('the key times fill in: resolved, review, recap', () => {
    const i: Incident = {
      ...roomed(),
      initialAlertAt: minutes(9),
      closedAt: minutes(120),
      reviewedAt: minutes(3000),
      recap: { owedSince: minutes(3000), sentAt: minutes(3100), sentBy: 'U_COMMS' },
    };
    const m = plain(timelineView(i, playbook, []).milestones);
    expect(m).toContain('Initial alert: 2026-11-26 10:09 UTC');
    expect(m).toContain('Resolved: 2026-11-26 12:00 UTC');
    expect(m).toContain('Review: 2026-11-28 12:00 UTC');
    expect(m).toContain('Recap to stakeholders: 2026-11-28 13:40 UTC by @U_COMMS');
  });
});
