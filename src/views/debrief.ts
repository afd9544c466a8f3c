// The debrief invitation as every platform shows it: the 1:1 post (when, who facilitates, where, the
// agenda from the playbook's review), the room's line naming who was invited, and the event behind the
// calendar file (./ics.ts) and Teams' "Add to calendar" link. Wording is shared; user text is sanitised.
import { DEFAULT_DEBRIEF, debriefAgenda, debriefEnd } from '../domain/debrief.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { BOT_ID, code, command, link, mention, strong, type Text, time, userText } from '../domain/text.js';
import { drillPrefix } from './format.js';
import { type CalendarEvent, type CalendarPerson, icsCalendar } from './ics.js';
import { type PostView, simplePost } from './post.js';

/** The post template (and PostView name) of the 1:1 invitation: platforms add their calendar affordance. */
export const DEBRIEF_INVITE = 'debrief_invite';

/** What an invitation carries (the message's data, as the core wrote it at close). */
export interface DebriefData {
  at: string;
  minutes: number;
  scheduledAt: string;
  facilitator: string | null;
  meetingUrl?: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const isTime = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** The invitation's data read defensively (falling back on the incident's own debrief record). */
export function debriefData(i: Incident, d: Record<string, unknown>): DebriefData | null {
  const at = isTime(d.at) ? d.at : i.debrief?.at;
  if (!at) return null;
  const minutes =
    typeof d.minutes === 'number' && d.minutes > 0
      ? d.minutes
      : (i.debrief?.minutes ?? DEFAULT_DEBRIEF.minutes);
  const meetingUrl = str(d.meetingUrl) ?? i.debrief?.meetingUrl;
  return {
    at,
    minutes,
    scheduledAt: isTime(d.scheduledAt) ? d.scheduledAt : (i.debrief?.scheduledAt ?? i.closedAt ?? at),
    facilitator: str(d.facilitator) ?? i.reviewFacilitator,
    ...(meetingUrl && /^https?:\/\//i.test(meetingUrl) ? { meetingUrl } : {}),
  };
}

/** The 1:1 invitation. */
export function debriefInviteView(i: Incident, pb: Playbook, data: Record<string, unknown>): PostView {
  const d = debriefData(i, data);
  if (!d)
    return simplePost(i, DEBRIEF_INVITE, 'debrief', [`📅 Post-incident debrief of ${strong(i.key)}.`], i.key);
  return simplePost(
    i,
    DEBRIEF_INVITE,
    'debrief invitation',
    [
      `📅 ${strong('You are invited to the post-incident debrief')} of ${strong(i.key)}: ${userText(i.title)}.`,
      `${strong('When')}: ${time(d.at)} (${d.minutes} minutes)`,
      ...(d.facilitator ? [`${strong('Facilitator')}: ${mention(d.facilitator)}`] : []),
      ...(d.meetingUrl ? [`${strong('Where')}: ${link('join the meeting', d.meetingUrl)}`] : []),
      `${strong('Agenda')}:`,
      ...debriefAgenda(pb).map((a, n) => `${n + 1}. ${userText(a)}`),
      `The review is recorded in the incident's room with ${command('review')}.`,
    ],
    `Debrief of ${i.key} on ${d.at.slice(0, 16).replace('T', ' ')} UTC: you are invited`,
  );
}

/** The room's line: who was invited, when the debrief is. */
export function debriefInvitedView(i: Incident, _pb: Playbook, data: Record<string, unknown>): PostView {
  const d = debriefData(i, data);
  const users = Array.isArray(data.users) ? data.users.filter((u): u is string => typeof u === 'string') : [];
  const followup = str(data.followup);
  const left = typeof data.notInvited === 'number' ? data.notInvited : 0;
  const when = d
    ? ` on ${time(d.at)} (${d.minutes} minutes)${d.facilitator ? `, facilitated by ${mention(d.facilitator)}` : ''}`
    : '';
  const lines: Text[] = [
    followup
      ? `📅 ${mention(users[0] ?? '')} owns follow-up ${code(followup)}: invited to the debrief${when}.`
      : `📅 ${strong('Debrief')}${when}: invitations sent to ${users.length ? users.map(mention).join(', ') : 'nobody'}, each with a calendar entry.`,
    ...(left
      ? [`${left} more responders were not invited (at most 100 at once): forward the invitation to them.`]
      : []),
  ];
  return simplePost(i, 'debrief_invited', 'debrief invitations', lines, `${i.key}: debrief invitations sent`);
}

/** A stable, globally unique UID: the incident's key and declaration time (a key alone recurs elsewhere). */
export function debriefUid(i: Incident): string {
  return `debrief-${i.key}-${i.declaredAt.replace(/[-:]|\.\d{3}/g, '')}@incident-bot`;
}

export function debriefFileName(i: Incident): string {
  return `${i.key.replace(/[^\w.-]/g, '_')}-debrief.ics`;
}

export interface DebriefPeople {
  /** A display name the platform knows. */
  nameOf?: (user: string) => string | undefined;
  /** An email the platform knows (only those become ATTENDEE and ORGANIZER lines). */
  emailOf?: (user: string) => string | undefined;
}

/**
 * How a calendar names the incident. Calendars are read by delegates and shown as free/busy to colleagues:
 * a confidential incident is named by its key only.
 */
function named(i: Incident): string {
  return i.confidential ? `${i.key} (confidential)` : `${i.key}: ${i.title}`;
}

/** The calendar event of the debrief (the .ics file, Teams' meeting link). */
export function debriefEvent(
  i: Incident,
  pb: Playbook,
  d: DebriefData,
  people: DebriefPeople = {},
): CalendarEvent {
  const name = (u: string) => (u === BOT_ID ? 'incident bot' : (people.nameOf?.(u) ?? u));
  const personOf = (u: string): CalendarPerson | null => {
    const email = people.emailOf?.(u);
    return email ? { email, name: name(u) } : null;
  };
  const description = [
    `Post-incident debrief of ${named(i)}`,
    ...(i.drill ? ['DRILL: this is an exercise, not a real incident.'] : []),
    ...(d.facilitator ? [`Facilitator: ${name(d.facilitator)}`] : []),
    ...(d.meetingUrl ? [`Meeting: ${d.meetingUrl}`] : []),
    'Agenda:',
    ...debriefAgenda(pb).map((a, n) => `${n + 1}. ${a}`),
    "The review is recorded in the incident's room (incident review).",
  ].join('\n');
  const organizer = d.facilitator ? personOf(d.facilitator) : null;
  const attendees = (i.debrief?.invited ?? []).map(personOf).filter((p): p is CalendarPerson => p !== null);
  return {
    uid: debriefUid(i),
    stamp: d.scheduledAt,
    start: d.at,
    end: debriefEnd(d),
    summary: `${drillPrefix(i)}Debrief: ${named(i)}`.slice(0, 250),
    description,
    ...(d.meetingUrl ? { location: d.meetingUrl, url: d.meetingUrl } : {}),
    ...(organizer ? { organizer } : {}),
    ...(attendees.length ? { attendees } : {}),
  };
}

/** The .ics file of the incident's debrief, or null when none is scheduled. */
export function debriefIcs(
  i: Incident,
  pb: Playbook,
  data: Record<string, unknown> = {},
  people: DebriefPeople = {},
): { name: string; content: string; event: CalendarEvent } | null {
  const d = debriefData(i, data);
  if (!d) return null;
  const event = debriefEvent(i, pb, d, people);
  return { name: debriefFileName(i), content: icsCalendar(event), event };
}
