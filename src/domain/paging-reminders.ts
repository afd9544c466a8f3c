// The roles nudge and paging: a required role still open `paging.pageAfterMinutes` after declaration is
// nudged again with a Page button for each pageable open role not paged yet (only where paging is
// configured: ReminderOptions.paging). Before that, or without paging, the plain roles nudge of
// clocks.requiredRolesNudgeMinutes. Pure; reminder-families.ts asks it for the family's candidates.
import type { Target } from './effects.js';
import type { Incident } from './incident.js';
import { openPage, pageableRoles } from './paging.js';
import type { Playbook } from './playbook.js';
import { findRole } from './playbook.js';
import type { Candidate } from './reminder-families.js';

const MIN = 60_000;

export function requiredRolesCandidates(
  i: Incident,
  pb: Playbook,
  missing: string[],
  o: { declared: number; ic: string | undefined; paging: boolean | undefined; target: Target },
): Candidate[] {
  const named = (r: string) => ({ id: r, name: findRole(pb, r)?.name ?? r });
  const data = { roles: missing.map(named), mention: o.ic ? [o.ic] : [] };
  const nudgeAt = o.declared + pb.clocks.requiredRolesNudgeMinutes * MIN;
  const plain: Candidate = { kind: 'roles-unfilled', at: nudgeAt, target: o.target, data };
  if (!o.paging || !pb.paging) return [plain];
  const pageable = new Set(pageableRoles(pb));
  const offered = missing.filter((r) => pageable.has(r) && !openPage(i, r));
  if (!offered.length) return [plain];
  const pageAt = o.declared + pb.paging.pageAfterMinutes * MIN;
  const paged: Candidate = {
    kind: 'roles-page',
    at: pageAt,
    target: o.target,
    data: { ...data, page: offered.map(named), pageAfterMinutes: pb.paging.pageAfterMinutes },
  };
  return pageAt > nudgeAt ? [plain, paged] : [paged];
}
