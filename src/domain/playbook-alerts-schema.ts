// The playbook's `alertRules` (./alert-rules.ts) as zod, and the checks that need the whole playbook: the
// trigger class a rule suggests, its regular expressions, unique names, and what `mode: declare` needs.
// Every issue names its path, e.g. `alertRules[1].matchRe.alertname: ...`.
import { z } from 'zod';
import { anchored } from './alert-rules.js';
import type { Playbook } from './playbook.js';
import type { PathSegment, PlaybookIssue } from './playbook-schema.js';
import { id, text } from './playbook-schema-kit.js';

/** A Prometheus label name (checked below: zod reports a bad record key without its message). */
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const alertRuleSchema = z.strictObject({
  name: id,
  match: z.record(z.string(), z.string()).optional(),
  matchRe: z.record(z.string(), z.string().min(1, 'must not be empty')).optional(),
  triggerClass: id.optional(),
  impact: text.optional(),
  severe: z.boolean().default(false),
  mode: z.enum(['prompt', 'declare'], { error: 'must be prompt or declare' }).default('prompt'),
  notify: z.array(text).default([]),
  channel: text.optional(),
});

/** Semantic checks of `alertRules`, run once the shapes are valid. */
export function alertRuleIssues(pb: Playbook): PlaybookIssue[] {
  const issues: PlaybookIssue[] = [];
  const add = (path: PathSegment[], message: string) => issues.push({ path, message });
  const triggers = new Set(pb.triggers.map((t) => t.id));
  const seen = new Map<string, number>();
  (pb.alertRules ?? []).forEach((r, ri) => {
    const at = (...p: PathSegment[]) => ['alertRules', ri, ...p];
    const first = seen.get(r.name);
    if (first !== undefined)
      add(at('name'), `duplicate alert rule name "${r.name}" (first at index ${first})`);
    else seen.set(r.name, ri);
    if (r.triggerClass && !triggers.has(r.triggerClass))
      add(at('triggerClass'), `unknown trigger class "${r.triggerClass}"`);
    for (const key of ['match', 'matchRe'] as const)
      for (const label of Object.keys(r[key] ?? {}))
        if (!LABEL_NAME.test(label)) add(at(key, label), 'must be a label name (letters, digits, "_")');
    for (const [label, re] of Object.entries(r.matchRe ?? {})) {
      try {
        anchored(re);
      } catch (e) {
        add(at('matchRe', label), `not a valid regular expression: ${(e as Error).message}`);
      }
    }
    if (
      Object.keys(r.match ?? {}).length + Object.keys(r.matchRe ?? {}).length === 0 &&
      ri < (pb.alertRules?.length ?? 0) - 1
    )
      add(at(), 'matches every alert, so the rules after it never apply (put it last)');
    if (r.mode === 'declare') {
      // The bot declares with the rule's trigger class, and names the first person to notify commander:
      // an incident nobody leads, or of no known class, is not one the bot may open on its own.
      if (!r.triggerClass) add(at('triggerClass'), 'mode "declare" needs the trigger class to declare with');
      if (r.notify.length === 0)
        add(
          at('notify'),
          'mode "declare" needs at least one person to notify (the first is named commander)',
        );
    }
  });
  return issues;
}
