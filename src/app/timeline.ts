// The room's timeline as every platform renders it: the key entries of the decision log (domain/timeline.ts
// says which) in the export's wording, in time order, into the view (views/timeline.ts). Forward phase moves
// are left out: the view's phase headings show them; moves back and stand-downs stay (their reason matters).
import type { Incident } from '../domain/incident.js';
import { TIMELINE_KINDS } from '../domain/timeline.js';
import { byTime, summaryLine } from '../export/format.js';
import { parseLogRow, type RecordEntry } from '../export/incident-record.js';
import { type TimelineEntry, type TimelineView, timelineView } from '../views/timeline.js';
import type { IncidentApp } from './incident-app.js';

export function timelineEntries(app: IncidentApp, incident: Incident): TimelineEntry[] {
  const pb = app.playbookFor(incident);
  const entries: RecordEntry[] = [];
  for (const row of app.logEntries(incident.key)) {
    if (!TIMELINE_KINDS.has(row.kind)) continue;
    let e: RecordEntry;
    try {
      e = parseLogRow(row);
    } catch {
      continue; // a damaged row: the export refuses the record and says why; the room's view skips it
    }
    if (e.kind === 'phase' && e.payload.move === 'forward') continue;
    entries.push(e);
  }
  return byTime(entries).map((e) => ({
    seq: e.seq,
    at: e.at,
    kind: e.kind,
    actor: e.actor?.id ?? '',
    text: summaryLine(e, pb),
  }));
}

/** The incident's timeline as it stands now. */
export function timelineOf(app: IncidentApp, incident: Incident): TimelineView {
  return timelineView(incident, app.playbookFor(incident), timelineEntries(app, incident));
}
