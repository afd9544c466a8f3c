// The playbook's `paging` section (./paging.ts) as zod, and the checks that need the whole playbook: the
// pageable roles exist, a service's name is not also a role's id or name as people type it (`page <target>`
// must mean one thing: normName), and a routing key is one `${ENV_NAME}` reference, never the key itself.
// See playbook-schema.ts.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the playbook's variable syntax, not a template
import { z } from 'zod';
import { normName, routingKeyVariable } from './paging.js';
import type { Playbook } from './playbook.js';
import type { PathSegment, PlaybookIssue } from './playbook-schema.js';
import { id, positiveInt, text } from './playbook-schema-kit.js';

export const pagingSchema = z.strictObject({
  pageAfterMinutes: positiveInt,
  roles: z.array(id).min(1, 'name at least one role (or leave it out: the activation roles)').optional(),
  services: z
    .record(
      id,
      z.strictObject({
        description: text,
        routingKey: z.string().optional(),
        team: text.optional(),
      }),
    )
    .optional(),
});

/** Semantic checks of `paging`, run once the shapes are valid. */
export function pagingIssues(pb: Playbook): PlaybookIssue[] {
  const p = pb.paging;
  if (!p) return [];
  const issues: PlaybookIssue[] = [];
  const add = (path: PathSegment[], message: string) => issues.push({ path, message });
  const roleIds = new Set(pb.roles.map((r) => r.id));
  const roleNames = new Map(
    pb.roles.flatMap((r) => [[normName(r.id), r.id] as const, [normName(r.name), r.id] as const]),
  );
  (p.roles ?? []).forEach((r, ri) => {
    if (!roleIds.has(r)) add(['paging', 'roles', ri], `unknown role "${r}"`);
  });
  for (const [name, s] of Object.entries(p.services ?? {})) {
    const role = roleNames.get(normName(name));
    if (role)
      add(
        ['paging', 'services', name],
        `"${name}" is also a role ("${role}") as people type it; give the service another name`,
      );
    if (s.routingKey !== undefined && !routingKeyVariable(s.routingKey))
      add(
        ['paging', 'services', name, 'routingKey'],
        'must be one ${ENV_NAME} reference (A-Z, 0-9, "_"): a routing key is a secret and never goes in the playbook',
      );
  }
  return issues;
}
