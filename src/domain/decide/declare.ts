import type { Effect } from '../effects.js';
import { fail } from '../errors.js';
import type { Incident } from '../incident.js';
import { DEFAULT_LIMITS, findTrigger } from '../playbook.js';
import { requiredRoles } from '../roles.js';
import { command, userText } from '../text.js';
import { alertEvidenceLog, incidentAlert } from './alerts.js';
import { type Cmd, type DecideContext, type Decision, iso, log, notice, ROOM } from './context.js';

/** At most this many people are invited with a declaration (a rule's `notify` is a short list). */
const MEMBERS_LIMIT = 50;

const sameTitle = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The playbook's limits on declaring: the same person and title again within minutes is a slip of the hand
 * (they are shown the first one), and a flood of declarations by one person is refused (admins excepted).
 */
function declareLimit(c: Cmd<'declare'>, ctx: DecideContext): Decision | null {
  const limits = ctx.playbook.limits ?? DEFAULT_LIMITS;
  const recent = ctx.recentDeclarations ?? [];
  const ago = (at: string) => Math.max(0, Math.round((ctx.now.getTime() - Date.parse(at)) / 60_000));
  const twin = recent.find(
    (r) => sameTitle(r.title, c.title) && ago(r.declaredAt) < limits.duplicateTitleMinutes,
  );
  if (twin) {
    const when =
      ago(twin.declaredAt) === 0 ? 'less than a minute ago' : `${ago(twin.declaredAt)} minutes ago`;
    return fail(
      'duplicate',
      `You declared ${twin.key} ${when} with this title. Open it (its room is in ${command('list')}), or change the title to declare a separate incident.`,
      'title',
    );
  }
  const { count, minutes } = limits.declarePerPerson;
  const within = recent.filter((r) => ago(r.declaredAt) < minutes);
  if (within.length >= count && !(ctx.admins ?? []).includes(ctx.actor.id))
    return fail(
      'rate_limited',
      `You have declared ${within.length} incidents in the last ${minutes} minutes, the most one person may. If another one is real, ask a colleague or an admin to declare it.`,
    );
  return null;
}

export function declare(c: Cmd<'declare'>, ctx: DecideContext): Decision {
  const pb = ctx.playbook;
  const trigger = findTrigger(pb, c.triggerClass);
  if (!trigger) return fail('unknown_trigger', `Unknown trigger class "${userText(c.triggerClass)}".`);
  const limited = declareLimit(c, ctx);
  if (limited) return limited;
  const now = iso(ctx.now);
  const commander = c.commander ?? ctx.actor.id;
  const confidential = c.confidential ?? trigger.confidential === true;
  // an alert rule's `notify`: members from the start, invited to the room once it exists (no separate
  // commands, so a crash cannot leave them out)
  const invited = [...new Set(c.members ?? [])]
    .filter((u) => u && u !== ctx.actor.id && u !== commander)
    .slice(0, MEMBERS_LIMIT);
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
    members: [...new Set([ctx.actor.id, commander, ...invited])],
    ...(confidential ? { confidential: true } : {}),
    ...(c.alert ? { alerts: [incidentAlert(c.alert)] } : {}),
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
      ...(confidential ? { confidential: true } : {}),
    }),
    // declared from a monitoring alert: the alert is its first evidence (decide/alerts.ts)
    ...(c.alert ? [alertEvidenceLog(c.alert, 'evidence')] : []),
    log('role', { role: pb.commanderRole, kind: incident.roleHistory[0]!.kind, from: null, to: commander }),
    { type: 'message', key: 'room', target: ROOM, body: { kind: 'create_room' } },
    ...invited.flatMap((user): Effect[] => [
      log('member', { kind: 'added', user, by: ctx.actor.id }),
      { type: 'message', key: `invite:${user}`, target: ROOM, body: { kind: 'invite', user } },
    ]),
    notice(`${c.drill ? '[DRILL] ' : ''}${c.key} declared. Setting up its channel now.`),
  ];
  return { ok: true, incident: { ...incident, version: 1 }, effects };
}
