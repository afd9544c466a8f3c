// Scripted drills played in the console for people to watch: one run at a time per drill, step by step
// with a pause between steps, through the same runner the CLI uses. Runs are kept in memory (the record
// of what they did is the incident's log).
import { randomUUID } from 'node:crypto';
import { type DrillResult, type DrillStepResult, runDrill } from '../../app/drill-runner.js';
import type { LocalPerson } from '../../app/local-people.js';
import type { Drill } from '../../domain/drill.js';
import { audienceOf, type WebContext } from './context.js';

export interface DrillRun {
  id: string;
  name: string;
  title: string;
  startedBy: string;
  steps: DrillStepResult[];
  incidentKey: string | null;
  done: DrillResult | null;
}

/** Seconds between two steps played in the console, so people can follow. */
export const LIVE_PAUSE_MS = 1500;
const KEPT = 20;

export class DrillRuns {
  private readonly runs = new Map<string, DrillRun>();

  constructor(
    private readonly ctx: WebContext,
    private readonly pauseMs = LIVE_PAUSE_MS,
  ) {}

  get(id: string): DrillRun | undefined {
    return this.runs.get(id);
  }

  /** The run of this drill still playing, if any (a second press joins it instead of starting another). */
  playing(name: string): DrillRun | undefined {
    return [...this.runs.values()].find((r) => r.name === name && !r.done);
  }

  start(name: string, drill: Drill, by: LocalPerson): DrillRun {
    const existing = this.playing(name);
    if (existing) return existing;
    const run: DrillRun = {
      id: randomUUID(),
      name,
      title: drill.title,
      startedBy: by.id,
      steps: [],
      incidentKey: null,
      done: null,
    };
    this.runs.set(run.id, run);
    // Only finished runs are forgotten (a playing one keeps its page).
    const finished = [...this.runs.values()].filter((r) => r.done);
    for (const old of finished.slice(0, Math.max(0, this.runs.size - KEPT))) this.runs.delete(old.id);
    const { ctx } = this;
    void runDrill(
      {
        app: ctx.app,
        surface: ctx.surface,
        clock: ctx.local.clock,
        afterForward: ctx.local.afterForward,
        settle: ctx.local.settle,
      },
      drill,
      {
        pauseMs: this.pauseMs,
        onStep: (s) => {
          run.steps.push(s);
          run.incidentKey = s.incidentKey;
          ctx.live.publish({ drill: run.id }, this.audience(run));
        },
      },
    )
      .then((result) => {
        run.done = result;
        run.incidentKey = result.incidentKey;
      })
      .catch((e: unknown) => {
        run.done = { ok: false, incidentKey: run.incidentKey, steps: run.steps, error: String(e) };
      })
      .finally(() => ctx.live.publish({ drill: run.id }, this.audience(run)));
    return run;
  }

  /** Whether `person` may follow the run: once it has declared, whoever may see its incident. */
  visibleTo(run: DrillRun, person: string): boolean {
    const incident = run.incidentKey ? this.ctx.app.incident(run.incidentKey) : null;
    return !incident || audienceOf(this.ctx.app, incident)(person);
  }

  private audience(run: DrillRun): (person: string) => boolean {
    return (person) => this.visibleTo(run, person);
  }
}
