// Membership as the application layer keeps it: joins and leaves the platforms report, the incidents a
// person may see (lists) and pick (the log shortcut), and asking the platform about someone the record
// does not know yet, before they are refused. The rules themselves are in src/domain/membership.ts.
import type { Actor, Incident } from '../domain/incident.js';
import { isMember } from '../domain/membership.js';
import { botActor, type IncidentApp, type Surface } from './incident-app.js';

/** How long a platform look-up may take before the known membership is used alone. */
const LOOKUP_MS = 1500;

async function roomsOf(s: Surface, userId: string): Promise<Set<string> | null> {
  if (!s.roomsOf) return null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const rooms = await Promise.race([
      s.roomsOf(userId),
      new Promise<null>((ok) => {
        timer = setTimeout(() => ok(null), LOOKUP_MS);
      }),
    ]);
    return rooms ? new Set(rooms) : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

function knows(app: IncidentApp, i: Incident, actor: Actor): boolean {
  return isMember(i, actor.id, app.deps.service.contextFor(i, actor));
}

/** The platform reports that `user` joined or left an incident's room. */
export function roomMembershipChanged(
  app: IncidentApp,
  platform: Surface['platform'],
  roomId: string,
  user: string,
  change: 'joined' | 'left',
  key: string,
): void {
  const incident = app.incidentInRoom(platform, roomId);
  if (!incident || user === '') return;
  app.run({
    key,
    incidentKey: incident.key,
    command:
      change === 'joined'
        ? { type: 'member_joined', user, via: 'joined_room' }
        : { type: 'member_left', user },
    actor: botActor(platform),
  });
}

/**
 * Records what the platform says about rooms of open incidents this person is in but the record does not
 * know of (joined before the bot was there, or an event was missed). Returns the incidents now known.
 */
async function learn(app: IncidentApp, s: Surface, actor: Actor, candidates: Incident[]): Promise<void> {
  const unknown = candidates.filter((i) => i.room && !knows(app, i, actor));
  if (unknown.length === 0) return;
  const rooms = await roomsOf(s, actor.id);
  if (!rooms) return;
  for (const i of unknown) {
    if (!rooms.has(i.room!.id)) continue;
    app.run({
      key: `member:${i.key}:${actor.id}:${i.version}`,
      incidentKey: i.key,
      command: { type: 'member_joined', user: actor.id, via: 'platform_lookup' },
      actor: botActor(s.platform),
    });
  }
}

/** The open incidents this person is a member of (the log shortcut's picker), asking the platform first. */
export async function incidentsOf(app: IncidentApp, s: Surface, actor: Actor): Promise<Incident[]> {
  const open = app.openIncidents().filter((i) => i.platform === s.platform || knows(app, i, actor));
  await learn(app, s, actor, open);
  return app.openIncidents().filter((i) => knows(app, i, actor));
}

/**
 * Makes sure the record knows whether `actor` is in `incident` before a request from outside its room is
 * decided: asks the platform when the record does not know them. The decision stays decide()'s.
 */
export async function admit(app: IncidentApp, s: Surface, incident: Incident, actor: Actor): Promise<void> {
  await learn(app, s, actor, [incident]);
}

/** The incidents shown in a list to this person: every open one, but a confidential one to its members only. */
export function listedFor(app: IncidentApp, actor: Actor): Incident[] {
  return app.openIncidents().filter((i) => app.shows(i, actor));
}
