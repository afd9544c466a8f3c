// What every Slack listener shares: the application layer, the names seen in payloads, idempotency keys
// derived from payloads, and telling people things (ephemeral in the channel, else a DM; never a stack trace).
import { createHash } from 'node:crypto';
import type { AllMiddlewareArgs, App } from '@slack/bolt';
import type { Answer } from '../../app/answers.js';
import type { IncidentApp, Surface } from '../../app/incident-app.js';
import type { AppLogger } from '../../app/ports.js';
import type { Actor } from '../../domain/incident.js';
import type { Text } from '../../domain/text.js';
import { channelsOf } from './directory.js';
import { mrkdwnOf } from './render/text.js';

export type SlackClient = AllMiddlewareArgs['client'];
export type SlackLogger = AppLogger;

export interface SlackDeps {
  app: IncidentApp;
  /** Channel id (or #name) where announcements to stakeholders go. */
  stakeholderChannel?: string;
  logger?: SlackLogger;
}

/** Deps plus what the listeners keep in memory: display names seen in payloads. */
export interface SlackContext {
  app: IncidentApp;
  surface: Surface;
  stakeholderChannel?: string;
  log: SlackLogger;
  names: Map<string, string>;
}

const silent: SlackLogger = { info() {}, warn() {}, error() {} };

export function slackContext(deps: SlackDeps, client?: SlackClient): SlackContext {
  const names = new Map<string, string>();
  return {
    app: deps.app,
    ...(deps.stakeholderChannel ? { stakeholderChannel: deps.stakeholderChannel } : {}),
    log: deps.logger ?? silent,
    names,
    surface: {
      platform: 'slack',
      stakeholders: { configured: Boolean(deps.stakeholderChannel), setting: 'SLACK_STAKEHOLDER_CHANNEL' },
      nameOf: (id) => names.get(id),
      ...(client ? { roomsOf: (user: string) => channelsOf(client, user) } : {}),
    },
  };
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

export function actorOf(ctx: SlackContext, id: string, name?: string): Actor {
  if (name) ctx.names.set(id, name);
  return name ? { platform: 'slack', id, name } : { platform: 'slack', id };
}

// ------------------------------------------------------------------ telling people

export function errorCode(e: unknown): string {
  const data = (e as { data?: { error?: string } })?.data;
  return data?.error ?? (e instanceof Error ? e.message : String(e));
}

/** An ephemeral message (mrkdwn) to `user` in `channel`; a DM when that fails (bot not in the channel, ...). */
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

/** Neutral text to a person (rendered as mrkdwn). */
export const tellText = (
  ctx: SlackContext,
  client: SlackClient,
  channel: string | undefined,
  user: string,
  t: Text,
) => tell(ctx, client, channel, user, mrkdwnOf(t));

/**
 * Delivers an answer: other people's warnings now (ephemeral), and returns the actor's text as mrkdwn for
 * the caller to put in the ack or an ephemeral. A replay tells nobody anything again.
 */
export async function othersTold(
  ctx: SlackContext,
  client: SlackClient,
  a: Answer,
  channel: string | undefined,
): Promise<string> {
  if (!a.replay) for (const o of a.others) await tellText(ctx, client, channel, o.user, o.text);
  return mrkdwnOf(a.text);
}

/**
 * Delivers a whole answer as ephemerals (the actor's text included). Each costs a Web API call, so the actor
 * is not told again what the room already shows them (`unshown`); nothing left, nothing sent.
 */
export async function deliver(
  ctx: SlackContext,
  client: SlackClient,
  a: Answer,
  actorId: string,
  channel: string | undefined,
): Promise<void> {
  if (a.replay) return;
  const text = await othersTold(ctx, client, { ...a, text: a.unshown ?? a.text }, channel);
  if (text) await tell(ctx, client, channel, actorId, text);
}
