import type { Effect } from '../effects.js';
import { fail } from '../errors.js';
import type { Incident } from '../incident.js';
import { holders } from '../incident.js';
import type { Playbook } from '../playbook.js';
import { applyRoleChange } from '../roles.js';
import { mention } from '../text.js';
import {
  type DecideContext,
  type Decision,
  type Handler,
  isCommander,
  iso,
  log,
  notice,
  ok,
  post,
  ROOM,
  roleName,
  view,
} from './context.js';
import { overloadEffects } from './overload.js';

export const claimRole: Handler<'claim_role'> = (i, c, ctx) =>
  changeRole(i, c.role, ctx.actor.id, 'claim', ctx);

export const assignRole: Handler<'assign_role'> = (i, c, ctx) => {
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

export const releaseRole: Handler<'release_role'> = (i, c, ctx) => {
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
    effects.push(...overloadEffects(r.incident, ctx.playbook, change.to));
  }
  // Acting from the room, the actor sees the change there: the summary refreshed above, a hand-over's post.
  const said = notice(roleChangeSentence(ctx.playbook, role, kind, change.from, change.to));
  effects.push(ctx.inRoom ? { ...said, shownInRoom: true } : said);
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
      return `Handed the ${name} role over from ${mention(from ?? '')} to ${mention(to ?? '')}.`;
    default:
      return `${mention(to ?? '')} is now ${name}.`;
  }
}
