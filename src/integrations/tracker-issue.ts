// The backlog issue of a follow-up, tracker-neutral: a title tagged with the incident key, then what needs
// doing, the acceptance criteria, the owner, the due date, the control objective, the incident (and a link
// back to its room when known), and the marker that lets a retry find it. A confidential incident's title
// stays out of the backlog (only its key goes there), its room's name too: Slack names a room
// `inc-<date>-<title slug>`, Teams `<key>: <title>`. (Its follow-ups are not filed at all, decide/followups.ts:
// this is the second line of defence.)
import { type FollowUp, type Incident, OBJECTIVE_NAMES } from '../domain/incident.js';
import type { IssueDraft } from './tracker-client.js';

/** Unique to one follow-up of one incident; written into its issue (see TrackerClient.findByMarker). */
export const markerOf = (incidentKey: string, followupId: string) =>
  `incident-bot:${incidentKey}/${followupId}`;

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

export interface DraftNames {
  /** A person's display name, when the platform told the bot (the owner is named, never assigned). */
  nameOf?: (userId: string) => string | undefined;
  /** The control objective's name in the incident's playbook. */
  objectiveName?: (id: string) => string;
}

export function issueDraft(i: Incident, f: FollowUp, names: DraftNames = {}): IssueDraft {
  const owner = names.nameOf?.(f.owner);
  const platform = i.platform === 'teams' ? 'Teams' : i.platform === 'slack' ? 'Slack' : i.platform;
  const objective = names.objectiveName?.(f.objective) ?? OBJECTIVE_NAMES[f.objective] ?? f.objective;
  const incident = i.confidential ? i.key : `${i.key}: ${oneLine(i.title)}`;
  const roomName = i.confidential ? i.key : i.room?.name || i.key;
  return {
    title: `[${i.key}] ${oneLine(f.what)}`.slice(0, 250),
    paragraphs: [
      { label: 'What needs doing', text: f.what },
      { label: 'Acceptance criteria', text: f.acceptance ?? '(none recorded)' },
      {
        label: 'Owner',
        text: owner ? `${owner} (${platform} user ${f.owner})` : `${platform} user ${f.owner}`,
      },
      { label: 'Due', text: f.due },
      { label: 'Control objective', text: objective },
      { label: 'Incident', text: incident },
      ...(i.room?.link ? [{ label: 'Incident room', text: roomName, url: i.room.link }] : []),
      { text: `Filed by the incident bot for follow-up ${f.id} (${markerOf(i.key, f.id)}).` },
    ],
    label: i.key,
    due: f.due,
    marker: markerOf(i.key, f.id),
  };
}
