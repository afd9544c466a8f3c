// A scripted drill (playbooks/drills/*.yaml): who does what, in order, in local mode; the runner
// (src/app/drill-runner.ts) plays each step through the application layer as a platform would. Pure: the
// parsed YAML in, a checked Drill or errors naming the step out. The people who may act are passed in:
// local mode's people belong to the application layer.
import { z } from 'zod';
import { MAX_FORWARD_MINUTES } from './decide/clock.js';

/** The incident forms a step may submit (`form:`); the declaration is a step of its own. */
export const DRILL_FORMS = ['alert', 'update', 'phase', 'reclassify', 'close', 'followup', 'review'] as const;
export type DrillForm = (typeof DRILL_FORMS)[number];

/** The longest `pause:` (seconds): a pause lets people watch the console, not wait for lunch. */
export const MAX_PAUSE_SECONDS = 600;

/** A form field's value: text, the ticked options of a list of checks, or yes/no. */
export type DrillValue = string | string[] | boolean;
export type DrillValues = Record<string, DrillValue>;

export type DrillAction =
  | { kind: 'declare'; values: DrillValues }
  | { kind: 'claim'; role: string }
  | { kind: 'check'; items: string[] }
  | { kind: 'form'; form: DrillForm; values: DrillValues }
  | { kind: 'say'; text: string }
  | { kind: 'forward'; minutes: number }
  | { kind: 'pause' };

export type DrillStep = DrillAction & {
  /** 1-based, as people count the steps of the file. */
  n: number;
  /** Who acts (a local person's id). Absent on a pause, and on a forward that names nobody. */
  as?: string;
  /** Seconds to wait after this step when played live in the console. */
  pause?: number;
};

export interface Drill {
  title: string;
  description: string;
  steps: DrillStep[];
}

export type DrillCheck = { ok: true; drill: Drill } | { ok: false; errors: string[] };

/** The keys that say what a step does; exactly one per step (a step with none only pauses). */
const ACTIONS = ['declare', 'claim', 'check', 'form', 'say', 'forward'] as const;
const STEP_KEYS = ['as', ...ACTIONS, 'values', 'pause'];

// YAML reads `2026-12-01` and `11:00` as text, but a bare number as a number: a form takes it as text.
const text = z.union([z.string(), z.number().transform(String)]);
const value = z.union([text, z.boolean(), z.array(text)], {
  error: 'a value is text, a list of texts, or true/false',
});
const values = z.record(z.string(), value, { error: 'give the values as field: value pairs' });
const id = z.string({ error: 'must be text' }).trim().min(1, 'must not be empty');

const stepSchema = z.strictObject(
  {
    as: id.optional(),
    declare: values.optional(),
    claim: id.optional(),
    check: z.union([id.transform((x) => [x]), z.array(id).min(1, 'name at least one item')]).optional(),
    form: z
      .enum(DRILL_FORMS, {
        error: (iss) => `unknown form ${JSON.stringify(iss.input)}; the forms: ${DRILL_FORMS.join(', ')}`,
      })
      .optional(),
    values: values.optional(),
    say: z.string({ error: 'must be text' }).trim().min(1, 'say what is typed').optional(),
    forward: z
      .number({ error: 'must be a number of minutes' })
      .int('must be whole minutes')
      .min(1, 'at least 1 minute')
      .max(MAX_FORWARD_MINUTES, `at most ${MAX_FORWARD_MINUTES} minutes`)
      .optional(),
    pause: z
      .number({ error: 'must be a number of seconds' })
      .min(0, 'cannot be negative')
      .max(MAX_PAUSE_SECONDS, `at most ${MAX_PAUSE_SECONDS} seconds`)
      .optional(),
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key ${iss.keys.map((k) => `"${k}"`).join(', ')}; a step has: ${STEP_KEYS.join(', ')}`
        : iss.code === 'invalid_type'
          ? 'a step is a set of keys, e.g. { as: bob, claim: technical_lead }'
          : undefined,
  },
);
type RawStep = z.infer<typeof stepSchema>;

const drillSchema = z.strictObject(
  {
    title: z.string({ error: 'give the drill a title' }).trim().min(1, 'give the drill a title'),
    description: z.string({ error: 'must be text' }).trim().default(''),
    steps: z.array(z.unknown(), { error: 'list the steps' }).min(1, 'a drill needs at least one step'),
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key ${iss.keys.map((k) => `"${k}"`).join(', ')}; a drill has: title, description, steps`
        : iss.code === 'invalid_type'
          ? 'a drill file has a title, a description and steps'
          : undefined,
  },
);

function issues(err: z.ZodError, prefix: string): string[] {
  return err.issues.map((i) => {
    const where = [prefix, i.path.map(String).join('.')].filter(Boolean).join(': ');
    return where ? `${where}: ${i.message}` : i.message;
  });
}

/** The action of a checked step, or the problems with it (each prefixed by the caller). */
function actionOf(raw: RawStep, people: readonly string[]): DrillAction | string[] {
  const present = ACTIONS.filter((k) => raw[k] !== undefined);
  const problems: string[] = [];
  if (present.length > 1) problems.push(`one action per step; this one has ${present.join(' and ')}`);
  if (present.length === 0 && raw.pause === undefined)
    problems.push(`say what happens: one of ${ACTIONS.join(', ')} (or pause)`);
  const action = present[0];
  if (raw.values !== undefined && raw.form === undefined)
    problems.push('values go with form (a declaration gives its values under declare)');
  if (action && action !== 'forward' && raw.as === undefined) problems.push('say who acts: as: <person>');
  if (!action && raw.pause !== undefined && raw.as !== undefined) problems.push('a pause has no as');
  if (raw.as !== undefined && !people.includes(raw.as))
    problems.push(`unknown person "${raw.as}"; the people: ${people.join(', ')}`);
  if (problems.length > 0) return problems;
  if (raw.declare) return { kind: 'declare', values: raw.declare };
  if (raw.claim) return { kind: 'claim', role: raw.claim };
  if (raw.check) return { kind: 'check', items: raw.check };
  if (raw.form) return { kind: 'form', form: raw.form, values: raw.values ?? {} };
  if (raw.say) return { kind: 'say', text: raw.say };
  if (raw.forward) return { kind: 'forward', minutes: raw.forward };
  return { kind: 'pause' };
}

/** The drill's order: one declaration, before any step about the incident; a drill says it is one. */
function orderProblems(steps: DrillStep[]): string[] {
  const declares = steps.filter((s) => s.kind === 'declare');
  if (declares.length !== 1)
    return [`a drill declares one incident; this one has ${declares.length} declare steps`];
  const declare = declares[0]!;
  const problems: string[] = [];
  const early = steps.find((s) => s.n < declare.n && s.kind !== 'forward' && s.kind !== 'pause');
  if (early) problems.push(`step ${early.n}: comes before the declaration (step ${declare.n})`);
  if (declare.kind === 'declare' && declare.values.drill !== true)
    problems.push(
      `step ${declare.n}: declare with drill: true (a scripted drill is an exercise, and its record says so)`,
    );
  return problems;
}

/** Checks a parsed drill file; `people` are the ids of who may act (local mode's people). */
export function checkDrill(raw: unknown, people: readonly string[]): DrillCheck {
  const top = drillSchema.safeParse(raw);
  if (!top.success) return { ok: false, errors: issues(top.error, '') };
  const errors: string[] = [];
  const steps: DrillStep[] = [];
  for (const [i, rawStep] of top.data.steps.entries()) {
    const n = i + 1;
    const parsed = stepSchema.safeParse(rawStep);
    if (!parsed.success) {
      errors.push(...issues(parsed.error, `step ${n}`));
      continue;
    }
    const action = actionOf(parsed.data, people);
    if (Array.isArray(action)) {
      errors.push(...action.map((p) => `step ${n}: ${p}`));
      continue;
    }
    const { as, pause } = parsed.data;
    steps.push({
      ...action,
      n,
      ...(as !== undefined ? { as } : {}),
      ...(pause !== undefined ? { pause } : {}),
    });
  }
  if (errors.length === 0) errors.push(...orderProblems(steps));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, drill: { title: top.data.title, description: top.data.description, steps } };
}
