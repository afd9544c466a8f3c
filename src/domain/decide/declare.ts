import type { Effect } from '../effects.js';
import { fail } from '../errors.js';
import type { Incident } from '../incident.js';
import { findTrigger } from '../playbook.js';
import { requiredRoles } from '../roles.js';
import { userText } from '../text.js';
import { type Cmd, type DecideContext, type Decision, iso, log, notice, ROOM } from './context.js';

export function declare(c: Cmd<'declare'>, ctx: DecideContext): Decision {
  const pb = ctx.playbook;
  const trigger = findTrigger(pb, c.triggerClass);
  if (!trigger) return fail('unknown_trigger', `Unknown trigger class "${userText(c.triggerClass)}".`);
  const now = iso(ctx.now);
  const commander = c.commander ?? ctx.actor.id;
  const incident: Incident = {
    key: c.key,
    version: 0,
    platform: ctx.actor.platform,
    title: c.title,
    triggerClass: c.triggerClass,
    severeImpact: c.severeImpact,
    impact: c.impact,
    drill: c.drill,
    playbook: ctx.playbookRef ?? { version: pb.version, sha256: '' },
    declaredAt: now,
    declaredBy: ctx.actor.id,
    ...(c.declaredIn ? { declaredIn: c.declaredIn } : {}),
    phase: pb.initialPhase,
    phases: [{ phase: pb.initialPhase, enteredAt: now, leftAt: null, by: ctx.actor.id, move: 'start' }],
    roles: { [pb.commanderRole]: [commander] },
    roleHistory: [
      {
        at: now,
        role: pb.commanderRole,
        kind: commander === ctx.actor.id ? 'claim' : 'assign',
        from: null,
        to: commander,
        by: ctx.actor.id,
      },
    ],
    checklist: {},
    communications: [],
    initialAlertAt: null,
    lastStatusUpdateAt: null,
    closedAt: null,
    reviewDueOn: null,
    reviewFacilitator: null,
    reviewedAt: null,
    snoozes: {},
    room: null,
    loggedMessages: [],
    followups: [],
    review: null,
  };
  const effects: Effect[] = [
    log('declared', {
      title: c.title,
      triggerClass: c.triggerClass,
      impact: c.impact,
      severeImpact: c.severeImpact,
      drill: c.drill,
      commander,
      phase: pb.initialPhase,
      requiredRoles: requiredRoles(pb, trigger.id),
      playbook: ctx.playbookRef ?? { version: pb.version, sha256: '' },
      ...(c.declaredIn ? { declaredIn: c.declaredIn } : {}),
    }),
    log('role', { role: pb.commanderRole, kind: incident.roleHistory[0]!.kind, from: null, to: commander }),
    { type: 'message', key: 'room', target: ROOM, body: { kind: 'create_room' } },
    notice(`${c.drill ? '[DRILL] ' : ''}${c.key} declared. Setting up its channel now.`),
  ];
  return { ok: true, incident: { ...incident, version: 1 }, effects };
}
