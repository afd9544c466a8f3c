// `incident-bot reminders run [--at ISO] [--dry-run]`: one reminder pass from the command line.
// It claims and queues what is owed (the running bot's dispatcher delivers the outbox), or with
// --dry-run only prints what it would queue.
import { existsSync } from 'node:fs';
import { runReminderPass } from '../app/reminder-pass.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import type { Reminder } from '../domain/reminders.js';
import {
  DEFAULT_PLAYBOOK_PATH,
  type LoadedPlaybook,
  loadPlaybook,
  PlaybookError,
} from '../storage/playbook-file.js';
import { IncidentStore } from '../storage/sqlite/incident-store.js';
import { openDatabase } from '../storage/sqlite/open-database.js';
import { reminderStoreOf } from '../storage/sqlite/reminder-store.js';

export interface RemindersRunOptions {
  dbPath: string;
  /** ISO time to run the pass at (default: now). */
  at?: string;
  dryRun?: boolean;
  /** Playbook file (default: the bundled one), or an already loaded playbook. */
  playbook?: string | Pick<LoadedPlaybook, 'playbook' | 'ref'>;
}

function describe(r: Reminder): string {
  const to = r.target.to === 'user' ? `user ${r.target.user}` : r.target.to;
  const late = r.lateBy > 0 ? ` (late by ${r.lateBy} min)` : '';
  const drill = r.data.drill ? ' [DRILL]' : '';
  return `  ${r.kind.padEnd(22)} ${r.incidentKey}${drill} due ${r.dueAt}${late} -> ${to}`;
}

export function remindersRun(o: RemindersRunOptions): { code: number; output: string } {
  const now = o.at ? new Date(o.at) : new Date();
  if (Number.isNaN(now.getTime())) return { code: 2, output: `--at: "${o.at}" is not an ISO time` };
  if (!existsSync(o.dbPath)) return { code: 1, output: `no database at ${o.dbPath}` };
  let current: Pick<LoadedPlaybook, 'playbook' | 'ref'>;
  try {
    current = typeof o.playbook === 'object' ? o.playbook : loadPlaybook(o.playbook ?? DEFAULT_PLAYBOOK_PATH);
  } catch (e) {
    if (e instanceof PlaybookError) return { code: 1, output: e.message };
    throw e;
  }
  const db = openDatabase(o.dbPath);
  try {
    const store = new IncidentStore(db);
    const service = {
      playbookFor(incident: Incident | null): Playbook {
        if (!incident || incident.playbook.sha256 === current.ref.sha256) return current.playbook;
        return store.playbookBySha(incident.playbook.sha256) ?? current.playbook;
      },
    };
    const r = runReminderPass({ reminders: reminderStoreOf(store), service, now, dryRun: o.dryRun ?? false });
    const head = o.dryRun
      ? `Dry run at ${now.toISOString()}: ${r.due} reminder(s) would be sent (${r.candidates} incident(s) looked at).`
      : `Reminder pass at ${now.toISOString()}: ${r.claimed} reminder(s) queued for delivery, ${r.due - r.claimed} already claimed elsewhere (${r.candidates} incident(s) looked at).`;
    return { code: 0, output: [head, ...r.reminders.map(describe)].join('\n') };
  } finally {
    db.close();
  }
}
