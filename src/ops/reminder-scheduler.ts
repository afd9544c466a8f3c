// WHEN to look for owed reminders: a node-cron task (every minute by default, UTC). WHAT is owed is
// decided by the pass from the database, so a missed tick, a restart or a second process costs
// nothing: the next tick catches up, and claims in the database keep every reminder single.
import { type ScheduledTask, schedule, validate } from 'node-cron';

export interface ReminderSchedulerOptions {
  /** Cron expression; default every minute. */
  cron?: string;
  /** Default UTC. */
  timezone?: string;
  name?: string;
  /** One reminder pass (e.g. () => runReminderPass({...now: new Date()})). */
  run: () => unknown;
  /** Called after each pass that did not throw (e.g. () => dispatcher.kick()). */
  kick?: () => void;
  onError?: (error: unknown) => void;
}

export interface ReminderScheduler {
  task: ScheduledTask;
  stop(): Promise<void>;
}

export function startReminderScheduler(o: ReminderSchedulerOptions): ReminderScheduler {
  const expr = o.cron ?? '* * * * *';
  if (!validate(expr)) throw new Error(`invalid reminder cron expression "${expr}"`);
  const task = schedule(
    expr,
    async () => {
      try {
        await o.run();
        o.kick?.();
      } catch (e) {
        o.onError?.(e);
      }
    },
    { noOverlap: true, name: o.name ?? 'reminders', timezone: o.timezone ?? 'UTC' },
  );
  return {
    task,
    async stop() {
      await task.stop();
      await task.destroy();
    },
  };
}
