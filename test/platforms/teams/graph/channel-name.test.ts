import { describe, expect, it } from 'vitest';
import { incidentChannelName } from '../../../../src/platforms/slack/channel-name.js';
import {
  closedChannelName,
  MAX_TEAMS_CHANNEL_NAME,
  teamsChannelName,
  teamsChannelNameWithSuffix,
  teamsSafeName,
} from '../../../../src/platforms/teams/graph/channel-name.js';

const DAY = new Date('2026-03-04T10:00:00Z');
const inc = (title: string, drill = false) => ({ key: 'INC-2026-0042', title, drill });

describe('Teams incident channel names', () => {
  it('are named like Slack channels: inc-{date}-{short description}', () => {
    expect(teamsChannelName(inc('DB failover'), DAY)).toBe('inc-2026-03-04-db-failover');
    expect(teamsChannelName(inc('DB failover'), DAY)).toBe(incidentChannelName(inc('DB failover'), DAY));
    expect(teamsChannelName(inc('Drill run', true), DAY)).toBe('inc-drill-2026-03-04-drill-run');
  });

  it('stay within 50 characters, cut on a word without a trailing dash', () => {
    const name = teamsChannelName(inc('Market data feed from the primary exchange is completely stale'), DAY);
    expect(name.length).toBeLessThanOrEqual(MAX_TEAMS_CHANNEL_NAME);
    expect(name).toBe('inc-2026-03-04-market-data-feed-from-the-primary-e');
    expect(teamsChannelName(inc('x'.repeat(200)), DAY)).toHaveLength(50);
  });

  it("never hold Teams' reserved characters, whatever the title", () => {
    const name = teamsChannelName(inc(`~#%&*{}+/\\:<>?|'" pay & "settle" 100%`), DAY);
    expect(name).toBe('inc-2026-03-04-pay-settle-100');
    expect(name).not.toMatch(/[~#%&*{}+/\\:<>?|'"]/);
    // a title of nothing but symbols: the incident's number
    expect(teamsChannelName(inc('¿¡%%%!!'), DAY)).toBe('inc-2026-03-04-0042');
  });

  it('teamsSafeName: reserved characters, leading underscore or period, trailing period', () => {
    expect(teamsSafeName('_hidden')).toBe('hidden');
    expect(teamsSafeName('.dot.start.')).toBe('dot.start');
    expect(teamsSafeName('a:b/c?d')).toBe('a-b-c-d');
    expect(teamsSafeName('ends with period.')).toBe('ends with period');
    expect(teamsSafeName('#%&')).toBe('incident');
    expect(teamsSafeName(`${'a'.repeat(49)}.b`)).toBe('a'.repeat(49));
  });

  it('suffixes and closed- names stay within 50 characters', () => {
    const long = teamsChannelName(inc('y'.repeat(100)), DAY);
    const second = teamsChannelNameWithSuffix(long, 2);
    expect(second).toHaveLength(50);
    expect(second.endsWith('-2')).toBe(true);
    expect(teamsChannelNameWithSuffix('inc-2026-03-04-db', 12)).toBe('inc-2026-03-04-db-12');
    expect(closedChannelName('inc-2026-03-04-db-failover')).toBe('closed-inc-2026-03-04-db-failover');
    expect(closedChannelName(long)).toHaveLength(50);
    expect(closedChannelName('closed-x')).toBe('closed-x');
  });
});
