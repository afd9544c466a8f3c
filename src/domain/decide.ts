// The one entry point for state changes: decide(incident, command, ctx) -> { incident, effects } | error.
// Pure: no I/O, `now` passed in. Each command type has one handler; permissions are a table.
import { businessDaysAfter } from './business-days.js';
import type { Command, MessageSource } from './commands.js';
import type { Effect, LogEffect, MessageEffect, NoticeEffect, Target } from './effects.js';
import { type DomainError, fail } from './errors.js';
import { validateTemplateFields } from './forms.js';
import type { Actor, Incident } from './incident.js';
import { holders, isClosed } from './incident.js';
import { enter, moveBack, moveForward } from './phases.js';
import type { Playbook } from './playbook.js';
import { allChecklistItems, closureCriteria, findPhase, findTemplate, findTrigger } from './playbook.js';
import { applyRoleChange, overloadWarnings, requiredRoles } from './roles.js';

export interface DecideContext {
  actor: Actor;
  now: Date;
  playbook: Playbook;
  /** The version of the playbook a new incident runs under. */
  playbookRef?: { version: string; sha256: string };
  /** User ids with IC authority over every incident (a configured admin group). */
  admins?: string[];
}

export type Decision =
  | { ok: true; incident: Incident; effects: Effect[] }
  | { ok: false; error: DomainError };

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;
type Handler<T extends Command['type']> = (i: Incident, c: Cmd<T>, ctx: DecideContext) => Decision;

/** Who may issue each command: anyone in the incident, or the incident commander (or an admin). */
export const PERMISSIONS: Record<Command['type'], 'anyone' | 'commander'> = {
  declare: 'anyone',
  claim_role: 'anyone',
  release_role: 'anyone',
  assign_role: 'anyone', // refined in the handler: others' roles need the IC, own role can be handed over
  check_item: 'anyone',
  uncheck_item: 'anyone',
  item_not_applicable: 'anyone',
  send_initial_alert: 'anyone',
  post_status_update: 'anyone',
  advance_phase: 'commander',
  revert_phase: 'commander',
  reclassify: 'commander',
  close: 'commander',
  stand_down: 'commander',
  record_review: 'anyone',
  log: 'anyone',
  decision: 'anyone',
  evidence: 'anyone',
  correction: 'anyone',
  room_created: 'anyone',
  room_failed: 'anyone',
  snooze: 'anyone',
  add_followup: 'anyone',
  complete_followup: 'anyone',
  export: 'anyone',
};

const VERB: Partial<Record<Command['type'], string>> = {
  advance_phase: 'change the phase',
  revert_phase: 'change the phase',
  reclassify: 're-classify the incident',
  close: 'close the incident',
  stand_down: 'stand the incident down',
};

/** Commands that still make sense once the incident is closed (the record keeps growing). */
const AFTER_CLOSE = new Set<Command['type']>([
  'log',
  'decision',
  'evidence',
  'correction',
  'record_review',
  'add_followup',
  'complete_followup',
  'export',
  'room_created',
  'room_failed',
  'snooze',
]);

export function isCommander(i: Incident, user: string, ctx: DecideContext): boolean {
  return holders(i, ctx.playbook.commanderRole).includes(user) || (ctx.admins ?? []).includes(user);
}

export function decide(incident: Incident | null, command: Command, ctx: DecideContext): Decision {
  if (command.type === 'declare') {
    if (incident) return fail('already_exists', `Incident ${incident.key} already exists.`);
    return declare(command, ctx);
  }
  if (!incident) return fail('not_found', 'There is no such incident.');
  if (PERMISSIONS[command.type] === 'commander' && !isCommander(incident, ctx.actor.id, ctx)) {
    const ic = holders(incident, ctx.playbook.commanderRole)[0];
    const hint = ic
      ? `The incident commander is <@${ic}>: ask them, or ask them to hand the role to you (\`/incident role commander @you\`).`
      : 'Nobody holds the incident commander role: take it with `/incident role commander`.';
    return {
      ok: false,
      error: {
        code: 'forbidden',
        message: `Only the incident commander can ${VERB[command.type] ?? 'do that'}.`,
        hint,
      },
    };
  }
  if (isClosed(incident) && !AFTER_CLOSE.has(command.type)) {
    return fail('closed', `${incident.key} is closed; it can no longer be changed that way.`);
  }
  const handler = HANDLERS[command.type] as Handler<typeof command.type>;
  return handler(incident, command as never, ctx);
}

// ---------------------------------------------------------------- helpers

const ROOM: Target = { to: 'room' };
const STAKEHOLDERS: Target = { to: 'stakeholders' };

function log(
  kind: LogEffect['kind'],
  payload: Record<string, unknown>,
  extra: Partial<LogEffect> = {},
): LogEffect {
  return { type: 'log', kind, payload, ...extra };
}
function post(key: string, target: Target, template: string, data: Record<string, unknown>): MessageEffect {
  return { type: 'message', key, target, body: { kind: 'post', template: template as never, data } };
}
function view(v: 'summary' | 'checklist'): MessageEffect {
  return { type: 'message', key: `view:${v}`, target: ROOM, body: { kind: 'view', view: v } };
}
function notice(text: string, level: NoticeEffect['level'] = 'info', user?: string): NoticeEffect {
  return user ? { type: 'notice', level, text, user } : { type: 'notice', level, text };
}
function ok(incident: Incident, effects: Effect[]): Decision {
  return { ok: true, incident: { ...incident, version: incident.version + 1 }, effects };
}
const iso = (d: Date) => d.toISOString();

function roleName(pb: Playbook, id: string): string {
  return pb.roles.find((r) => r.id === id)?.name ?? id;
}

// ---------------------------------------------------------------- declare

function declare(c: Cmd<'declare'>, ctx: DecideContext): Decision {
  const pb = ctx.playbook;
  const trigger = findTrigger(pb, c.triggerClass);
  if (!trigger) return fail('unknown_trigger', `Unknown trigger class "${c.triggerClass}".`);
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
    }),
    log('role', { role: pb.commanderRole, kind: incident.roleHistory[0]!.kind, from: null, to: commander }),
    { type: 'message', key: 'room', target: ROOM, body: { kind: 'create_room' } },
    notice(`${c.drill ? '[DRILL] ' : ''}${c.key} declared. Setting up its channel now.`),
  ];
  return { ok: true, incident: { ...incident, version: 1 }, effects };
}

// ---------------------------------------------------------------- roles

const claimRole: Handler<'claim_role'> = (i, c, ctx) => changeRole(i, c.role, ctx.actor.id, 'claim', ctx);

const assignRole: Handler<'assign_role'> = (i, c, ctx) => {
  const me = ctx.actor.id;
  if (c.user === me && !holders(i, c.role).length) return changeRole(i, c.role, me, 'claim', ctx);
  const ownRole = holders(i, c.role).includes(me);
  if (!isCommander(i, me, ctx) && !ownRole) {
    return fail(
      'forbidden',
      `Only the incident commander (or the current holder) can hand over the ${roleName(ctx.playbook, c.role)} role.`,
    );
  }
  return changeRole(i, c.role, c.user, holders(i, c.role).length ? 'handover' : 'assign', ctx);
};

const releaseRole: Handler<'release_role'> = (i, c, ctx) => {
  const user = c.user ?? ctx.actor.id;
  if (user !== ctx.actor.id && !isCommander(i, ctx.actor.id, ctx)) {
    return fail('forbidden', 'Only the incident commander can release someone else from a role.');
  }
  return changeRole(i, c.role, user, 'release', ctx);
};

function changeRole(
  i: Incident,
  role: string,
  user: string,
  kind: 'claim' | 'assign' | 'handover' | 'release',
  ctx: DecideContext,
): Decision {
  const r = applyRoleChange(i, ctx.playbook, { role, user, kind, by: ctx.actor.id, at: iso(ctx.now) });
  if (!r.ok) return r;
  const change = r.change;
  const effects: Effect[] = [log('role', { role, kind, from: change.from, to: change.to }), view('summary')];
  if (kind === 'handover' || kind === 'assign') {
    effects.push(post('role_change', ROOM, 'role_change', { role, kind, from: change.from, to: change.to }));
  }
  if (change.to) {
    const def = ctx.playbook.roles.find((d) => d.id === role);
    effects.push({
      type: 'message',
      key: `role_brief:${role}:${change.to}`,
      target: { to: 'user', user: change.to },
      body: { kind: 'post', template: 'role_brief', data: { role, description: def?.description ?? '' } },
      once: true,
    });
    for (const w of overloadWarnings(r.incident, ctx.playbook, change.to)) {
      effects.push(log('overload', { user: change.to, roles: w.roles }));
      effects.push(notice(w.text, 'warning', change.to));
    }
  }
  effects.push(notice(roleChangeSentence(ctx.playbook, role, kind, change.from, change.to)));
  return ok(r.incident, effects);
}

function roleChangeSentence(
  pb: Playbook,
  role: string,
  kind: string,
  from: string | null,
  to: string | null,
): string {
  const name = roleName(pb, role);
  switch (kind) {
    case 'release':
      return `Released the ${name} role.`;
    case 'handover':
      return `Handed the ${name} role over from <@${from}> to <@${to}>.`;
    default:
      return `<@${to}> is now ${name}.`;
  }
}

// ---------------------------------------------------------------- checklist

function checklistItem(pb: Playbook, id: string) {
  return allChecklistItems(pb).find((x) => x.id === id);
}

const checkItem: Handler<'check_item'> = (i, c, ctx) => {
  const item = checklistItem(ctx.playbook, c.item);
  if (!item) return fail('unknown_item', `There is no checklist item "${c.item}".`);
  if (item.completedBy === 'initial_alert_sent' && !i.initialAlertAt) {
    return fail(
      'invalid',
      'This item is ticked by sending the initial stakeholder alert: use `/incident alert`.',
    );
  }
  const mark = i.checklist[c.item];
  if (mark?.state === 'done') return fail('invalid', `Already done by <@${mark.by}>.`);
  const at = iso(ctx.now);
  return ok({ ...i, checklist: { ...i.checklist, [c.item]: { state: 'done', by: ctx.actor.id, at } } }, [
    log('checklist', { item: c.item, text: item.text, state: 'done' }),
    view('checklist'),
  ]);
};

const uncheckItem: Handler<'uncheck_item'> = (i, c, ctx) => {
  const item = checklistItem(ctx.playbook, c.item);
  if (!item) return fail('unknown_item', `There is no checklist item "${c.item}".`);
  if (!i.checklist[c.item]) return fail('invalid', 'That item is not ticked.');
  if (item.completedBy) return fail('invalid', 'That item was completed by the bot and cannot be unticked.');
  const { [c.item]: _, ...rest } = i.checklist;
  return ok({ ...i, checklist: rest }, [
    log('checklist', { item: c.item, text: item.text, state: 'open' }),
    view('checklist'),
  ]);
};

const itemNotApplicable: Handler<'item_not_applicable'> = (i, c, ctx) => {
  const item = checklistItem(ctx.playbook, c.item);
  if (!item) return fail('unknown_item', `There is no checklist item "${c.item}".`);
  if (!c.reason.trim()) return fail('invalid', 'Say why the item does not apply.');
  const at = iso(ctx.now);
  return ok(
    {
      ...i,
      checklist: { ...i.checklist, [c.item]: { state: 'na', by: ctx.actor.id, at, reason: c.reason } },
    },
    [log('checklist', { item: c.item, text: item.text, state: 'na', reason: c.reason }), view('checklist')],
  );
};

// ---------------------------------------------------------------- communications

function communicate(
  i: Incident,
  template: 'initial_alert' | 'status_update' | 'closure_notice',
  fields: Record<string, string>,
  ctx: DecideContext,
): { incident: Incident; effects: Effect[] } | { error: DomainError } {
  const v = validateTemplateFields(ctx.playbook, template, fields);
  if (!v.ok) {
    const first = Object.entries(v.errors)[0];
    return { error: { code: 'invalid', message: first ? first[1] : 'Invalid form.' } };
  }
  const at = iso(ctx.now);
  const comm = { template, at, by: ctx.actor.id, fields: v.fields };
  const n = i.communications.length;
  // The template's audiences (playbook data) decide where it goes: the incident room, the stakeholders.
  const audiences = findTemplate(ctx.playbook, template).audiences;
  const data = { template, fields: v.fields, index: n };
  return {
    incident: { ...i, communications: [...i.communications, comm], lastStatusUpdateAt: at },
    effects: [
      log('communication', { template, fields: v.fields, audiences }),
      ...(audiences.includes('incident') ? [post(`comm:${n}:room`, ROOM, 'communication', data)] : []),
      ...(audiences.includes('stakeholders')
        ? [post(`comm:${n}:stakeholders`, STAKEHOLDERS, 'communication', data)]
        : []),
      view('summary'),
    ],
  };
}

const sendInitialAlert: Handler<'send_initial_alert'> = (i, c, ctx) => {
  if (i.initialAlertAt)
    return fail('invalid', 'The initial stakeholder alert was already sent; post a status update instead.');
  const r = communicate(i, 'initial_alert', c.fields, ctx);
  if ('error' in r) return { ok: false, error: r.error };
  const at = iso(ctx.now);
  const checklist = { ...r.incident.checklist };
  for (const item of allChecklistItems(ctx.playbook)) {
    if (item.completedBy === 'initial_alert_sent')
      checklist[item.id] = { state: 'done', by: ctx.actor.id, at };
  }
  return ok({ ...r.incident, initialAlertAt: at, checklist }, [...r.effects, view('checklist')]);
};

const postStatusUpdate: Handler<'post_status_update'> = (i, c, ctx) => {
  const r = communicate(i, 'status_update', c.fields, ctx);
  if ('error' in r) return { ok: false, error: r.error };
  return ok(r.incident, r.effects);
};

// ---------------------------------------------------------------- phases

const advancePhase: Handler<'advance_phase'> = (i, c, ctx) => {
  const pb = ctx.playbook;
  if (i.phase === pb.closurePhase)
    return fail('invalid', 'Leave this phase by closing the incident: use `/incident close`.');
  if (i.phase === pb.reviewPhase)
    return fail('invalid', 'This phase ends when the review is recorded: use `/incident review`.');
  const r = moveForward(pb, i, c.to, c.confirmed, ctx.actor.id, iso(ctx.now));
  if (!r.ok) return r;
  return ok(r.incident, [
    log('phase', { from: i.phase, to: r.incident.phase, move: 'forward', confirmed: c.confirmed }),
    post('phase', ROOM, 'phase_changed', { from: i.phase, to: r.incident.phase, move: 'forward' }),
    view('summary'),
  ]);
};

const revertPhase: Handler<'revert_phase'> = (i, c, ctx) => {
  if (!c.reason.trim()) return fail('invalid', 'Say why the incident moves back (e.g. "mitigation failed").');
  const r = moveBack(ctx.playbook, i, c.to, c.reason, ctx.actor.id, iso(ctx.now));
  if (!r.ok) return r;
  return ok(r.incident, [
    log('phase', { from: i.phase, to: c.to, move: 'back', reason: c.reason }),
    post('phase', ROOM, 'phase_changed', { from: i.phase, to: c.to, move: 'back', reason: c.reason }),
    view('summary'),
  ]);
};

const reclassify: Handler<'reclassify'> = (i, c, ctx) => {
  if (!c.reason.trim()) return fail('invalid', 'Say why the incident is re-classified.');
  if (c.triggerClass !== undefined && !findTrigger(ctx.playbook, c.triggerClass)) {
    return fail('unknown_trigger', `Unknown trigger class "${c.triggerClass}".`);
  }
  const triggerClass = c.triggerClass ?? i.triggerClass;
  const severeImpact = c.severeImpact ?? i.severeImpact;
  if (triggerClass === i.triggerClass && severeImpact === i.severeImpact) {
    return fail('invalid', 'Nothing changes: that is already the classification.');
  }
  const data = {
    from: { triggerClass: i.triggerClass, severeImpact: i.severeImpact },
    to: { triggerClass, severeImpact },
    reason: c.reason,
  };
  return ok({ ...i, triggerClass, severeImpact }, [
    log('reclassified', data),
    post('reclassified', ROOM, 'reclassified', data),
    view('summary'),
  ]);
};

const close: Handler<'close'> = (i, c, ctx) => {
  const pb = ctx.playbook;
  const closure = findPhase(pb, pb.closurePhase);
  const current = findPhase(pb, i.phase);
  if (!closure || !current) return fail('invalid', 'The playbook has no closure phase.');
  if (i.phase !== pb.closurePhase && !current.next.includes(pb.closurePhase)) {
    const standDown = pb.standDown?.fromPhases.includes(i.phase)
      ? ' If it was a false alarm, stand it down instead: `/incident standdown` followed by the reason.'
      : '';
    return fail(
      'illegal_transition',
      `An incident in ${current.name} cannot be closed yet; move it on to ${closure.name} first.${standDown}`,
    );
  }
  // Closing straight from the phase before closure confirms that phase's exit criteria too.
  const missing = closureCriteria(pb, i.phase).filter((k) => !c.confirmed.includes(k.id));
  if (missing.length) {
    return fail(
      'criteria_unconfirmed',
      `Confirm every closure criterion first: ${missing.map((m) => m.text).join('; ')}.`,
    );
  }
  const now = iso(ctx.now);
  let through = i;
  const passedThrough: Effect[] = [];
  if (i.phase !== pb.closurePhase) {
    const confirmedBefore = current.exitCriteria.map((k) => k.id);
    const r = moveForward(pb, i, pb.closurePhase, confirmedBefore, ctx.actor.id, now);
    if (!r.ok) return r;
    through = r.incident;
    passedThrough.push(
      log('phase', { from: i.phase, to: pb.closurePhase, move: 'forward', confirmed: confirmedBefore }),
    );
  }
  const moved = moveForward(pb, through, pb.reviewPhase, c.confirmed, ctx.actor.id, now);
  if (!moved.ok) return moved;
  const comm = communicate(moved.incident, 'closure_notice', c.fields, ctx);
  if ('error' in comm) return { ok: false, error: comm.error };
  const reviewDueOn = businessDaysAfter(ctx.now, pb.clocks.reviewBusinessDays);
  const facilitator = c.facilitator ?? ctx.actor.id;
  return ok({ ...comm.incident, closedAt: now, reviewDueOn, reviewFacilitator: facilitator }, [
    log('closed', { from: i.phase, confirmed: c.confirmed, reviewDueOn, facilitator }),
    ...passedThrough,
    log('phase', {
      from: pb.closurePhase,
      to: pb.reviewPhase,
      move: 'forward',
      confirmed: closure.exitCriteria.map((k) => k.id),
    }),
    ...comm.effects,
    post('closed', ROOM, 'closed', { reviewDueOn, facilitator }),
    view('checklist'),
  ]);
};

const standDown: Handler<'stand_down'> = (i, c, ctx) => {
  const pb = ctx.playbook;
  const sd = pb.standDown;
  if (!sd) return fail('invalid', 'This playbook has no stand-down: move the incident on and close it.');
  const reason = c.reason.trim();
  if (!reason)
    return fail(
      'invalid',
      'Say why the incident is stood down (e.g. "false alarm: the feed was in maintenance").',
    );
  const current = findPhase(pb, i.phase);
  if (!sd.fromPhases.includes(i.phase)) {
    const during = sd.fromPhases.map((id) => findPhase(pb, id)?.name ?? id).join(' or ');
    return fail(
      'illegal_transition',
      `An incident is stood down during ${during} only; in ${current?.name ?? i.phase}, close it: \`/incident close\`.`,
    );
  }
  const at = iso(ctx.now);
  const moved = enter(i, sd.toPhase, ctx.actor.id, at, 'stand_down', reason);
  const review =
    sd.toPhase === pb.reviewPhase
      ? {
          reviewDueOn: businessDaysAfter(ctx.now, pb.clocks.reviewBusinessDays),
          reviewFacilitator: ctx.actor.id,
        }
      : {};
  const data = { from: i.phase, to: sd.toPhase, reason, ...review };
  return ok({ ...moved, closedAt: at, standDown: { at, by: ctx.actor.id, reason }, ...review }, [
    log('stood_down', data),
    log('phase', { from: i.phase, to: sd.toPhase, move: 'stand_down', reason }),
    post('stood_down:room', ROOM, 'stood_down', data),
    // Stakeholders saw the announcement (and maybe the initial alert): they hear the all-clear too.
    post('stood_down:stakeholders', STAKEHOLDERS, 'stood_down', data),
    view('summary'),
    view('checklist'),
    notice('Stood down as a false alarm; the all-clear goes to the room and to the stakeholder channel.'),
  ]);
};

const recordReview: Handler<'record_review'> = (i, c, ctx) => {
  const pb = ctx.playbook;
  if (i.phase !== pb.reviewPhase)
    return fail('invalid', 'The review is recorded after the incident is closed.');
  if (!c.summary.trim()) return fail('invalid', 'The review needs a summary.', 'summary');
  const correctiveActions = (c.correctiveActions ?? '').trim();
  if (!correctiveActions)
    return fail('invalid', 'The review needs the corrective actions.', 'correctiveActions');
  const verificationPlan = (c.verificationPlan ?? '').trim();
  if (!verificationPlan)
    return fail(
      'invalid',
      'The review needs the verification plans: how you will know the fixes work.',
      'verificationPlan',
    );
  // Recording the review confirms "follow-up tasks filed in the reliability backlog": some must be,
  // unless the review says none are needed.
  const noFollowups = c.noFollowups === true;
  if (i.followups.length === 0 && !noFollowups)
    return fail(
      'invalid',
      'File the follow-up tasks first with `/incident followup`, or tick "no follow-up tasks" and say why in the corrective actions.',
      'noFollowups',
    );
  const r = moveForward(
    pb,
    i,
    undefined,
    findPhase(pb, i.phase)!.exitCriteria.map((k) => k.id),
    ctx.actor.id,
    iso(ctx.now),
  );
  if (!r.ok) return r;
  const recorded = {
    summary: c.summary,
    whys: c.whys,
    factors: c.factors,
    lessons: c.lessons,
    correctiveActions,
    verificationPlan,
  };
  const review = {
    at: iso(ctx.now),
    by: ctx.actor.id,
    ...recorded,
    ...(noFollowups ? { noFollowups } : {}),
  };
  return ok({ ...r.incident, review, reviewedAt: review.at }, [
    log('review', { ...recorded, noFollowups, followups: i.followups.map((f) => f.id) }),
    log('phase', { from: i.phase, to: r.incident.phase, move: 'forward' }),
    post('review', ROOM, 'review_recorded', {}),
    view('summary'),
  ]);
};

// ---------------------------------------------------------------- the record

function sourceRef(i: Incident, s: MessageSource | undefined): DomainError | null {
  if (s && i.loggedMessages.includes(s.messageId))
    return { code: 'already_logged', message: 'That message is already in the log.' };
  return null;
}
function withSource(i: Incident, s: MessageSource | undefined): Incident {
  return s ? { ...i, loggedMessages: [...i.loggedMessages, s.messageId] } : i;
}
function sourcePayload(s: MessageSource | undefined): Record<string, unknown> {
  return s
    ? {
        messageId: s.messageId,
        author: s.author ?? null,
        writtenAt: s.writtenAt ?? null,
        files: s.files ?? [],
      }
    : {};
}

const logNote: Handler<'log'> = (i, c, ctx) => {
  const dup = sourceRef(i, c.source);
  if (dup) return { ok: false, error: dup };
  if (!c.text.trim() && !c.source?.files?.length)
    return fail('invalid', 'Nothing to log: the text is empty.');
  const extra: Partial<LogEffect> = {};
  if (c.source?.permalink) extra.source = c.source.permalink;
  if (c.source?.writtenAt) extra.at = c.source.writtenAt;
  const effects: Effect[] = [
    log('note', { text: c.text, note: c.note ?? null, ...sourcePayload(c.source) }, extra),
  ];
  for (const f of c.source?.files ?? [])
    effects.push(log('evidence', { name: f.name, link: f.permalink }, { source: f.permalink }));
  effects.push(notice('Added to the incident log.'));
  void ctx;
  return ok(withSource(i, c.source), effects);
};

const logDecision: Handler<'decision'> = (i, c) => {
  const dup = sourceRef(i, c.source);
  if (dup) return { ok: false, error: dup };
  if (!c.text.trim()) return fail('invalid', 'A decision needs its text.');
  const extra: Partial<LogEffect> = {};
  if (c.source?.permalink) extra.source = c.source.permalink;
  if (c.source?.writtenAt) extra.at = c.source.writtenAt;
  return ok(withSource(i, c.source), [
    log('decision', { text: c.text, rationale: c.rationale ?? null, ...sourcePayload(c.source) }, extra),
    notice('Decision recorded.'),
  ]);
};

const logEvidence: Handler<'evidence'> = (i, c) => {
  const dup = sourceRef(i, c.source);
  if (dup) return { ok: false, error: dup };
  if (!c.name.trim()) return fail('invalid', 'Evidence needs a name or a link.');
  const extra: Partial<LogEffect> = {};
  const link = c.link ?? c.source?.permalink;
  if (link) extra.source = link;
  if (c.source?.writtenAt) extra.at = c.source.writtenAt;
  return ok(withSource(i, c.source), [
    log('evidence', { name: c.name, link: link ?? null, ...sourcePayload(c.source) }, extra),
    notice('Evidence recorded.'),
  ]);
};

const correction: Handler<'correction'> = (i, c) => {
  if (!i.loggedMessages.includes(c.messageId)) return fail('not_found', 'That message is not in the log.');
  return ok(i, [log('correction', { messageId: c.messageId, change: c.change, text: c.text ?? null })]);
};

const roomCreated: Handler<'room_created'> = (i, c, ctx) => {
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
    log('room', { platform: c.platform, roomId: c.roomId, name: c.name, link: c.link ?? null }),
    view('summary'),
    view('checklist'),
    post('announce', STAKEHOLDERS, 'announcement', {}),
  ]);
};

const roomFailed: Handler<'room_failed'> = (i, c) => {
  const effects: Effect[] = [
    log('room', { failed: true, reason: c.reason, fallbackRoomId: c.fallbackRoomId ?? null }),
  ];
  if (!c.fallbackRoomId) return ok(i, effects);
  const room = { platform: i.platform, id: c.fallbackRoomId, name: '', fallback: true };
  return ok({ ...i, room }, [
    ...effects,
    post('fallback', ROOM, 'room_fallback', { reason: c.reason }),
    view('summary'),
    view('checklist'),
    post('announce', STAKEHOLDERS, 'announcement', {}),
  ]);
};

const snooze: Handler<'snooze'> = (i, c, ctx) => {
  if (Date.parse(c.until) <= ctx.now.getTime()) return fail('invalid', 'Snooze until a time in the future.');
  return ok({ ...i, snoozes: { ...i.snoozes, [c.kind]: c.until } }, [
    log('snooze', { kind: c.kind, until: c.until }),
    notice(`Snoozed until ${c.until}.`),
  ]);
};

const addFollowup: Handler<'add_followup'> = (i, c, ctx) => {
  if (i.followups.some((f) => f.id === c.id)) return fail('already_exists', 'That follow-up already exists.');
  if (!c.what.trim()) return fail('invalid', 'Say what the follow-up is.');
  if (Number.isNaN(Date.parse(c.due))) return fail('invalid', 'The due date is not a date.');
  const f = {
    id: c.id,
    what: c.what,
    owner: c.owner,
    due: c.due,
    objective: c.objective,
    state: 'open' as const,
    createdAt: iso(ctx.now),
    createdBy: ctx.actor.id,
    doneAt: null,
  };
  return ok({ ...i, followups: [...i.followups, f] }, [
    log('followup', {
      id: c.id,
      what: c.what,
      owner: c.owner,
      due: c.due,
      objective: c.objective,
      state: 'open',
    }),
    post(`followup:${c.id}`, ROOM, 'followup', { id: c.id, state: 'open' }),
  ]);
};

const completeFollowup: Handler<'complete_followup'> = (i, c, ctx) => {
  const f = i.followups.find((x) => x.id === c.id);
  if (!f) return fail('not_found', 'There is no such follow-up.');
  if (f.state === 'done') return fail('invalid', 'That follow-up is already done.');
  if (f.owner !== ctx.actor.id && !isCommander(i, ctx.actor.id, ctx)) {
    return fail('forbidden', 'Only the owner or the incident commander can mark a follow-up done.');
  }
  const done = { ...f, state: 'done' as const, doneAt: iso(ctx.now) };
  return ok({ ...i, followups: i.followups.map((x) => (x.id === c.id ? done : x)) }, [
    log('followup', { id: c.id, state: 'done' }),
    notice('Follow-up marked done.'),
  ]);
};

const exportRecord: Handler<'export'> = (i, c) =>
  ok(i, [log('export', { format: c.format }), post('export', ROOM, 'export', { format: c.format })]);

const HANDLERS: { [K in Exclude<Command['type'], 'declare'>]: Handler<K> } = {
  claim_role: claimRole,
  release_role: releaseRole,
  assign_role: assignRole,
  check_item: checkItem,
  uncheck_item: uncheckItem,
  item_not_applicable: itemNotApplicable,
  send_initial_alert: sendInitialAlert,
  post_status_update: postStatusUpdate,
  advance_phase: advancePhase,
  revert_phase: revertPhase,
  reclassify,
  close,
  stand_down: standDown,
  record_review: recordReview,
  log: logNote,
  decision: logDecision,
  evidence: logEvidence,
  correction,
  room_created: roomCreated,
  room_failed: roomFailed,
  snooze,
  add_followup: addFollowup,
  complete_followup: completeFollowup,
  export: exportRecord,
};
