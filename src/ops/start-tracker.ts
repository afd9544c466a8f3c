// The firm's backlog wired into the running bot (src/bot.ts; the Teams test boot too): the outbox sender
// that files follow-ups (registered as `senders.tracker`) and the poller that reads their state back.
import type { IncidentApp } from '../app/incident-app.js';
import type { AppLogger, Sender } from '../app/ports.js';
import type { TrackerTarget } from '../integrations/tracker-client.js';
import { TrackerSender, trackerClient } from '../integrations/tracker-sender.js';
import type { Db } from '../storage/sqlite/open-database.js';
import { TeamsRefStore } from '../storage/sqlite/teams-refs-store.js';
import { trackedIncidents } from '../storage/sqlite/tracked-followups.js';
import { TrackerPoller } from './tracker-poller.js';

export interface TrackerParts {
  sender: TrackerSender;
  poller: TrackerPoller;
}

export function trackerParts(o: {
  target: TrackerTarget;
  app: IncidentApp;
  db: Db;
  everyMinutes: number;
  logger?: AppLogger;
}): TrackerParts {
  const client = trackerClient(o.target);
  // Names the platforms told the bot (Teams keeps them): the issue names the owner, it never assigns.
  const people = new TeamsRefStore(o.db);
  return {
    sender: new TrackerSender({
      client,
      app: o.app,
      nameOf: (id) => people.nameOf(id),
      ...(o.logger ? { logger: o.logger } : {}),
    }),
    poller: new TrackerPoller({
      client,
      app: o.app,
      tracked: () => trackedIncidents(o.db),
      everyMinutes: o.everyMinutes,
      ...(o.logger ? { logger: o.logger } : {}),
    }),
  };
}

/** Registers the tracker's sender as `senders.tracker` (src/bot.ts) and returns the poller, not started. */
export function startTracker(
  o: Parameters<typeof trackerParts>[0] & { senders: Record<string, Sender> },
): TrackerPoller {
  const parts = trackerParts(o);
  o.senders.tracker = parts.sender;
  return parts.poller;
}
