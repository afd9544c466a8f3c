// Plays a scripted drill (src/domain/drill.ts) through the application layer exactly as a platform would:
// forms opened and submitted, buttons pressed, verbs typed, the drill clock moved, each step by a local
// person. Nothing here decides anything: a step the core refuses is a failed step, and the run stops there
// (what follows would only fail on top of it). The caller delivers the outbox in `settle`, so the room,
// posts and nudges exist before the next step, as they would in a chat.
import { randomUUID } from 'node:crypto';
import type { Drill, DrillStep, DrillValues } from '../domain/drill.js';
import type { Actor, Incident } from '../domain/incident.js';
import { plainText, type Text } from '../domain/text.js';
import { type FieldErrors, type FormValues, type FormView, inputs } from '../views/form.js';
import { press } from './buttons.js';
import { type DrillClock, fastForward } from './drill-clock.js';
import { type IncidentFormName, openForm, type Submitted, submitForm } from './form-flow.js';
import type { IncidentApp, Request, Surface } from './incident-app.js';
import { LOCAL_PEOPLE, localActor, localPerson, localText } from './local-people.js';
import { textCommand } from './text-commands.js';

export interface DrillDeps {
  app: IncidentApp;
  /** The local console's surface (platform `web`). */
  surface: Surface;
  clock: DrillClock;
  /** The reminder pass at the clock's new time; answers how many reminders it claimed. */
  afterForward: () => Promise<number>;
  /** Delivers what a step queued (the outbox): the incident's room is created there, posts and nudges sent. */
  settle: () => Promise<void>;
}

export interface DrillOptions {
  /** Wait between steps (the console plays slowly so people can watch); a step's `pause` overrides it. */
  pauseMs?: number;
  onStep?: (step: DrillStepResult) => void;
}

export interface DrillStepResult {
  n: number;
  /** Who acted (null for a pause). */
  as: string | null;
  /** One line saying what was done. */
  what: string;
  ok: boolean;
  /** The bot's answer, as plain text. */
  text: string;
  /** The incident the drill works on after this step (null before it is declared). */
  incidentKey: string | null;
}

export interface DrillResult {
  ok: boolean;
  /** The incident the drill declared (null when it failed before). */
  incidentKey: string | null;
  steps: DrillStepResult[];
  /** The failed step and why (or why the drill could not start). */
  error?: string;
}

const FORM_WHAT: Record<IncidentFormName, string> = {
  declare: 'declares',
  alert: 'sends the initial alert',
  update: 'posts a status update',
  phase: 'changes the phase',
  reclassify: 're-classifies the incident',
  close: 'closes the incident',
  followup: 'files a follow-up',
  review: 'records the review',
  recap: 'sends the communication recap',
  action: 'runs a playbook action',
};

/** The values a form opens with (what a person sees prefilled), by field id. */
function openingValues(form: FormView): FormValues {
  const out: FormValues = {};
  for (const f of inputs(form)) {
    if (f.kind === 'checks') out[f.id] = f.values;
    else if (f.value !== undefined) out[f.id] = f.value;
  }
  return out;
}

const bare = (fieldId: string) => fieldId.replace(/^field:/, '');

/** The step's values over the opening ones; a template field may be named without its `field:` prefix. */
function filledIn(form: FormView, given: DrillValues): { values: FormValues } | { problem: string } {
  const fields = inputs(form);
  const values = openingValues(form);
  for (const [name, v] of Object.entries(given)) {
    const f = fields.find((x) => x.id === name) ?? fields.find((x) => x.id === `field:${name}`);
    if (!f)
      return {
        problem: `the ${form.name} form has no field "${name}"; its fields: ${fields.map((x) => bare(x.id)).join(', ')}`,
      };
    const list = f.kind === 'checks';
    const yesNo = f.kind === 'toggle';
    if (list ? typeof v === 'boolean' : yesNo ? typeof v !== 'boolean' : typeof v !== 'string')
      return { problem: `${name} takes ${list ? 'a list' : yesNo ? 'true or false' : 'text'}` };
    if (f.kind === 'choice' && !f.options.some((o) => o.value === v))
      return { problem: `${name} is one of: ${f.options.map((o) => o.value).join(', ')}` };
    values[f.id] = list && typeof v === 'string' ? [v] : v;
  }
  return { values };
}

function fieldProblems(errors: FieldErrors): string {
  return Object.entries(errors)
    .map(([f, m]) => (f === '_' ? m : `${bare(f)}: ${m}`))
    .join('; ');
}

interface Outcome {
  ok: boolean;
  text: Text;
}

/** What a form submission comes to: what was done and the notices, or what is wrong. */
function submitted(s: Submitted): Outcome {
  if (!s.ok) return { ok: false, text: 'refusal' in s ? s.refusal : fieldProblems(s.errors) };
  return { ok: true, text: s.inForm?.text ?? [s.done, s.answer.text].filter(Boolean).join('\n') };
}

/** One run of a drill: its idempotency keys, the incident it declared, who declared it. */
class Run {
  private readonly id = randomUUID();
  incidentKey: string | null = null;

  constructor(
    private readonly deps: DrillDeps,
    private readonly declarer: string,
  ) {}

  /** Unique per run and step: a re-run of the same script declares a new incident. */
  key(n: number, part?: string): string {
    return `drill:${this.id}:${n}${part ? `:${part}` : ''}`;
  }

  whoActs(step: DrillStep): string | null {
    return step.kind === 'pause' ? null : (step.as ?? this.declarer);
  }

  async play(step: DrillStep, actor: Actor): Promise<Outcome> {
    const { app } = this.deps;
    switch (step.kind) {
      case 'pause':
        return { ok: true, text: '' };
      case 'forward':
        return fastForward(app, this.deps.clock, actor, step.minutes, this.deps.afterForward);
      case 'declare':
        return this.form('declare', null, { actor, key: this.key(step.n) }, step.values);
      default:
        break;
    }
    const at = this.where();
    if (typeof at === 'string') return { ok: false, text: at };
    const { incident, roomId } = at;
    switch (step.kind) {
      case 'claim':
        return press(app, { actor, key: this.key(step.n), roomId }, incident, {
          kind: 'claim_role',
          role: step.role,
        }).answer;
      case 'check': {
        const texts: Text[] = [];
        for (const item of step.items) {
          const req = { actor, key: this.key(step.n, item), roomId };
          const r = press(app, req, incident, { kind: 'check_item', item });
          if (!r.answer.ok) return { ok: false, text: `${item}: ${r.answer.text}` };
          if (r.answer.text) texts.push(r.answer.text);
        }
        return { ok: true, text: texts.join('\n') };
      }
      case 'form':
        return this.form(step.form, incident, { actor, key: this.key(step.n), roomId }, step.values);
      case 'say':
        return this.say(step.text, actor, step.n, roomId);
    }
  }

  /** Opens the form as the person would, fills in the step's values over what it opens with, submits it. */
  private form(name: IncidentFormName, incident: Incident | null, req: Request, given: DrillValues): Outcome {
    const { app, surface } = this.deps;
    const opened = openForm(app, surface, name, incident, req);
    if (!opened.ok) return { ok: false, text: opened.refusal };
    const filled = filledIn(opened.form, given);
    if ('problem' in filled) return { ok: false, text: filled.problem };
    const s = submitForm(app, surface, name, req, incident, filled.values);
    if (s.ok && name === 'declare') this.incidentKey = s.outcome.incident.key;
    return submitted(s);
  }

  /** The declared incident and its room (steps act in the room, as people do). */
  private where(): { incident: Incident; roomId: string } | string {
    const incident = this.incidentKey ? this.deps.app.incident(this.incidentKey) : null;
    if (!incident) return 'There is no incident: the drill declares one first.';
    if (!incident.room)
      return `${incident.key} has no room yet: its creation was not delivered when the previous step settled.`;
    return { incident, roomId: incident.room.id };
  }

  private say(text: string, actor: Actor, n: number, roomId: string): Outcome {
    const reply = textCommand(
      this.deps.app,
      this.deps.surface,
      { actor, key: this.key(n), roomId },
      localText(text),
    );
    switch (reply.kind) {
      case 'answer':
        return { ok: reply.answer.ok, text: reply.answer.text };
      case 'list':
        return { ok: true, text: [reply.view.title, ...reply.view.lines].join('\n') };
      case 'form':
        return {
          ok: false,
          text: `That opens the ${reply.form.name} form: write the step as form: ${reply.form.name}, with its values.`,
        };
      case 'export':
        return {
          ok: false,
          text: 'The drill command writes the export when the drill ends; no step needed.',
        };
      case 'help':
        return { ok: false, text: reply.view.lead ?? 'That shows the help; a step must do something.' };
      case 'text':
        return { ok: false, text: reply.text };
    }
  }
}

function whatOf(step: DrillStep): string {
  switch (step.kind) {
    case 'declare':
      return `declares "${String(step.values.title ?? '')}"`;
    case 'claim':
      return `claims ${step.role}`;
    case 'check':
      return `ticks ${step.items.join(', ')}`;
    case 'form':
      return FORM_WHAT[step.form];
    case 'say': {
      const line = step.text.replace(/\s+/g, ' ');
      return `says "${line.length > 100 ? `${line.slice(0, 99)}…` : line}"`;
    }
    case 'forward':
      return `moves the clock forward ${step.minutes} minutes`;
    case 'pause':
      return `pauses ${step.pause ?? 0} s`;
  }
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Plays every step in order; stops at the first that fails. */
export async function runDrill(deps: DrillDeps, drill: Drill, o: DrillOptions = {}): Promise<DrillResult> {
  const stranger = drill.steps.find((s) => s.as !== undefined && !localPerson(s.as));
  if (stranger)
    return {
      ok: false,
      incidentKey: null,
      steps: [],
      error: `step ${stranger.n}: unknown person "${stranger.as}"; the people: ${LOCAL_PEOPLE.map((p) => p.id).join(', ')}`,
    };
  const declarer = drill.steps.find((s) => s.kind === 'declare')?.as ?? LOCAL_PEOPLE[0]!.id;
  const run = new Run(deps, declarer);
  const pauseMs = o.pauseMs ?? 0;
  const steps: DrillStepResult[] = [];
  for (const [i, step] of drill.steps.entries()) {
    const as = run.whoActs(step);
    const person = localPerson(as ?? declarer)!;
    const outcome = await run.play(step, localActor(person));
    await deps.settle();
    const result = {
      n: step.n,
      as,
      what: whatOf(step),
      ok: outcome.ok,
      text: plainText(outcome.text),
      incidentKey: run.incidentKey,
    };
    steps.push(result);
    o.onStep?.(result);
    if (!result.ok) {
      const who = as ? `${as} ${result.what}` : result.what;
      return {
        ok: false,
        incidentKey: run.incidentKey,
        steps,
        error: `step ${step.n} (${who}): ${result.text}`,
      };
    }
    const wait = step.pause !== undefined ? step.pause * 1000 : pauseMs;
    if (pauseMs > 0 && i < drill.steps.length - 1) await sleep(wait);
  }
  return { ok: true, incidentKey: run.incidentKey, steps };
}
