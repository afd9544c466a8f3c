// Wires the reminder scheduler into the running bot (src/bot.ts imports this): every REMINDER_CRON
// tick runs one reminder pass at the bot's clock, logs what it claimed and kicks the dispatcher.

import type { DispatcherLogger } from '../app/dispatcher.js';
import { runReminderPass } from '../app/reminder-pass.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import type { IncidentStore } from '../storage/sqlite/incident-store.js';
import { reminderStoreOf } from '../storage/sqlite/reminder-store.js';
import { startReminderScheduler } from './reminder-scheduler.js';

export interface StartRemindersOptions {
  config: { REMINDER_CRON: string };
  logger?: DispatcherLogger;
  store: IncidentStore;
  service: { playbookFor(incident: Incident | null): Playbook };
  dispatcher: { kick(): void };
  clock?: (() => Date) | undefined;
  /** When given, each tick also forgets inbound-request ids older than two days (de-duplication window). */
  outbox?: { forgetSightingsBefore(before: Date): number };
}

const MAX_INCIDENTS_PER_SLICE = 200;
const SIGHTING_RETENTION_MS = 2 * 24 * 60 * 60 * 1000;

export function startReminders(o: StartRemindersOptions): { stop(): void } {
  const sched = startReminderScheduler({
    cron: o.config.REMINDER_CRON,
    timezone: 'UTC',
    name: 'incident-bot-reminders',
    run: async () => {
      const now = o.clock ? o.clock() : new Date();
      o.outbox?.forgetSightingsBefore(new Date(now.getTime() - SIGHTING_RETENTION_MS));
      // A large catch-up is claimed in slices, yielding between them so acks are never held up long.
      let r = runReminderPass({
        reminders: reminderStoreOf(o.store),
        service: o.service,
        now,
        maxIncidents: MAX_INCIDENTS_PER_SLICE,
      });
      let slices = 1;
      let claimed = r.claimed;
      while (r.more && slices < 10_000) {
        o.dispatcher.kick();
        await new Promise((ok) => setImmediate(ok));
        r = runReminderPass({
          reminders: reminderStoreOf(o.store),
          service: o.service,
          now,
          maxIncidents: MAX_INCIDENTS_PER_SLICE,
        });
        claimed += r.claimed;
        slices++;
      }
      if (claimed > 0) {
        o.logger?.info({ claimed, slices, lastSlice: r.reminders.map((x) => x.key) }, 'reminders queued');
      }
      return r;
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
