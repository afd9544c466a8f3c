// Slack channel names for incidents: `inc-{YYYY-MM-DD}-{slug}` (drills: `inc-drill-{YYYY-MM-DD}-{slug}`).
// Slack allows a-z 0-9 - _ only, at most 80 characters.
import type { Incident } from '../../domain/incident.js';

export const MAX_CHANNEL_NAME = 80;

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

export function incidentChannelName(incident: Pick<Incident, 'title' | 'key' | 'drill'>, date: Date): string {
  const prefix = `inc-${incident.drill ? 'drill-' : ''}${date.toISOString().slice(0, 10)}-`;
  let slug = slugify(incident.title);
  if (!slug) slug = incidentNumber(incident.key);
  const name = trimEnd(`${prefix}${slug}`.slice(0, MAX_CHANNEL_NAME));
  // The slug may have been cut down to nothing but dashes.
  return name.length > prefix.length - 1
    ? name
    : `${prefix}${incidentNumber(incident.key)}`.slice(0, MAX_CHANNEL_NAME);
}

/** `name-2`, `name-3` ..., cutting the name so the result stays within 80 characters. */
export function withSuffix(name: string, n: number): string {
  const suffix = `-${n}`;
  return `${trimEnd(name.slice(0, MAX_CHANNEL_NAME - suffix.length))}${suffix}`;
}
