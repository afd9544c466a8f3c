// A text command a platform may deliver more than once (a Slack slash command retried, or sent to two
// replicas; a Teams message redelivered), the same for every platform. The defect this prevents: the
// delivery's sighting (its id in processed_events) was committed on its own before the command; a replica
// killed -9 between the two commits left a sighting without its command, and the retry was acknowledged
// and dropped although nothing was recorded. Now:
// - a command records the sighting in its own transaction, with its idempotency record
//   (CommandRequest.sighting); a command that failed records neither, so a redelivery runs it. An export
//   records it with the export (`recordExport`), after the platform delivered the files;
// - a reply that records nothing (a form to open, a list, help, a refusal in words) claims the sighting once
//   it is ready, before it is delivered: a duplicate then opens no second modal;
// - a sighting alone is never trusted to mean "handled" (one left by an older version killed in that
//   window, say): only with its command recorded. Otherwise the request runs again: a command's key makes
//   a concurrent duplicate a replay, and a reply that records nothing finds its claim taken and is dropped.
import type { Text } from '../domain/text.js';
import type { IncidentApp, Request, Surface } from './incident-app.js';
import { type Reply, textCommand } from './text-commands.js';

/**
 * True when this delivery was handled before: its sighting is recorded with the command it carries (the
 * request key). Drop it (an empty ack). Throws when the database does.
 */
export function handledBefore(app: IncidentApp, req: { sighting: string; key: string }): boolean {
  return app.deps.dedupe.seenWithCommand(req.sighting, req.key);
}

/**
 * Claims a delivery whose handling records nothing under its request key (a reply in words, a form; only
 * files shared, each filed by its own key): false when a delivery of it claimed it before.
 */
export function claimDelivery(app: IncidentApp, sighting: string): boolean {
  return app.firstSighting(sighting);
}

/**
 * textCommand for a delivery (`req.sighting` names it, the same on every retry; absent: nothing to
 * de-duplicate), its sighting recorded with what it records; null when another delivery of the same
 * request answered it already (drop this one). An `export` reply: pass the sighting on to `recordExport`.
 */
export function deliveredTextCommand(app: IncidentApp, s: Surface, req: Request, text: Text): Reply | null {
  const reply = textCommand(app, s, req, text);
  if (!req.sighting || reply.kind === 'answer' || reply.kind === 'export') return reply;
  return claimDelivery(app, req.sighting) ? reply : null;
}
