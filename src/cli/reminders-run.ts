// `incident-bot reminders run [--at ISO] [--dry-run]`: one reminder pass from the command line.
// It claims and queues what is owed (the running bot's dispatcher delivers the outbox), or with
// --dry-run only prints what it would queue. A time ahead of now is refused unless --dry-run: it would
// date entries in the future and hold the room's outbox until then. A past time is a catch-up: what was
// owed then is recorded at the real time, with the instant looked at beside it.
import { existsSync } from 'node:fs';
import { runReminderPass } from '../app/reminder-pass.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import type { Reminder } from '../domain/reminders.js';
import { AuditKeyError, chooseSigner } from '../ops/audit-key.js';
import {
  DEFAULT_PLAYBOOK_PATH,
  type LoadedPlaybook,
  loadPlaybook,
  PlaybookError,
} from '../storage/playbook-file.js';
import { reminderLeaderOf, waitToLead } from '../storage/reminder-leader.js';
import { IncidentStore } from '../storage/sqlite/incident-store.js';
import { MigrationError } from '../storage/sqlite/migrate.js';
import { type Db, openDatabase } from '../storage/sqlite/open-database.js';
import { reminderStoreOf } from '../storage/sqlite/reminder-store.js';

export interface RemindersRunOptions {
  /** The SQLite file; with `db`, where the development signing key is looked for (beside it). */
  dbPath: string;
  /** A database already open (PostgreSQL: the command line opens it): used, not closed. */
  db?: Db;
  /** ISO time to run the pass at (default: now). */
  at?: string;
  dryRun?: boolean;
  /** Playbook file (default: the bundled one), or an already loaded playbook. */
  playbook?: string | Pick<LoadedPlaybook, 'playbook' | 'ref'>;
  /** AUDIT_SIGNING_KEY_FILE and NODE_ENV, as the bot reads them. */
  keyFile?: string | undefined;
  production?: boolean;
  /** The real time (tests). */
  realNow?: Date;
  /** Paging is configured (config-paging.ts pagingConfigured): the roles nudge offers Page buttons, as the bot's. */
  paging?: boolean;
  /** How long to wait while a bot replica runs its own pass (PostgreSQL; default 30 s). */
  leadWaitMs?: number;
}

function describe(r: Reminder): string {
  const to = r.target.to === 'user' ? `user ${r.target.user}` : r.target.to;
  const late = r.lateBy > 0 ? ` (late by ${r.lateBy} min)` : '';
  const drill = r.data.drill ? ' [DRILL]' : '';
  return `  ${r.kind.padEnd(22)} ${r.incidentKey}${drill} due ${r.dueAt}${late} -> ${to}`;
}

export function remindersRun(o: RemindersRunOptions): { code: number; output: string } {
  const realNow = o.realNow ?? new Date();
  const now = o.at ? new Date(o.at) : realNow;
  if (Number.isNaN(now.getTime())) return { code: 2, output: `--at: "${o.at}" is not an ISO time` };
  if (!o.dryRun && now.getTime() > realNow.getTime() + 1000)
    return {
      code: 2,
      output: `--at ${now.toISOString()} is in the future: a pass then would date log entries ahead of time and hold each room's messages until that time. Use --dry-run to see what will be owed then.`,
    };
  if (!o.db && !existsSync(o.dbPath)) return { code: 1, output: `no database at ${o.dbPath}` };
  let current: Pick<LoadedPlaybook, 'playbook' | 'ref'>;
  try {
    current = typeof o.playbook === 'object' ? o.playbook : loadPlaybook(o.playbook ?? DEFAULT_PLAYBOOK_PATH);
  } catch (e) {
    if (e instanceof PlaybookError) return { code: 1, output: e.message };
    throw e;
  }
  let db: Db;
  let store: IncidentStore;
  try {
    const { signer } = chooseSigner({
      keyFile: o.keyFile,
      dbPath: o.dbPath,
      production: o.production === true,
    });
    db = o.db ?? openDatabase(o.dbPath, { signer });
    store = new IncidentStore(db, {}, signer);
  } catch (e) {
    if (e instanceof AuditKeyError || e instanceof MigrationError) return { code: 1, output: e.message };
    throw e;
  }
  // Claims are single whoever runs the pass; leading it too keeps a catch-up from racing a replica's tick.
  const leader = reminderLeaderOf(db);
  const leads = o.dryRun || waitToLead(leader, o.leadWaitMs ?? 30_000);
  try {
    if (!leads)
      return {
        code: 1,
        output: `A bot replica has been running the reminder pass for ${Math.round((o.leadWaitMs ?? 30_000) / 1000)} s: nothing was queued; try again shortly.`,
      };
    const service = {
      playbookFor(incident: Incident | null): Playbook {
        if (!incident || incident.playbook.sha256 === current.ref.sha256) return current.playbook;
        return store.playbookBySha(incident.playbook.sha256) ?? current.playbook;
      },
    };
    const r = runReminderPass({
      reminders: reminderStoreOf(store),
      service,
      now,
      ...(now.getTime() !== realNow.getTime() ? { realNow } : {}),
      dryRun: o.dryRun ?? false,
      options: { paging: o.paging === true },
    });
    const head = o.dryRun
      ? `Dry run at ${now.toISOString()}: ${r.due} reminder(s) would be sent (${r.candidates} incident(s) looked at).`
      : `Reminder pass at ${now.toISOString()}: ${r.claimed} reminder(s) queued for delivery, ${r.due - r.claimed} already claimed elsewhere (${r.candidates} incident(s) looked at).`;
    return { code: 0, output: [head, ...r.reminders.map(describe)].join('\n') };
  } finally {
    if (leads && !o.dryRun) leader.release();
    if (!o.db) db.close();
  }
}
