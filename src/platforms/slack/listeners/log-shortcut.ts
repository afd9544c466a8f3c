// Message shortcut "Add to incident log": in an incident's channel the message is logged at once (with its
// author, original time, permalink and files) and marked with :memo:; elsewhere a modal asks which open
// incident it belongs to. A message is logged once: "already in the log" is answered, never a 2nd entry.
import type { MessageShortcut } from '@slack/bolt';
import { logPickForm, readLogPick } from '../../../app/forms/log-pick.js';
import { admit, incidentsOf } from '../../../app/membership.js';
import { ALREADY_LOGGED, logMessage, type MessageToLog } from '../../../app/record.js';
import type { MessageSource } from '../../../domain/commands.js';
import type { Incident } from '../../../domain/incident.js';
import {
  actorOf,
  errorCode,
  othersTold,
  type SlackClient,
  type SlackContext,
  type SlackFeature,
  tell,
  viewKey,
} from '../context.js';
import { SHORTCUT, VIEW } from '../ids.js';
import { readForm } from '../parse/form-values.js';
import { decodeLogPickMeta, encodeLogPickMeta, type LogPickMeta } from '../parse/message-meta.js';
import { formModal } from '../render/form.js';
import type { StateValues } from '../render/modal-kit.js';
import { mrkdwnOf } from '../render/text.js';
import { blockErrors, openModal } from './forms.js';

/** Slack message ts (seconds.micro) -> ISO UTC. */
export function tsToIso(ts: string): string {
  return new Date(Math.floor(Number(ts) * 1000)).toISOString();
}

/** The platform message id of a Slack message: `{channel}:{ts}`. */
export const messageIdOf = (channel: string, ts: string) => `${channel}:${ts}`;

interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  permalink?: string;
}

/** Evidence links for a message's files (never their contents). */
export function fileLinks(files: SlackFile[] | undefined): { name: string; permalink: string }[] {
  return (files ?? [])
    .filter((f) => f?.permalink)
    .map((f) => ({
      name: String(f.name || f.title || f.id || 'file').slice(0, 500),
      permalink: String(f.permalink),
    }));
}

async function permalinkOf(
  ctx: SlackContext,
  client: SlackClient,
  channel: string,
  ts: string,
): Promise<string | undefined> {
  try {
    const r = await client.chat.getPermalink({ channel, message_ts: ts });
    return r.permalink ?? undefined;
  } catch (e) {
    ctx.log.warn({ err: errorCode(e), channel, ts }, 'no permalink for a logged message');
    return undefined;
  }
}

async function react(ctx: SlackContext, client: SlackClient, channel: string, ts: string): Promise<void> {
  try {
    await client.reactions.add({ channel, timestamp: ts, name: 'memo' });
  } catch (e) {
    if (errorCode(e) !== 'already_reacted')
      ctx.log.warn({ err: errorCode(e), channel, ts }, 'could not react');
  }
}

export function messageOf(m: LogPickMeta, permalink: string | undefined): MessageToLog {
  const source: MessageSource = {
    messageId: messageIdOf(m.c, m.ts),
    ...(permalink ? { permalink } : {}),
    ...(m.a ? { author: m.a } : {}),
    writtenAt: tsToIso(m.ts),
    files: (m.f ?? []).map((f) => ({ name: f.n, permalink: f.p })),
  };
  return { source, text: m.t };
}

/** Logs the message and tells the person; on success the message gets a :memo: reaction. */
async function logAndAnswer(
  ctx: SlackContext,
  client: SlackClient,
  o: {
    key: string;
    incident: Incident;
    userId: string;
    userName?: string;
    m: LogPickMeta;
    decision?: boolean;
    note?: string;
  },
): Promise<void> {
  const actor = actorOf(ctx, o.userId, o.userName);
  const permalink = await permalinkOf(ctx, client, o.m.c, o.m.ts);
  const r = logMessage(ctx.app, { actor, key: o.key, roomId: o.m.c }, o.incident, messageOf(o.m, permalink), {
    ...(o.decision ? { decision: true } : {}),
    ...(o.note ? { note: o.note } : {}),
  });
  if (r.answer.replay) return;
  await tell(ctx, client, o.m.c, actor.id, await othersTold(ctx, client, r.answer, o.m.c));
  if (r.answer.ok) await react(ctx, client, o.m.c, o.m.ts);
}

export const logShortcut: SlackFeature = {
  name: 'log-shortcut',
  shortcuts: [SHORTCUT.addToLog],
  views: [VIEW.logPick],
  register(app, ctx) {
    app.shortcut(SHORTCUT.addToLog, async ({ ack, shortcut, client }) => {
      await ack();
      const s = shortcut as MessageShortcut;
      const channel = s.channel?.id;
      const msg = s.message as unknown as {
        ts?: string;
        text?: string;
        user?: string;
        bot_id?: string;
        files?: SlackFile[];
      };
      const ts = msg?.ts ?? s.message_ts;
      if (!channel || !ts) return;
      const files = fileLinks(msg.files);
      const author = msg.user ?? msg.bot_id;
      const m: LogPickMeta = {
        c: channel,
        ts,
        t: msg.text ?? '',
        ...(author ? { a: author } : {}),
        ...(files.length ? { f: files.map((f) => ({ n: f.name, p: f.permalink })) } : {}),
      };
      const incident = ctx.app.incidentInRoom('slack', channel);
      if (!incident) {
        // Only the incidents this person is in are offered (asking Slack about the ones the record does not
        // know yet is bounded well inside the trigger id's 3 s).
        const open = await incidentsOf(ctx.app, ctx.surface, actorOf(ctx, s.user.id, s.user.name));
        if (open.length === 0) {
          await tell(
            ctx,
            client,
            channel,
            s.user.id,
            "You are not in any open incident, so there is none to add this message to. Join an incident's channel first.",
          );
          return;
        }
        const form = logPickForm(open, {
          ...(m.a ? { author: m.a } : {}),
          text: m.t,
          files: files.map((f) => f.name),
        });
        const refusal = await openModal(
          ctx,
          client,
          s.trigger_id,
          formModal(form, { extra: encodeLogPickMeta(m) }),
        );
        if (refusal) await tell(ctx, client, channel, s.user.id, refusal);
        return;
      }
      if (incident.loggedMessages.includes(messageIdOf(channel, ts))) {
        await tell(ctx, client, channel, s.user.id, mrkdwnOf(ALREADY_LOGGED));
        return;
      }
      await logAndAnswer(ctx, client, {
        key: `slack:shortcut:${s.team?.id ?? ''}:${s.trigger_id}`,
        incident,
        userId: s.user.id,
        ...(s.user.name ? { userName: s.user.name } : {}),
        m,
      });
    });

    app.view(VIEW.logPick, async ({ ack, body, view, client }) => {
      const m = decodeLogPickMeta(view.private_metadata);
      const form = logPickForm(ctx.app.openIncidents(), { text: m?.t ?? '', files: [] });
      if (!m) {
        await ack({
          response_action: 'errors',
          errors: blockErrors(ctx, form, {
            incident: 'This form lost track of the message; run the shortcut again.',
          }),
        });
        return;
      }
      const read = readLogPick(readForm(form, view.state.values as StateValues).values);
      if (!read.ok) {
        await ack({ response_action: 'errors', errors: blockErrors(ctx, form, read.errors) });
        return;
      }
      const incident = ctx.app.incident(read.incident);
      if (!incident) {
        await ack({
          response_action: 'errors',
          errors: blockErrors(ctx, form, { incident: 'That incident no longer exists.' }),
        });
        return;
      }
      await ack();
      // Never trust the picker: the submission is decided on membership again (decide() refuses outsiders).
      await admit(ctx.app, ctx.surface, incident, actorOf(ctx, body.user.id, body.user.name));
      await logAndAnswer(ctx, client, {
        key: viewKey(view),
        incident: ctx.app.incident(incident.key) ?? incident,
        userId: body.user.id,
        ...(body.user.name ? { userName: body.user.name } : {}),
        m,
        decision: read.decision,
        ...(read.note ? { note: read.note } : {}),
      });
    });
  },
};
