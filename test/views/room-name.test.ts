// Room names: the handbook's `inc-{date}-{short-description}`, except for a confidential incident, whose
// private channel is still named to workspace and team admins: its number only.
import { describe, expect, it } from 'vitest';
import { incidentChannelName } from '../../src/platforms/slack/channel-name.js';
import { teamsChannelName } from '../../src/platforms/teams/graph/channel-name.js';
import { incidentRoomName } from '../../src/views/room-name.js';

const day = new Date('2026-11-30T09:00:00Z');
const leak = { key: 'INC-2026-0042', title: 'Vendor X leaked prod DB credentials', drill: false };

describe('room names', () => {
  it('a public incident: the date and its title', () => {
    expect(incidentRoomName(leak, day, 80)).toBe('inc-2026-11-30-vendor-x-leaked-prod-db-credentials');
  });

  it('a confidential incident: the date and its number, on Slack and Teams', () => {
    const secret = { ...leak, confidential: true };
    expect(incidentRoomName(secret, day, 80)).toBe('inc-2026-11-30-0042');
    expect(incidentChannelName(secret, day)).toBe('inc-2026-11-30-0042');
    expect(teamsChannelName(secret, day)).toBe('inc-2026-11-30-0042');
  });
});
