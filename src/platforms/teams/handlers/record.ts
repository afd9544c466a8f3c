// The record from Teams: the "Add to incident log" message action, and edits and deletions of logged
// messages. Teams sends `messageUpdate` / `messageDelete` for messages the bot can see (RSC permissions in
// the manifest); a logged message (its id `{channel}:{message id}`, as the message action stores it) gets a
// correction entry, other messages are ignored.
import { createHash } from 'node:crypto';
import type { App } from '@microsoft/teams.apps';
import { logMessage } from '../../../app/record.js';
import type { MessageSource } from '../../../domain/commands.js';
import type { Incident } from '../../../domain/incident.js';
import { actorOf, incidentFor, type Json, type TeamsContext } from '../context.js';
import { activityHtml, htmlToText, messageBodyText } from '../parse/text.js';
import { channelOf } from '../refs.js';
import { messageExtensionMessage } from '../render/card-kit.js';
import { activityOf } from '../render/text.js';

export const MESSAGE_ACTION_ADD_TO_LOG = 'addToIncidentLog';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** An ISO instant from a date-time that may be missing or malformed, else null (never throws). */
export function isoOrNull(v: unknown): string | null {
  if (typeof v !== 'string' && typeof v !== 'number' && !(v instanceof Date)) return null;
  const t = typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : v.getTime();
  if (!Number.isFinite(t)) return null;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The incident a message belongs to: its conversation's, or the incident whose thread it is in. */
function incidentOfMessage(
  ctx: TeamsContext,
  conv: string,
  messageId: string,
  replyToId?: string,
  key?: unknown,
): Incident | null {
  const channel = channelOf(conv);
  return (
    incidentFor(ctx, conv, key) ??
    (replyToId ? ctx.app.incidentInRoom('teams', `${channel};messageid=${replyToId}`) : null) ??
    ctx.app.incidentInRoom('teams', `${channel};messageid=${messageId}`)
  );
}

function correction(ctx: TeamsContext, a: Json, change: 'edited' | 'deleted'): void {
  const conv: string | undefined = a.conversation?.id;
  if (!conv || !a.id) return;
  const messageId = `${channelOf(conv)}:${a.id}`;
  const incident = incidentOfMessage(ctx, conv, String(a.id), a.replyToId);
  if (!incident?.loggedMessages.includes(messageId)) return;
  const text = change === 'edited' ? htmlToText(activityHtml(a)) : undefined;
  const key =
    change === 'deleted'
      ? `teams:delete:${messageId}`
      : `teams:edit:${messageId}:${sha(`${a.channelData?.eventType ?? ''}\u0000${text}`).slice(0, 16)}`;
  const o = ctx.app.run({
    key,
    incidentKey: incident.key,
    actor: actorOf(a),
    command: { type: 'correction', messageId, change, ...(text !== undefined ? { text } : {}) },
    roomId: conv,
  });
  if (!o.ok && o.error.code !== 'not_found')
    ctx.log.warn({ err: o.error, messageId }, 'teams: correction not recorded');
}

export function registerRecord(teams: App, ctx: TeamsContext): void {
  teams.on('messageUpdate', async (c) => correction(ctx, c.activity as Json, 'edited'));
  teams.on('messageDelete', async (c) => correction(ctx, c.activity as Json, 'deleted'));

  teams.on('message.ext.submit', async (c) => {
    const a = c.activity as Json;
    const v = a.value ?? {};
    if (v.commandId !== MESSAGE_ACTION_ADD_TO_LOG) return messageExtensionMessage('Unknown command.');
    const p = v.messagePayload;
    if (!p?.id) return messageExtensionMessage('Use this on a message.');
    const conv: string = a.conversation?.id ?? '';
    const data = (v.data ?? {}) as Json;
    const incident = incidentOfMessage(ctx, conv, String(p.id), p.replyToId, data.incidentKey);
    if (!incident)
      return messageExtensionMessage(
        "This message is not in an incident's thread, so I can't tell which incident to add it to.",
      );
    // when the message was written; a missing or malformed createdDateTime leaves it unknown (the entry is
    // then dated when it was logged), never a made-up time and never a throw
    const writtenAt = isoOrNull(p.createdDateTime);
    const source: MessageSource = {
      messageId: `${channelOf(conv)}:${p.id}`,
      ...(typeof p.linkToMessage === 'string' && p.linkToMessage ? { permalink: p.linkToMessage } : {}),
      ...(typeof p.from?.user?.displayName === 'string' && p.from.user.displayName
        ? { author: p.from.user.displayName }
        : {}),
      ...(writtenAt ? { writtenAt } : {}),
    };
    const note = typeof data.note === 'string' && data.note.trim() ? data.note.trim() : undefined;
    const r = logMessage(
      ctx.app,
      { actor: actorOf(a), key: `teams:${a.id}`, roomId: conv },
      incident,
      { source, text: messageBodyText(p.body) },
      { ...(data.kind === 'decision' ? { decision: true } : {}), ...(note ? { note } : {}) },
    );
    return messageExtensionMessage(activityOf(`${incident.key}: ${r.answer.text}`, ctx.nameOf, 500));
  });
}
