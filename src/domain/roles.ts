// Role claims, releases, assignments and hand-overs, and the overload rule.
import { type DomainError, fail } from './errors.js';
import type { Incident, RoleChange } from './incident.js';
import { holders, rolesOf } from './incident.js';
import type { Playbook } from './playbook.js';
import { findRole } from './playbook.js';
import { mention, userText } from './text.js';

export interface RoleRequest {
  role: string;
  user: string;
  kind: 'claim' | 'assign' | 'handover' | 'release';
  by: string;
  at: string;
}

type Changed = { ok: true; incident: Incident; change: RoleChange } | { ok: false; error: DomainError };

export function applyRoleChange(i: Incident, pb: Playbook, r: RoleRequest): Changed {
  const def = findRole(pb, r.role);
  if (!def) {
    return fail(
      'unknown_role',
      `There is no role "${userText(r.role)}". Roles: ${pb.roles.map((x) => x.id).join(', ')}.`,
    );
  }
  const current = holders(i, r.role);
  let next: string[];
  let from: string | null = null;
  let to: string | null = r.user;
  switch (r.kind) {
    case 'claim':
    case 'assign':
      if (current.includes(r.user))
        return fail('invalid', `${mention(r.user)} already holds the ${def.name} role.`);
      if (!def.multiple && current.length > 0) {
        return fail(
          'role_taken',
          `${mention(current[0]!)} already holds the ${def.name} role; ask the incident commander to hand it over.`,
        );
      }
      next = [...current, r.user];
      break;
    case 'handover':
      if (current.includes(r.user))
        return fail('invalid', `${mention(r.user)} already holds the ${def.name} role.`);
      // A multi-holder role is handed over by the actor when they hold it, otherwise by its first holder.
      from = current.includes(r.by) ? r.by : (current[0] ?? null);
      next = [...current.filter((u) => u !== from), r.user];
      break;
    case 'release':
      if (!current.includes(r.user))
        return fail('not_holder', `${mention(r.user)} does not hold the ${def.name} role.`);
      if (r.role === pb.commanderRole) {
        return fail(
          'invalid',
          'The incident always has a commander: hand the role over instead of releasing it.',
        );
      }
      next = current.filter((u) => u !== r.user);
      from = r.user;
      to = null;
      break;
  }
  const change: RoleChange = { at: r.at, role: r.role, kind: r.kind, from, to, by: r.by };
  const roles = { ...i.roles, [r.role]: next };
  if (next.length === 0) delete roles[r.role];
  return { ok: true, incident: { ...i, roles, roleHistory: [...i.roleHistory, change] }, change };
}

export interface OverloadWarning {
  roles: string[];
  text: string;
}

/** One person may hold several roles, but the IC plus any conflicting role is flagged, as is three or more. */
export function overloadWarnings(i: Incident, pb: Playbook, user: string): OverloadWarning[] {
  const held = rolesOf(i, user);
  const names = held.map((r) => findRole(pb, r)?.name ?? r);
  const isIc = held.includes(pb.commanderRole);
  const conflicting = held.filter((r) => findRole(pb, r)?.conflictsWithCommander);
  if (isIc && conflicting.length > 0) {
    return [
      {
        roles: held,
        text: `Heads up: you now hold ${names.join(', ')}. The handbook says to avoid overloading the incident commander; hand a role over when someone is free.`,
      },
    ];
  }
  if (held.length >= 3) {
    return [{ roles: held, text: `Heads up: you now hold ${held.length} roles (${names.join(', ')}).` }];
  }
  return [];
}

/** Roles the incident needs: the playbook's activation roles, then its trigger class's initial owners. */
export function requiredRoles(pb: Playbook, triggerClass: string): string[] {
  const trigger = pb.triggers.find((t) => t.id === triggerClass);
  return [...new Set([...(pb.activationRoles ?? []), ...(trigger?.initialOwners ?? [])])];
}

/** Required roles (activation roles and the trigger class's owners) that nobody holds yet. */
export function openRequiredRoles(i: Incident, pb: Playbook): string[] {
  return requiredRoles(pb, i.triggerClass).filter((r) => holders(i, r).length === 0);
}
