// The playbook's `actions` (./playbook-actions.ts) as zod, and the checks that need the whole playbook:
// roles, the checklist item an action completes, the action an undo undoes, the variables and placeholders
// its webhook uses. Every issue names its path, e.g. `actions[1].webhook.url: ...`.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the playbook's variable syntax, not a template
import { z } from 'zod';
import type { Playbook } from './playbook.js';
import { allChecklistItems } from './playbook.js';
import {
  ACTION_METHODS,
  ACTION_PLACEHOLDERS,
  type JsonTemplate,
  placeholdersIn,
  VARIABLE_NAME,
  variablesOf,
} from './playbook-actions.js';
import type { PathSegment, PlaybookIssue } from './playbook-schema.js';
import { id, text } from './playbook-schema-kit.js';

const jsonTemplate: z.ZodType<JsonTemplate> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonTemplate),
    z.record(z.string(), jsonTemplate),
  ]),
);

/** An HTTP header name (RFC 9110 token). */
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const webhookSchema = z.strictObject({
  method: z.enum(ACTION_METHODS, { error: `must be one of ${ACTION_METHODS.join(', ')}` }),
  url: text,
  headers: z.record(z.string().regex(headerName, 'must be an HTTP header name'), z.string()).optional(),
  body: jsonTemplate.optional(),
});

export const actionSchema = z.strictObject({
  id,
  title: text,
  consequence: text,
  roles: z.array(id).min(1, 'name at least one role (or leave it out: the incident commander)').optional(),
  completes: id.nullable().optional(),
  undoes: id.nullable().optional(),
  webhook: webhookSchema,
});

/** Semantic checks of `actions`, run once the shapes are valid. */
export function actionIssues(pb: Playbook): PlaybookIssue[] {
  const issues: PlaybookIssue[] = [];
  const actions = pb.actions ?? [];
  const add = (path: PathSegment[], message: string) => issues.push({ path, message });
  const roleIds = new Set(pb.roles.map((r) => r.id));
  const items = new Map(allChecklistItems(pb).map((x) => [x.id, x]));
  const seen = new Map<string, number>();
  const completedBy = new Map<string, string>();
  actions.forEach((a, ai) => {
    const at = (...p: PathSegment[]) => ['actions', ai, ...p];
    const first = seen.get(a.id);
    if (first !== undefined) add(at('id'), `duplicate action id "${a.id}" (first at index ${first})`);
    else seen.set(a.id, ai);
    (a.roles ?? []).forEach((r, ri) => {
      if (!roleIds.has(r)) add(at('roles', ri), `unknown role "${r}"`);
    });
    if (a.completes) {
      const item = items.get(a.completes);
      if (!item) add(at('completes'), `unknown checklist item "${a.completes}"`);
      else if (item.completedBy)
        add(at('completes'), `checklist item "${a.completes}" is already completed by ${item.completedBy}`);
      else if (completedBy.has(a.completes))
        add(
          at('completes'),
          `checklist item "${a.completes}" is already completed by "${completedBy.get(a.completes)}"`,
        );
      else completedBy.set(a.completes, a.id);
    }
    if (a.undoes) {
      const target = actions.find((x) => x.id === a.undoes);
      if (!target) add(at('undoes'), `unknown action "${a.undoes}"`);
      else if (target.id === a.id) add(at('undoes'), 'an action cannot undo itself');
      else if (target.undoes) add(at('undoes'), `"${a.undoes}" is itself an undo; undo the action it undoes`);
      else if (actions.some((x, xi) => xi < ai && x.undoes === a.undoes))
        add(at('undoes'), `"${a.undoes}" already has an undo`);
    }
    for (const name of variablesOf(a))
      if (!VARIABLE_NAME.test(name))
        add(at('webhook'), `"\${${name}}" is not an environment variable name (A-Z, 0-9, "_")`);
    const url = a.webhook.url;
    if (!/^(https?:\/\/|\$\{[A-Z_][A-Z0-9_]*\})/.test(url))
      add(at('webhook', 'url'), 'must start with http:// or https:// (or with a ${VARIABLE} holding one)');
    if (/^https?:\/\/[^/]*@/.test(url))
      add(at('webhook', 'url'), 'must not hold credentials: put them in a header that names a ${VARIABLE}');
    for (const [name, value] of Object.entries(a.webhook.headers ?? {})) {
      if (/^(authorization|x-api-key|api-key|x-auth-token)$/i.test(name) && !/\$\{/.test(value))
        add(at('webhook', 'headers', name), 'a secret never goes in the playbook: reference a ${VARIABLE}');
      if (/^idempotency-key$/i.test(name))
        add(at('webhook', 'headers', name), 'the bot sets Idempotency-Key itself (the outbox row key)');
    }
    for (const p of placeholdersIn(a.webhook.body))
      if (!(ACTION_PLACEHOLDERS as readonly string[]).includes(p))
        add(
          at('webhook', 'body'),
          `unknown placeholder "{${p}}" (known: ${ACTION_PLACEHOLDERS.map((x) => `{${x}}`).join(', ')})`,
        );
    if (JSON.stringify(a.webhook.body ?? '').includes('${'))
      add(at('webhook', 'body'), 'environment variables are resolved in the url and headers only');
    if (a.webhook.method === 'GET' && a.webhook.body !== undefined)
      add(at('webhook', 'body'), 'a GET request has no body');
  });
  return issues;
}
