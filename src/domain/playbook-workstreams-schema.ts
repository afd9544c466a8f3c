// The playbook's `workstreams` section: the workstreams that each need a named lead, and the checklist item
// the bot ticks once all of them have one. Its zod shape and its semantic checks (see playbook-schema.ts).
import { z } from 'zod';
import type { Playbook } from './playbook.js';
import type { PathSegment, PlaybookIssue } from './playbook-schema.js';
import { id, text } from './playbook-schema-kit.js';

export const workstreamsSchema = z.strictObject({
  completes: id.optional(),
  items: z
    .array(z.strictObject({ id, name: text, description: text }))
    .min(1, 'needs at least one workstream'),
});

/** Unique ids; `completes` names a checklist item that nothing else ticks. */
export function workstreamIssues(pb: Playbook): PlaybookIssue[] {
  const ws = pb.workstreams;
  if (!ws) return [];
  const issues: PlaybookIssue[] = [];
  const add = (path: PathSegment[], message: string) => issues.push({ path, message });
  const seen = new Map<string, number>();
  ws.items.forEach((w, i) => {
    const first = seen.get(w.id);
    if (first !== undefined)
      add(['workstreams', 'items', i, 'id'], `duplicate workstream id "${w.id}" (first at index ${first})`);
    else seen.set(w.id, i);
  });
  if (ws.completes) {
    const item = pb.checklist.flatMap((g) => g.items).find((x) => x.id === ws.completes);
    if (!item) add(['workstreams', 'completes'], `unknown checklist item "${ws.completes}"`);
    else if (item.completedBy)
      add(
        ['workstreams', 'completes'],
        `checklist item "${ws.completes}" is already completed by ${item.completedBy}`,
      );
  }
  return issues;
}
