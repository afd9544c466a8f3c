// The debrief invitation's "Add to calendar" button in Teams. A bot cannot attach a file to a 1:1 chat
// without the file consent flow, so the card opens Teams' own meeting scheduling form instead, filled in
// from the debrief (the deep link https://teams.microsoft.com/l/meeting/new, Microsoft's "Deep link to a
// workflow in Teams": subject, startTime/endTime in long ISO 8601, content, attendees as UPNs/emails).
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { Incident } from '../../../domain/incident.js';
import type { Playbook } from '../../../domain/playbook.js';
import { debriefIcs } from '../../../views/debrief.js';
import type { CalendarEvent } from '../../../views/ics.js';
import type { El } from './card-kit.js';

/** Teams shows the meeting's details as typed; a long agenda is cut (the card itself carries it whole). */
const MAX_CONTENT = 1000;

/** 2026-11-30T14:00:00+00:00: the long ISO 8601 form Teams' documentation shows. */
const longIso = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00');

export function teamsMeetingLink(e: CalendarEvent): string {
  const attendees = (e.attendees ?? []).map((a) => a.email).join(',');
  const params = [
    ['subject', e.summary],
    ['startTime', longIso(e.start)],
    ['endTime', longIso(e.end)],
    ['content', e.description.slice(0, MAX_CONTENT)],
    ...(attendees ? [['attendees', attendees]] : []),
  ];
  return `https://teams.microsoft.com/l/meeting/new?${params
    .map(([k, v]) => `${k}=${encodeURIComponent(v ?? '')}`)
    .join('&')}`;
}

/** The invitation card with its "Add to calendar" button (the card unchanged when no debrief is set). */
export function withAddToCalendar(
  card: IAdaptiveCard,
  incident: Incident,
  pb: Playbook,
  data: Record<string, unknown>,
  nameOf: (id: string) => string | undefined,
): IAdaptiveCard {
  const file = debriefIcs(incident, pb, data, { nameOf });
  if (!file) return card;
  const c = card as El;
  const open: El = { type: 'Action.OpenUrl', title: 'Add to calendar', url: teamsMeetingLink(file.event) };
  return { ...c, actions: [...((c.actions as El[] | undefined) ?? []), open] } as IAdaptiveCard;
}
