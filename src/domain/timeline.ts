// The incident's timeline in its room (handbook, golden hour: "Create an incident channel and populate the
// timeline template"): a live view posted when the room is made and refreshed when a key entry joins the
// decision log. Which entries are key is decided here, once, for the refresh and for the view alike.
import type { Decision } from './decide/context.js';
import { view } from './decide/context.js';
import type { LogKind } from './effects.js';

/**
 * What the timeline shows: what happened, what was decided and said, and when (not role claims, ticks,
 * reminders or deliveries: the summary and checklist show those, and they would drown the story).
 */
export const TIMELINE_KINDS: ReadonlySet<string> = new Set<LogKind>([
  'declared',
  'phase',
  'decision',
  'note',
  'evidence',
  'correction',
  'communication',
  'reclassified',
  'closed',
  'stood_down',
  'review',
  // a monitoring alert added to the incident, or resolved ("alert resolved at …": decide/alerts.ts)
  'alert',
]);

/**
 * Adds a refresh of the timeline to a decision that logged a key entry in an incident that has a room.
 * A burst of entries costs one update: the dispatcher supersedes a queued refresh of the same view.
 */
export function withTimelineRefresh(d: Decision): Decision {
  if (!d.ok || !d.incident.room) return d;
  const refreshes = d.effects.some(
    (e) => e.type === 'message' && e.body.kind === 'view' && e.body.view === 'timeline',
  );
  if (refreshes || !d.effects.some((e) => e.type === 'log' && TIMELINE_KINDS.has(e.kind))) return d;
  return { ...d, effects: [...d.effects, view('timeline')] };
}
