// The room's archival: once an incident is finished — in a terminal phase (Done) with the communication
// recap sent or not owed — the platform that made its room archives it (Teams channel mode: Graph's
// channel archive). Not at the `close` command: the post-incident review, the debrief invitations and the
// recap still happen in the room after closure, and an archived Teams channel takes no new messages.

import type { Incident } from '../incident.js';
import { findPhase } from '../playbook.js';
import type { DecideContext, Decision } from './context.js';
import { ROOM } from './context.js';

function finished(i: Incident, ctx: Pick<DecideContext, 'playbook'>): boolean {
  if (!findPhase(ctx.playbook, i.phase)?.terminal) return false;
  return !(i.recap && !i.recap.sentAt);
}

/** Adds the `archive_room` message when this decision finishes an incident that has a room of its own. */
export function withRoomArchive(
  d: Decision,
  before: Incident,
  ctx: Pick<DecideContext, 'playbook'>,
): Decision {
  if (!d.ok) return d;
  const after = d.incident;
  if (finished(before, ctx) || !finished(after, ctx)) return d;
  if (!after.room || after.room.fallback) return d;
  return {
    ...d,
    effects: [
      ...d.effects,
      { type: 'message', key: 'archive_room', target: ROOM, body: { kind: 'archive_room' }, once: true },
    ],
  };
}
