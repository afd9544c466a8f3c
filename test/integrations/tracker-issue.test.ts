// The backlog issue drafted for a follow-up (src/integrations/tracker-issue.ts): a confidential incident's
// title reaches the firm-wide backlog neither as the incident's name nor through its room's name (Slack:
// `inc-<date>-<title slug>`, Teams: `<key>: <title>`); another incident's does, with a link to its room.
import { describe, expect, it } from 'vitest';
import type { FollowUp, Incident, Room } from '../../src/domain/incident.js';
import { issueDraft } from '../../src/integrations/tracker-issue.js';
import { declared } from '../helpers/scenario.js';

const TITLE = 'Payroll export leaked to vendor';
const f: FollowUp = {
  id: 'FU-1',
  what: 'Rotate the vendor SFTP keys',
  owner: 'U_BOB',
  due: '2026-12-10',
  objective: 'risk',
  state: 'open',
  createdAt: '2026-11-26T10:00:00.000Z',
  createdBy: 'U_IC',
  doneAt: null,
  acceptance: 'The old keys are refused',
};

const rooms: Room[] = [
  {
    platform: 'slack',
    id: 'C0ROOM',
    name: 'inc-2026-11-26-payroll-export-leaked-to-vendor',
    link: 'https://acme.slack.com/archives/C0ROOM',
  },
  {
    platform: 'teams',
    id: '19:room@thread.tacv2',
    name: `INC-2026-0001: ${TITLE}`,
    link: 'https://teams.microsoft.com/l/channel/19%3Aroom',
  },
];

const withRoom = (confidential: boolean, room: Room): Incident => ({
  ...declared({ title: TITLE, confidential }),
  room,
});

describe('issueDraft', () => {
  for (const room of rooms)
    it(`a confidential incident (${room.platform} room): neither its title nor its room's name`, () => {
      const draft = issueDraft(withRoom(true, room), f);
      const sent = JSON.stringify(draft).toLowerCase();
      expect(sent).not.toContain('payroll');
      expect(sent).not.toContain(room.name.toLowerCase());
      // still a link to the room, named by the key
      expect(draft.paragraphs).toContainEqual({
        label: 'Incident room',
        text: 'INC-2026-0001',
        url: room.link,
      });
      expect(draft.paragraphs).toContainEqual({ label: 'Incident', text: 'INC-2026-0001' });
    });

  it("another incident: its title and its room's name", () => {
    const draft = issueDraft(withRoom(false, rooms[0]!), f);
    expect(draft.paragraphs).toContainEqual({ label: 'Incident', text: `INC-2026-0001: ${TITLE}` });
    expect(draft.paragraphs).toContainEqual({
      label: 'Incident room',
      text: rooms[0]!.name,
      url: rooms[0]!.link,
    });
  });
});
