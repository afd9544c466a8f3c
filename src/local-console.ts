// Local mode's part of the composition root: the database's mode (a local database is marked, and refused
// by a production start), and the console platform with its controls: the drill clock's reminder pass,
// and `audit verify` on the local database.
import { join } from 'node:path';
import type { Dispatcher } from './app/dispatcher.js';
import type { DrillClock } from './app/drill-clock.js';
import type { IncidentService } from './app/incident-service.js';
import { LOCAL_PEOPLE } from './app/local-people.js';
import type { Config } from './config.js';
import type { SignerChoice } from './ops/audit-key.js';
import type { PlatformDeps } from './platforms/platform.js';
import { createWebAdapter, type WebAdapter } from './platforms/web/web-adapter.js';
import { DEFAULT_DRILLS_DIR, DrillError, listDrills, loadDrill } from './storage/drill-file.js';
import { ConsoleFeedStore } from './storage/sqlite/console-feed-store.js';
import {
  clockAheadMs,
  markLocal,
  refuseLocalInProduction,
  saveClockAhead,
} from './storage/sqlite/database-mode.js';
import type { IncidentStore } from './storage/sqlite/incident-store.js';
import type { Db } from './storage/sqlite/open-database.js';

/** Marks a local-mode database (returning the console's key), or refuses a local one in production. */
export function checkDatabaseMode(db: Db, config: Config, clock: DrillClock | null): string {
  if (clock) {
    const { token } = markLocal(db, config.DATABASE_PATH, clock.now());
    clock.restore(clockAheadMs(db));
    return token;
  }
  if (config.NODE_ENV === 'production') refuseLocalInProduction(db, config.DATABASE_PATH);
  return '';
}

const PEOPLE = LOCAL_PEOPLE.map((p) => p.id);

export function localConsole(o: {
  deps: PlatformDeps;
  db: Db;
  config: Config;
  clock: DrillClock;
  key: string;
  store: IncidentStore;
  service: IncidentService;
  dispatcher: Dispatcher;
  audit: SignerChoice;
  drillPauseMs?: number;
}): WebAdapter {
  const { store, service, dispatcher } = o;
  // Every move is kept (checkDatabaseMode restored the last one): a restart never takes the clock back.
  const clock: DrillClock = {
    ...o.clock,
    forward(minutes) {
      o.clock.forward(minutes);
      saveClockAhead(o.db, o.clock.aheadMs());
    },
  };
  return createWebAdapter(o.deps, {
    key: o.key,
    ...(o.drillPauseMs !== undefined ? { drillPauseMs: o.drillPauseMs } : {}),
    ...(o.config.HOST !== '127.0.0.1' ? { listenHost: o.config.HOST } : {}),
    feed: new ConsoleFeedStore(o.db),
    local: {
      clock,
      afterForward: async () => {
        const { runReminderCatchUp } = await import('./ops/start-reminders.js');
        // the console rehearses pages: the roles nudge offers its Page buttons (ops/start-paging.ts)
        const options = { paging: Boolean(service.paging) };
        const r = await runReminderCatchUp({ store, service, dispatcher, now: clock.now(), options });
        if (r.claimed > 0) dispatcher.kick();
        return r.claimed;
      },
      settle: async () => {
        await dispatcher.drain(5000);
      },
      drills: {
        list: () => listDrills(DEFAULT_DRILLS_DIR, PEOPLE),
        load: (name) => {
          try {
            return loadDrill(join(DEFAULT_DRILLS_DIR, `${name}.yaml`), PEOPLE);
          } catch (e) {
            return { error: e instanceof DrillError ? e.errors.join('; ') : `no drill named ${name}` };
          }
        },
      },
      verifyAudit: async () => {
        const { auditVerify } = await import('./cli/audit-verify.js');
        const r = auditVerify({
          dbPath: o.config.DATABASE_PATH,
          pubkeys: o.audit.file ? [o.audit.file] : [],
        });
        return { ok: r.code === 0, text: r.output };
      },
    },
  });
}
