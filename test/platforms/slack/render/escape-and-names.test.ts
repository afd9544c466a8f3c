import { describe, expect, it } from 'vitest';
import { incidentChannelName, withSuffix } from '../../../../src/platforms/slack/channel-name.js';
import { blockTextLength, finalize, section } from '../../../../src/platforms/slack/render/blocks.js';
import { escapeMrkdwn, link, mention, truncate } from '../../../../src/platforms/slack/render/escape.js';
import { relative, slackDate } from '../../../../src/platforms/slack/render/time.js';

const VALID = /^[a-z0-9_-]{1,80}$/;
const day = new Date('2026-11-26T23:59:00Z');
const inc = (title: string, drill = false, key = 'INC-2026-0042') => ({ title, drill, key });

describe('escape', () => {
  it('escapes & < > only', () => {
    expect(escapeMrkdwn('<!channel> & <@U1> *bold* _x_')).toBe(
      '&lt;!channel&gt; &amp; &lt;@U1&gt; *bold* _x_',
    );
  });

  it('truncates visibly without cutting entities, tokens or surrogate pairs', () => {
    expect(truncate('abc', 10)).toBe('abc');
    const t = truncate(escapeMrkdwn('a'.repeat(10) + '&'.repeat(20)), 30);
    expect(t.length).toBeLessThanOrEqual(30);
    expect(t.endsWith('…(truncated)')).toBe(true);
    expect(t).not.toMatch(/&(?!amp;)/);
    const tok = truncate(`${'x'.repeat(20)} ${slackDate(day)}`, 40);
    expect(tok).not.toContain('<!date');
    const emoji = truncate('😀'.repeat(20), 15);
    expect(emoji).toBe(`😀${'…(truncated)'}`);
  });

  it('renders links and mentions safely', () => {
    expect(link('Guide', 'https://example.com/g')).toBe('<https://example.com/g|Guide>');
    expect(link('a|b <x>', 'runbooks/x.md')).toBe('a¦b &lt;x&gt; (`runbooks/x.md`)');
    expect(mention('U0ABC')).toBe('<@U0ABC>');
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('renders date tokens and relative times', () => {
    expect(slackDate(day)).toBe(
      `<!date^${day.getTime() / 1000}^{date_short_pretty} {time}|2026-11-26 23:59 UTC>`,
    );
    expect(relative(new Date(day.getTime() + 65 * 60_000), day)).toBe('in 1 h 5 min');
    expect(relative(new Date(day.getTime() - 5 * 60_000), day)).toBe('5 min overdue');
  });

  it('finalize keeps a message under the block text budget', () => {
    const blocks = Array.from({ length: 60 }, (_, n) => section('z'.repeat(2900), { blockId: `b${n}` }));
    const m = finalize({ text: '', blocks });
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    expect(blockTextLength(m.blocks)).toBeLessThanOrEqual(9500);
    expect(m.text.length).toBeGreaterThan(0);
  });
});

describe('incidentChannelName', () => {
  it('builds inc-{date}-{slug}', () => {
    expect(incidentChannelName(inc('Ingest pipeline hard down'), day)).toBe(
      'inc-2026-11-26-ingest-pipeline-hard-down',
    );
  });

  it('marks drills', () => {
    expect(incidentChannelName(inc('Kafka lag', true), day)).toBe('inc-drill-2026-11-26-kafka-lag');
  });

  it('folds unicode and drops emoji and punctuation, collapsing dashes', () => {
    expect(incidentChannelName(inc('Zürich  Börse — Ausfall!!! 🔥🔥 (API)'), day)).toBe(
      'inc-2026-11-26-zurich-borse-ausfall-api',
    );
    expect(incidentChannelName(inc('under_score ok'), day)).toBe('inc-2026-11-26-under_score-ok');
  });

  it('falls back to the incident number when nothing is left', () => {
    expect(incidentChannelName(inc('!!! ??? ...'), day)).toBe('inc-2026-11-26-0042');
    expect(incidentChannelName(inc('🔥🔥🔥'), day)).toBe('inc-2026-11-26-0042');
    expect(incidentChannelName(inc('東京 障害'), day)).toBe('inc-2026-11-26-0042');
  });

  it('stays within 80 characters without a trailing dash', () => {
    const n = incidentChannelName(inc('a-'.repeat(100)), day);
    expect(n.length).toBeLessThanOrEqual(80);
    expect(n).toMatch(VALID);
    expect(n.endsWith('-')).toBe(false);
    const long = incidentChannelName(inc('x'.repeat(200), true), day);
    expect(long).toHaveLength(80);
    expect(long.startsWith('inc-drill-2026-11-26-')).toBe(true);
  });

  it('adds -2, -3 ... within 80 characters', () => {
    const base = incidentChannelName(inc('y'.repeat(200)), day);
    expect(withSuffix(base, 2)).toHaveLength(80);
    expect(withSuffix(base, 2).endsWith('y-2')).toBe(true);
    expect(withSuffix(base, 20).endsWith('-20')).toBe(true);
    expect(withSuffix('inc-2026-11-26-short', 3)).toBe('inc-2026-11-26-short-3');
    for (let n = 2; n <= 20; n++) expect(withSuffix(base, n)).toMatch(VALID);
  });
});
