// What the composition root (src/bot.ts) knows of a platform: its name, the sender that delivers the
// outbox to it, and its lifecycle. Everything else a platform does goes through the application layer.
import type { Express } from 'express';
import type { AlertPromptSender } from '../app/alert-ports.js';
import type { IncidentApp } from '../app/incident-app.js';
import type { AppLogger, MessageRefs, Sender } from '../app/ports.js';
import type { Platform } from '../domain/incident.js';

export interface PlatformAdapter {
  name: Exclude<Platform, 'cli'>;
  sender: Sender;
  /** Posts and updates alert prompts in the alerts channel (platforms that show them). */
  alertSender?: AlertPromptSender;
  /** What the platform answered when the adapter was made (it is not made when it refused or was silent). */
  verified: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The platform refused the credentials, or did not answer, at start: one sentence for the operator (which
 * setting, what the platform said, what to do). main.ts prints it and exits 3.
 */
export class PlatformStartError extends Error {
  constructor(
    readonly platform: string,
    readonly kind: 'refused' | 'unreachable',
    message: string,
  ) {
    super(message);
  }
}

/** A logger that can make children (pino). */
export interface PlatformLogger extends AppLogger {
  child(bindings: Record<string, unknown>): PlatformLogger;
}

/** What every platform adapter is built from. */
export interface PlatformDeps {
  app: IncidentApp;
  refs: MessageRefs;
  /** The shared HTTP server's express app (inbound routes are mounted on it). */
  express: Express;
  logger: PlatformLogger;
}
