// The room's timeline as every platform renders it: the key entries of the decision log (domain/timeline.ts
// says which) in the export's wording, in time order, into the view (views/timeline.ts). Forward phase moves
// are left out: the view's phase headings show them; moves back and stand-downs stay (their reason matters).
// Only the newest entries are read whole (keyLogEntries): a refresh costs the same on the thousandth entry.
import type { Incident } from '../domain/incident.js';
import { TIMELINE_KINDS } from '../domain/timeline.js';
import { byTime, summaryLine } from '../export/format.js';
import { parseLogRow, type RecordEntry } from '../export/incident-record.js';
import { TIMELINE_LIMITS, type TimelineEntry, type TimelineView, timelineView } from '../views/timeline.js';
import type { IncidentApp } from './incident-app.js';

/** Rows read whole: the view shows the newest TIMELINE_LIMITS.entries; a few more for entries dated earlier. */
const RECENT_ROWS = TIMELINE_LIMITS.entries * 3;

/**
 * The key entries of the incident, oldest first: the newest read whole, the older ones only by their time (the
 * view counts them per phase and never shows them). Reading the whole log on every refresh would grow with
 * the incident and run on the event loop acks wait for.
 */
export function timelineEntries(app: IncidentApp, incident: Incident): TimelineEntry[] {
  const pb = app.playbookFor(incident);
  const { recent, times } = app.keyLogEntries(incident.key, [...TIMELINE_KINDS], RECENT_ROWS);
  const entries: RecordEntry[] = [];
  for (const row of recent) {
    try {
      entries.push(parseLogRow(row));
    } catch {
      // a damaged row: the export refuses the record and says why; the room's view skips it
    }
  }
  const older = times
    .slice(0, Math.max(0, times.length - recent.length))
    .map((at): TimelineEntry => ({ seq: 0, at, kind: 'earlier', actor: '', text: '' }));
  const shown = byTime(entries).map((e) => ({
    seq: e.seq,
    at: e.at,
    kind: e.kind,
    actor: e.actor?.id ?? '',
    text: summaryLine(e, pb),
  }));
  return [...older, ...shown];
}

/** The incident's timeline as it stands now. */
export function timelineOf(app: IncidentApp, incident: Incident): TimelineView {
  return timelineView(incident, app.playbookFor(incident), timelineEntries(app, incident));
}
