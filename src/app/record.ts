// The scribe's record, the same from every platform: a message logged (as a note or a decision, with its
// author, original time and link), files shared as evidence, edits and deletions of logged messages, and
// the export of the review document.
import type { Command, MessageSource } from '../domain/commands.js';
import type { Incident } from '../domain/incident.js';
import { type Text, userText } from '../domain/text.js';
import type { ExportFiles } from '../export/export-files.js';
import { renderPhaseSvg } from '../export/export-svg.js';
import { summaryLine } from '../export/format.js';
import { parseLogRow, RecordError } from '../export/incident-record.js';
import { type Answer, answerFor, type Outcome } from './answers.js';
import type { IncidentApp, Request } from './incident-app.js';

export const ALREADY_LOGGED: Text = 'That message is already in the incident log.';

export interface MessageToLog {
  source: MessageSource;
  text: string;
}

/** What to log: a note, or a decision (the note is then its rationale). */
export function logCommand(m: MessageToLog, o: { decision?: boolean; note?: string } = {}): Command {
  const note = o.note?.trim();
  if (o.decision)
    return {
      type: 'decision',
      text: m.text.trim() || '(no text)',
      ...(note ? { rationale: note } : {}),
      source: m.source,
    };
  return { type: 'log', text: m.text, ...(note ? { note } : {}), source: m.source };
}

/** Logs a message in an incident; "already in the log" is an answer, never a second entry. */
export function logMessage(
  app: IncidentApp,
  req: Request,
  incident: Incident,
  m: MessageToLog,
  o: { decision?: boolean; note?: string } = {},
): { outcome: Outcome | null; answer: Answer } {
  if (!app.mayRead(incident, req.actor, req.roomId))
    return { outcome: null, answer: { ok: false, replay: false, text: app.notMember(incident), others: [] } };
  if (incident.loggedMessages.includes(m.source.messageId))
    return { outcome: null, answer: { ok: false, replay: false, text: ALREADY_LOGGED, others: [] } };
  const { outcome, answer } = app.act({
    key: req.key,
    incidentKey: incident.key,
    command: logCommand(m, o),
    actor: req.actor,
    ...(req.roomId ? { roomId: req.roomId } : {}),
  });
  if (!outcome.ok) {
    const text = outcome.error.code === 'already_logged' ? ALREADY_LOGGED : answer.text;
    return { outcome, answer: { ...answer, text } };
  }
  const where = incident.room?.id && incident.room.id === req.roomId ? '' : ` (${incident.key})`;
  return {
    outcome,
    answer: { ...answer, text: `📝 ${answer.text || 'Added to the incident log.'}${where}` },
  };
}

/** Waits before each in-process retry of a command the database refused. */
const RETRY_MS = [200, 1000, 3000];

/**
 * Runs a command for an event the platform will not deliver again (it was acknowledged before it ran): a
 * command the database refused (busy, I/O) is tried again here. The request key makes a retry a replay.
 */
export async function runWithRetries(
  app: IncidentApp,
  req: Parameters<IncidentApp['run']>[0],
  delays: readonly number[] = RETRY_MS,
): Promise<Outcome> {
  let outcome = app.run(req);
  for (const ms of delays) {
    if (outcome.ok || !('internal' in outcome)) break;
    await new Promise((r) => setTimeout(r, ms));
    outcome = app.run(req);
  }
  return outcome;
}

/** Renders the review document and its timeline (nothing is recorded yet: see recordExport). */
export async function exportFiles(
  app: IncidentApp,
  incident: Incident,
  o: { withData?: boolean } = {},
): Promise<{ ok: true; files: ExportFiles } | { ok: false; text: Text }> {
  const now = app.now().toISOString();
  try {
    const files = await app.deps.renderExport(incident.key, {
      opts: {
        generatedAt: now,
        ...(incident.closedAt ? {} : { end: now }),
        ...(o.withData ? { withData: true } : {}),
      },
      fallbackPlaybook: app.playbookFor(incident),
    });
    return files ? { ok: true, files } : { ok: false, text: 'This incident no longer exists.' };
  } catch (e) {
    if (e instanceof RecordError) {
      // The record does not verify: say so, and never hand out a document built from it.
      app.log.error(
        { err: e, incident: incident.key },
        'AUDIT ALERT: the record does not verify; export refused',
      );
      app.deps.onTampered?.();
      return { ok: false, text: userText(e.message) };
    }
    app.log.error({ err: e, incident: incident.key }, 'export rendering failed');
    return { ok: false, text: 'I could not render the review document; nothing was exported.' };
  }
}

/** One decision-log entry as a line for people (the export's wording). */
export interface LogLine {
  seq: number;
  at: string;
  actor: string;
  kind: string;
  text: string;
}

/** The newest `limit` entries of the incident's decision log, oldest first. */
export function recentLog(app: IncidentApp, incident: Incident, limit = 50): LogLine[] {
  const pb = app.playbookFor(incident);
  return app
    .logEntries(incident.key)
    .slice(-limit)
    .map((row) => {
      const e = parseLogRow(row);
      return { seq: e.seq, at: e.at, actor: e.actor?.id ?? '', kind: e.kind, text: summaryLine(e, pb) };
    });
}

/** The incident's phase timeline as an SVG picture, as it stands now (the same one the export carries). */
export function timelineSvg(app: IncidentApp, incident: Incident): string {
  return renderPhaseSvg(
    incident,
    app.playbookFor(incident),
    incident.closedAt ? {} : { end: app.now().toISOString() },
  );
}

/** Records that the review document was exported (after the platform delivered it). */
export function recordExport(app: IncidentApp, req: Request, incident: Incident, format = 'md'): Answer {
  return answerFor(
    app.run({
      key: req.key,
      incidentKey: incident.key,
      command: { type: 'export', format },
      actor: req.actor,
      ...(req.roomId ? { roomId: req.roomId } : {}),
      ...(req.sighting ? { sighting: req.sighting } : {}),
    }),
    req.actor.id,
  );
}
