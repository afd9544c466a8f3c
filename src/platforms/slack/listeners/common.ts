// What every Slack listener shares: the dependencies, idempotency keys derived from payloads, running a
// command safely, and answering people ephemerally (never with a stack trace).
import { createHash } from 'node:crypto';
import type { AllMiddlewareArgs, App } from '@slack/bolt';
import type { IncidentService } from '../../../app/incident-service.js';
import { failureAnswer, isDatabaseBusy } from '../../../app/storage-failure.js';
import type { Command } from '../../../domain/commands.js';
import { decide } from '../../../domain/decide.js';
import type { DomainError } from '../../../domain/errors.js';
import { withHint } from '../../../domain/errors.js';
import type { Actor, Incident } from '../../../domain/incident.js';
import { bindIncident } from '../../../ops/request-log.js';
import type { CommandOutcome } from '../../../storage/sqlite/incident-store.js';
import type { OutboxStore } from '../../../storage/sqlite/outbox-store.js';

export type SlackClient = AllMiddlewareArgs['client'];

/** Structural view of a pino logger (avoids importing pino here). */
export interface SlackLogger {
  debug?(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SlackDeps {
  service: IncidentService;
  outbox: OutboxStore;
  dispatcher: { kick(): void };
  /** Channel id (or #name) where announcements to stakeholders go. */
  stakeholderChannel?: string;
  /** User ids with incident-commander authority over every incident. */
  admins?: string[];
  logger?: SlackLogger;
}

/** Deps plus what the listeners keep in memory: display names seen in payloads. */
export interface SlackContext extends SlackDeps {
  log: SlackLogger;
  names: Map<string, string>;
}

const silent: SlackLogger = { info() {}, warn() {}, error() {} };

export function slackContext(deps: SlackDeps): SlackContext {
  return { ...deps, log: deps.logger ?? silent, names: new Map() };
}

/** One feature's listeners, and the callback ids it answers (checked against slack/manifest.json). */
export interface SlackFeature {
  name: string;
  commands?: string[];
  shortcuts?: string[];
  views?: string[];
  actions?: string[];
  register(app: App, ctx: SlackContext): void;
}

// The answers for a command that failed with an exception are platform-neutral (shared with Teams).
export {
  DATABASE_BUSY,
  DATABASE_UNWRITABLE,
  failureAnswer,
  isDatabaseBusy,
  isDatabaseUnwritable,
  SOMETHING_WENT_WRONG,
} from '../../../app/storage-failure.js';

// ------------------------------------------------------------------ idempotency keys

/** Slash command: one trigger_id per invocation; a retry carries the same one. */
export const slashKey = (team: string, triggerId: string) => `slack:${team}:${triggerId}`;

/**
 * View submission: view id + hash + a digest of the submitted values. A retry repeats all three; a form
 * corrected after a refusal keeps its id and hash (Slack changes the hash only on views.update) but not its
 * values, so it is a new request rather than a replay of the refusal.
 */
export function viewKey(view: { id: string; hash?: string; state?: { values?: unknown } }): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(view.state?.values ?? {}))
    .digest('hex')
    .slice(0, 16);
  return `slack:view:${view.id}:${view.hash ?? ''}:${digest}`;
}

/** Block action: message, action, value, user and action_ts; a retry repeats all of them. */
export function actionKey(o: {
  messageTs?: string;
  actionId: string;
  value?: string;
  user: string;
  actionTs?: string;
}): string {
  return `slack:action:${o.messageTs ?? ''}:${o.actionId}:${o.value ?? ''}:${o.user}:${o.actionTs ?? ''}`;
}

// ------------------------------------------------------------------ people

export function actorOf(ctx: SlackContext, id: string, name?: string): Actor {
  if (name) ctx.names.set(id, name);
  return name ? { platform: 'slack', id, name } : { platform: 'slack', id };
}

// ------------------------------------------------------------------ running commands

export type Outcome =
  | CommandOutcome
  | { ok: false; error: DomainError; replay: false; incident: null; internal: true };

/** service.handle, with any exception turned into a polite refusal (logged), and the dispatcher kicked. */
export function runCommand(
  ctx: SlackContext,
  req: { key: string; incidentKey: string | null; command: Command; actor: Actor },
): Outcome {
  bindIncident(req.incidentKey);
  try {
    const outcome = ctx.service.handle(req);
    if (outcome.ok) bindIncident(outcome.incident.key);
    if (outcome.ok && !outcome.replay) ctx.dispatcher.kick();
    return outcome;
  } catch (e) {
    // The transaction rolled back: nothing of the command was stored, so "try again" is safe.
    const busy = isDatabaseBusy(e);
    if (busy)
      ctx.log.warn({ err: e, key: req.key, command: req.command.type }, 'database busy; command not saved');
    else ctx.log.error({ err: e, key: req.key, command: req.command.type }, 'slack command failed');
    return {
      ok: false,
      error: { code: 'conflict', message: failureAnswer(e) },
      replay: false,
      incident: null,
      internal: true,
    };
  }
}

/**
 * Asks the core, without storing anything, whether the actor may issue this command at all (used before
 * opening a modal, so a non-IC is told at once). Returns the refusal for permission, closed and illegal-move
 * errors only (form input errors are for the form).
 */
export function precheck(
  ctx: SlackContext,
  incident: Incident,
  command: Command,
  actor: Actor,
): DomainError | null {
  const r = decide(incident, command, {
    actor,
    now: ctx.service.now(),
    playbook: ctx.service.playbookFor(incident),
    admins: ctx.admins ?? [],
  });
  // illegal_transition: e.g. closing during triage, where no form can help (the answer names the way).
  if (!r.ok && ['forbidden', 'closed', 'illegal_transition'].includes(r.error.code)) return r.error;
  return null;
}

/** The incident worked in a channel (its room, or the fallback room). */
export function incidentInChannel(ctx: SlackContext, channelId: string | undefined): Incident | null {
  if (!channelId) return null;
  return ctx.service.store.findByRoom('slack', channelId);
}

// ------------------------------------------------------------------ answering

/** An ephemeral message to `user` in `channel`; a DM when that fails (bot not in the channel, ...). */
export async function tell(
  ctx: SlackContext,
  client: SlackClient,
  channel: string | undefined,
  user: string,
  text: string,
): Promise<void> {
  if (!text) return;
  if (channel) {
    try {
      await client.chat.postEphemeral({ channel, user, text });
      return;
    } catch (e) {
      ctx.log.warn({ err: errorCode(e), channel, user }, 'ephemeral answer failed; trying a DM');
    }
  }
  try {
    await client.chat.postMessage({ channel: user, text });
  } catch (e) {
    ctx.log.error({ err: errorCode(e), user }, 'could not answer the user');
  }
}

export function errorCode(e: unknown): string {
  const data = (e as { data?: { error?: string } })?.data;
  return data?.error ?? (e instanceof Error ? e.message : String(e));
}

export { withHint } from '../../../domain/errors.js';

/**
 * Splits an outcome's notices: the text for the actor (returned), and warnings for other people
 * (e.g. an overload warning for whoever was given a role), sent ephemerally here.
 */
export async function noticesFor(
  ctx: SlackContext,
  client: SlackClient,
  outcome: Outcome,
  actorId: string,
  channel: string | undefined,
): Promise<string> {
  if (!outcome.ok) return withHint(outcome.error);
  const mine: string[] = [];
  const others = new Map<string, string[]>();
  for (const n of outcome.notices) {
    const text = n.level === 'warning' ? `:warning: ${n.text}` : n.text;
    if (!n.user || n.user === actorId) mine.push(text);
    else others.set(n.user, [...(others.get(n.user) ?? []), text]);
  }
  if (!outcome.replay) {
    for (const [user, texts] of others) await tell(ctx, client, channel, user, texts.join('\n'));
  }
  return mine.join('\n');
}

/** Runs the notices for an outcome as ephemeral messages to everyone concerned (actor included). */
export async function answer(
  ctx: SlackContext,
  client: SlackClient,
  outcome: Outcome,
  actorId: string,
  channel: string | undefined,
): Promise<void> {
  if (outcome.replay) return;
  const text = await noticesFor(ctx, client, outcome, actorId, channel);
  if (text) await tell(ctx, client, channel, actorId, text);
}

/** Unix seconds as a Slack date token that each reader sees in their own zone. */
export function slackDate(iso: string): string {
  const unix = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${unix}^{date_short_pretty} {time}|${iso}>`;
}

export function age(fromIso: string, now: Date): string {
  const mins = Math.max(0, Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000));
  if (mins < 60) return `${mins}m`;
  const h = Math.floor(mins / 60);
  if (h < 48) return `${h}h ${String(mins % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
