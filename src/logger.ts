// The pino logger, created in the outer layer only. Tokens, secrets, passwords and Authorization
// headers are redacted wherever they appear in a logged object.
import pino, { type DestinationStream, type Logger } from 'pino';
import { requestFields } from './ops/request-log.js';

export const REDACT_PATHS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'clientSecret',
  'password',
  'secret',
  'authorization',
  'Authorization',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.clientSecret',
  '*.password',
  '*.secret',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'headers["x-slack-signature"]',
  'config.SLACK_BOT_TOKEN',
  'config.SLACK_SIGNING_SECRET',
  'config.SLACK_APP_TOKEN',
  'config.TEAMS_CLIENT_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'TEAMS_CLIENT_SECRET',
];

/** Token-looking strings in free text (messages, error strings) are masked too. */
const TOKEN_RE =
  /\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/g;

export function maskTokens(s: string): string {
  return s.replace(TOKEN_RE, '[Redacted]');
}

export function createLogger(
  opts: { level?: string; destination?: DestinationStream; pretty?: boolean } = {},
): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      // reqId and incident of the request being handled, if any (src/ops/request-log.ts)
      mixin: () => requestFields(),
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskTokens(a) : a));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
      formatters: {
        log(obj) {
          const err = obj.err as { message?: string; stack?: string } | undefined;
          if (err && typeof err === 'object') {
            return {
              ...obj,
              err: {
                ...err,
                message: err.message && maskTokens(err.message),
                stack: err.stack && maskTokens(err.stack),
              },
            };
          }
          return obj;
        },
      },
    },
    opts.destination ?? (opts.pretty ? prettyDestination() : undefined),
  );
}

/**
 * Readable colored lines for a developer at a terminal: pino-pretty, a dev dependency, so it exists only
 * where dev dependencies are installed. Anywhere else (production, a pipe, a container) the logs are JSON.
 */
function prettyDestination(): DestinationStream | undefined {
  try {
    import.meta.resolve('pino-pretty');
  } catch {
    return undefined;
  }
  return pino.transport({
    target: 'pino-pretty',
    options: { colorize: true, translateTime: 'UTC:HH:MM:ss.l' },
  });
}

export type { Logger };
