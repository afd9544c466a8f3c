// The roles nudge as it stands now, for a card re-rendered after one of its Page buttons was pressed: Teams
// replaces the card a button is on with the answer, so instead of a "done" card it gets the nudge again, with
// the Page buttons of the roles still open and not paged, and its snooze buttons. The same candidates the
// reminder pass computes (domain/paging-reminders.ts); null when every required role is filled.
import type { Incident } from '../domain/incident.js';
import { holders } from '../domain/incident.js';
import { requiredRolesCandidates } from '../domain/paging-reminders.js';
import type { Playbook } from '../domain/playbook.js';
import { openRequiredRoles } from '../domain/roles.js';
import { nudgeView } from './nudge.js';
import type { PostView } from './post.js';

export function rolesNudgeNow(i: Incident, pb: Playbook, o: { dueAt?: string }): PostView | null {
  const missing = openRequiredRoles(i, pb);
  if (!missing.length) return null;
  const candidates = requiredRolesCandidates(i, pb, missing, {
    declared: Date.parse(i.declaredAt),
    ic: holders(i, pb.commanderRole)[0],
    paging: true,
    target: { to: 'room' },
  });
  const c = candidates.find((x) => x.kind === 'roles-page') ?? candidates[0]!;
  return nudgeView(i, {
    kind: c.kind,
    ...(o.dueAt ? { dueAt: o.dueAt } : {}),
    data: { incidentKey: i.key, title: i.title, drill: i.drill, snoozeKind: 'required_roles', ...c.data },
  });
}
