// Wires things: configuration, logger, the bot, signals. Nothing else lives here.

import { startBot } from './bot.js';
import {
  ConfigError,
  loadDotEnv,
  localMode,
  localModeIgnores,
  localModeLine,
  NOTHING_CONFIGURED,
  readConfig,
  slackEnabled,
  teamsEnabled,
} from './config.js';
import { createLogger } from './logger.js';
import { AuditKeyError } from './ops/audit-key.js';
import { PlatformStartError } from './platforms/platform.js';
import { PlaybookError } from './storage/playbook-file.js';
import { PgConnectError } from './storage/postgres/open-postgres.js';
import { BackupError } from './storage/sqlite/backup.js';
import { DatabaseModeError } from './storage/sqlite/database-mode.js';
import { MigrationError } from './storage/sqlite/migrate.js';

async function main(): Promise<number> {
  loadDotEnv();
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(
        `incident-bot: the configuration is not valid:\n${e.problems.map((p) => `  - ${p}`).join('\n')}\n`,
      );
      return 2;
    }
    throw e;
  }
  const local = localMode(config);
  if (local) {
    const ignored = localModeIgnores(config);
    if (ignored) process.stderr.write(`${ignored}\n`);
    config = local;
  } else if (!slackEnabled(config) && !teamsEnabled(config)) {
    process.stderr.write(`${NOTHING_CONFIGURED}\n`);
    return 2;
  }
  const logger = createLogger({
    level: config.LOG_LEVEL,
    pretty: config.NODE_ENV !== 'production' && process.stdout.isTTY === true,
  });
  let bot: Awaited<ReturnType<typeof startBot>> | undefined;
  // Installed before start-up: a stop asked for while the platforms are still being asked exits cleanly
  // (nothing was accepted yet: platform requests get 503 until the bot is ready).
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    if (!bot) process.exit(0);
    bot.shutdown().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // A promise nobody awaited must not kill an incident bot with a stack trace on stderr: log it as JSON.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  try {
    bot = await startBot(config, logger, { local: Boolean(local) });
    if (bot.console) process.stdout.write(`${localModeLine(bot.console.url)}\n`);
  } catch (e) {
    if (e instanceof PlaybookError) {
      process.stderr.write(
        `incident-bot: the playbook ${e.file} is not valid:\n${e.errors.map((x) => `  - ${x}`).join('\n')}\n`,
      );
      return 2;
    }
    if (e instanceof PlatformStartError) {
      // 3: the configuration is well formed but the platform refused it or did not answer.
      process.stderr.write(`incident-bot: ${e.message}\n`);
      return 3;
    }
    if (
      e instanceof MigrationError ||
      e instanceof AuditKeyError ||
      e instanceof BackupError ||
      e instanceof DatabaseModeError ||
      e instanceof PgConnectError
    ) {
      process.stderr.write(`incident-bot: ${e.message}\n`);
      return 2;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EROFS' || code === 'SQLITE_READONLY') {
      process.stderr.write(
        `incident-bot: cannot open or write the database ${config.DATABASE_PATH} (${code}): check DATABASE_PATH, and that the bot's user may write that file and its folder.\n`,
      );
      return 2;
    }
    if (code === 'ENOSPC' || code === 'SQLITE_FULL') {
      process.stderr.write(`incident-bot: the disk holding ${config.DATABASE_PATH} is full (${code}).\n`);
      return 2;
    }
    if (code === 'EADDRINUSE') {
      process.stderr.write(
        `incident-bot: port ${config.PORT} is already in use; set PORT to another port.\n`,
      );
      return 2;
    }
    logger.fatal({ err: e }, 'incident-bot could not start');
    return 1;
  }
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    process.stderr.write(`incident-bot: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
