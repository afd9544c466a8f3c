// Wires the reminder scheduler into the running bot (src/bot.ts imports this): every REMINDER_CRON
// tick runs one reminder pass at the bot's clock, logs what it claimed and kicks the dispatcher. With
// several replicas on one database, only the replica leading the pass runs it (ReminderLeader).

import type { AppLogger } from '../app/ports.js';
import { type ReminderPassResult, runReminderPass } from '../app/reminder-pass.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import type { ReminderOptions } from '../domain/reminders.js';
import { type DescribedReminderLeader, reminderLeaderOf } from '../storage/reminder-leader.js';
import type { IncidentStore } from '../storage/sqlite/incident-store.js';
import { reminderStoreOf } from '../storage/sqlite/reminder-store.js';
import { startReminderScheduler } from './reminder-scheduler.js';
import { ReminderSkipWatch } from './reminder-skip-watch.js';

export interface StartRemindersOptions {
  config: { REMINDER_CRON: string };
  logger?: AppLogger;
  store: IncidentStore;
  service: { playbookFor(incident: Incident | null): Playbook };
  dispatcher: { kick(): void };
  clock?: (() => Date) | undefined;
  /** When given, each tick also forgets inbound-request ids older than two days (de-duplication window). */
  outbox?: { forgetSightingsBefore(before: Date): number };
  /** What the reminders offer (paging configured: the roles nudge's Page button). */
  options?: ReminderOptions;
  /** Who runs each pass among replicas (default: the store's database decides, reminder-leader.ts). */
  leader?: DescribedReminderLeader;
  /** When skipped passes become a warning (reminder-skip-watch.ts; defaults 5 and 15 minutes). */
  skipWarning?: { afterMs?: number; everyMs?: number };
}

/**
 * Incidents looked at per slice of a pass. Between slices the pass yields to the event loop, so a request
 * that arrives during a large catch-up waits for one slice at most (cost measured in docs/benchmarks.md).
 */
export const INCIDENTS_PER_SLICE = 10;
const SIGHTING_RETENTION_MS = 2 * 24 * 60 * 60 * 1000;

export interface CatchUpOptions {
  store: IncidentStore;
  service: { playbookFor(incident: Incident | null): Playbook };
  dispatcher: { kick(): void };
  now: Date;
  sliceIncidents?: number;
  options?: ReminderOptions;
}

/**
 * One reminder pass at `now`, in slices of incidents that yield to the event loop between them. Its cost
 * follows what is due: incidents not due are not loaded (next_check_at), each slice is one transaction per
 * 200 claims with one signed checkpoint.
 */
export async function runReminderCatchUp(
  o: CatchUpOptions,
): Promise<{ claimed: number; slices: number; last: ReminderPassResult }> {
  const pass = () =>
    runReminderPass({
      reminders: reminderStoreOf(o.store),
      service: o.service,
      now: o.now,
      maxIncidents: o.sliceIncidents ?? INCIDENTS_PER_SLICE,
      ...(o.options ? { options: o.options } : {}),
    });
  let r = pass();
  let slices = 1;
  let claimed = r.claimed;
  while (r.more && slices < 100_000) {
    if (r.claimed > 0) o.dispatcher.kick();
    await new Promise((ok) => setImmediate(ok));
    r = pass();
    claimed += r.claimed;
    slices++;
  }
  return { claimed, slices, last: r };
}

export function startReminders(o: StartRemindersOptions): { stop(): void } {
  const leader = o.leader ?? reminderLeaderOf(o.store.db);
  const watch = new ReminderSkipWatch(o.skipWarning);
  const sched = startReminderScheduler({
    cron: o.config.REMINDER_CRON,
    timezone: 'UTC',
    name: 'incident-bot-reminders',
    run: async () => {
      // Another replica runs this tick's pass; this one may lead the next (the lock is given back after each).
      if (!leader.tryLead()) {
        o.logger?.debug?.({}, 'reminder pass skipped: another replica is running it');
        const w = watch.skipped(Date.now(), () => leader.holder?.() ?? null);
        if (w)
          o.logger?.warn(
            w,
            `reminder passes skipped for ${w.minutes} min: another session holds the reminder lock since ${w.since} at least (${w.holder}); no reminder is sent while it does. If that replica is gone, the server ends its session once TCP keepalive gives up, or end it with pg_terminate_backend(pid).`,
          );
        return null;
      }
      if (watch.led()) o.logger?.info({}, 'reminder lock free again: this replica runs the reminder pass');
      try {
        return await tick(o);
      } finally {
        leader.release();
      }
    },
    kick: () => o.dispatcher.kick(),
    onError: (error) =>
      o.logger?.error(
        { error: error instanceof Error ? error.message : String(error) },
        'reminder pass failed',
      ),
  });
  return {
    stop() {
      void sched.stop();
    },
  };
}

/** One tick's pass at the bot's clock: old inbound ids forgotten, what is owed claimed in slices, logged. */
async function tick(o: StartRemindersOptions): Promise<ReminderPassResult> {
  const now = o.clock ? o.clock() : new Date();
  o.outbox?.forgetSightingsBefore(new Date(now.getTime() - SIGHTING_RETENTION_MS));
  const r = await runReminderCatchUp({
    store: o.store,
    service: o.service,
    dispatcher: o.dispatcher,
    now,
    ...(o.options ? { options: o.options } : {}),
  });
  if (r.claimed > 0) {
    o.logger?.info(
      { claimed: r.claimed, slices: r.slices, lastSlice: r.last.reminders.map((x) => x.key) },
      'reminders queued',
    );
  }
  return r.last;
}
