import type { Effect } from '../effects.js';
import { fail } from '../errors.js';
import type { Incident } from '../incident.js';
import { allChecklistItems } from '../playbook.js';
import { type Handler, iso, log, ok, post, ROOM, STAKEHOLDERS, view } from './context.js';

export const roomCreated: Handler<'room_created'> = (i, c, ctx) => {
  if (i.room && !i.room.fallback) return fail('invalid', 'The incident already has a room.');
  const at = iso(ctx.now);
  const checklist = { ...i.checklist };
  for (const item of allChecklistItems(ctx.playbook)) {
    if (item.completedBy === 'room_created') checklist[item.id] = { state: 'done', by: ctx.actor.id, at };
  }
  const room = {
    platform: c.platform as Incident['platform'],
    id: c.roomId,
    name: c.name,
    ...(c.link ? { link: c.link } : {}),
  };
  return ok({ ...i, room, checklist }, [
    log('room', {
      platform: c.platform,
      roomId: c.roomId,
      name: c.name,
      link: c.link ?? null,
      ...(c.fallbackReason ? { fallbackReason: c.fallbackReason } : {}),
    }),
    // A stand-in room (a Teams thread when Graph refused the channel) says why, as a fallback room does.
    ...(c.fallbackReason
      ? [post('fallback', ROOM, 'room_fallback', { reason: c.fallbackReason, where: 'thread' })]
      : []),
    view('summary'),
    view('checklist'),
    view('timeline'),
    announce(i),
  ]);
};

/** The stakeholder channel's announcement: for a confidential incident, only that one exists and who leads it. */
function announce(i: Incident): Effect {
  return i.confidential
    ? post('announce', STAKEHOLDERS, 'confidential_notice', { what: 'declared' })
    : post('announce', STAKEHOLDERS, 'announcement', {});
}

export const roomFailed: Handler<'room_failed'> = (i, c) => {
  // A confidential incident never takes a (maybe public) fallback room.
  const fallbackRoomId = i.confidential ? undefined : c.fallbackRoomId;
  const effects: Effect[] = [
    log('room', { failed: true, reason: c.reason, fallbackRoomId: fallbackRoomId ?? null }),
  ];
  if (!fallbackRoomId) return ok(i, effects);
  const room = { platform: i.platform, id: fallbackRoomId, name: '', fallback: true };
  return ok({ ...i, room }, [
    ...effects,
    post('fallback', ROOM, 'room_fallback', { reason: c.reason }),
    view('summary'),
    view('checklist'),
    view('timeline'),
    announce(i),
  ]);
};
