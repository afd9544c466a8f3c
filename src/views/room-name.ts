// An incident room's name, the same on every platform that names rooms: `inc-{YYYY-MM-DD}-{slug}` (drills:
// `inc-drill-{YYYY-MM-DD}-{slug}`), the handbook's `#inc-{date}-{short-description}`. Each platform passes
// its own length limit (Slack 80, Teams 50); the slug only ever holds a-z 0-9 - _.
import type { Incident } from '../domain/incident.js';

/** Lowercase a-z 0-9 - _ only; accents folded, everything else a dash; dashes collapsed and trimmed. */
export function slugify(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

function trimEnd(s: string): string {
  return s.replace(/[-_]+$/g, '');
}

/** The incident's number for a fallback slug: the trailing digits of its key (INC-2026-0042 -> 0042). */
function incidentNumber(key: string): string {
  const m = /(\d+)\D*$/.exec(key);
  return m ? m[1]! : slugify(key) || 'incident';
}

export function incidentRoomName(
  incident: Pick<Incident, 'title' | 'key' | 'drill'> & { confidential?: boolean | undefined },
  date: Date,
  max: number,
): string {
  const prefix = `inc-${incident.drill ? 'drill-' : ''}${date.toISOString().slice(0, 10)}-`;
  // A private channel's name is still seen by workspace and team admins (and the channel's SharePoint site):
  // a confidential incident's room is named by its number, never its title.
  let slug = incident.confidential ? '' : slugify(incident.title);
  if (!slug) slug = incidentNumber(incident.key);
  const name = trimEnd(`${prefix}${slug}`.slice(0, max));
  // The slug may have been cut down to nothing but dashes.
  return name.length > prefix.length - 1 ? name : `${prefix}${incidentNumber(incident.key)}`.slice(0, max);
}

/** `name-2`, `name-3` ..., cutting the name so the result stays within `max` characters. */
export function roomNameWithSuffix(name: string, n: number, max: number): string {
  const suffix = `-${n}`;
  return `${trimEnd(name.slice(0, max - suffix.length))}${suffix}`;
}
