// Slack channel names for incidents: the shared room name (src/views/room-name.ts) within Slack's limits:
// a-z 0-9 - _ only, at most 80 characters.
import type { Incident } from '../../domain/incident.js';
import { incidentRoomName, roomNameWithSuffix } from '../../views/room-name.js';

export { slugify } from '../../views/room-name.js';

export const MAX_CHANNEL_NAME = 80;

export function incidentChannelName(
  incident: Pick<Incident, 'title' | 'key' | 'drill' | 'confidential'>,
  date: Date,
): string {
  return incidentRoomName(incident, date, MAX_CHANNEL_NAME);
}

/** `name-2`, `name-3` ..., cutting the name so the result stays within 80 characters. */
export function withSuffix(name: string, n: number): string {
  return roomNameWithSuffix(name, n, MAX_CHANNEL_NAME);
}
