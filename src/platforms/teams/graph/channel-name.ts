// Teams channel names for incidents: the shared room name (src/views/room-name.ts) within Teams' rules for a
// channel's displayName: at most 50 characters; none of ~ # % & * { } + / \ : < > ? | ' "; no leading
// underscore or period, no trailing period. The shared slug already keeps to a-z 0-9 - _; `teamsSafeName`
// enforces the rules on any name (a renamed `closed-…` channel, a name read back from Graph).
import type { Incident } from '../../../domain/incident.js';
import { incidentRoomName, roomNameWithSuffix } from '../../../views/room-name.js';

export const MAX_TEAMS_CHANNEL_NAME = 50;

const RESERVED = /[~#%&*{}+/\\:<>?|'"]/g;

/** A name Teams accepts: reserved characters become dashes, bad ends trimmed, cut to 50 characters. */
export function teamsSafeName(name: string, fallback = 'incident'): string {
  const cleaned = (s: string) =>
    s
      .replace(RESERVED, '-')
      .replace(/[\u0000-\u001f]/g, '')
      .replace(/-{2,}/g, '-')
      .replace(/^[\s_.-]+/, '')
      .replace(/[\s.-]+$/, '');
  const out = cleaned(cleaned(name).slice(0, MAX_TEAMS_CHANNEL_NAME));
  return out || fallback;
}

export function teamsChannelName(
  incident: Pick<Incident, 'title' | 'key' | 'drill' | 'confidential'>,
  date: Date,
): string {
  return teamsSafeName(incidentRoomName(incident, date, MAX_TEAMS_CHANNEL_NAME));
}

/** `name-2`, `name-3` …, within 50 characters. */
export function teamsChannelNameWithSuffix(name: string, n: number): string {
  return teamsSafeName(roomNameWithSuffix(name, n, MAX_TEAMS_CHANNEL_NAME));
}

/** The name an archived-by-rename channel takes: `closed-` + its name, within 50 characters. */
export function closedChannelName(name: string): string {
  return name.startsWith('closed-') ? name : teamsSafeName(`closed-${name}`);
}
