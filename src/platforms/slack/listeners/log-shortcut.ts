// Message shortcut "Add to incident log": in an incident's channel the message is logged at once (with its
// author, original time, permalink and files) and marked with :memo:; elsewhere a small modal asks which
// open incident it belongs to. A message is logged once: "already in the log" is answered, never a 2nd entry.
import type { MessageShortcut } from '@slack/bolt';
import type { Command, MessageSource } from '../../../domain/commands.js';
import type { Incident } from '../../../domain/incident.js';
import { SHORTCUT, VIEW } from '../ids.js';
import type { StateValues } from '../render/modals/kit.js';
import {
  decodeLogPickMeta,
  LOG_PICK_BLOCK,
  type LogPickMeta,
  logPickModal,
  readLogPick,
} from '../render/modals/log-pick-modal.js';
import {
  actorOf,
  errorCode,
  incidentInChannel,
  noticesFor,
  type Outcome,
  runCommand,
  type SlackClient,
  type SlackContext,
  type SlackFeature,
  tell,
  viewKey,
} from './common.js';
import { openView } from './open-modal.js';
import { refuse } from './view-helpers.js';

export const ALREADY_LOGGED = 'That message is already in the incident log.';

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

export function sourceOf(m: LogPickMeta, permalink: string | undefined): MessageSource {
  return {
    messageId: messageIdOf(m.c, m.ts),
    ...(permalink ? { permalink } : {}),
    ...(m.a ? { author: m.a } : {}),
    writtenAt: tsToIso(m.ts),
    files: (m.f ?? []).map((f) => ({ name: f.n, permalink: f.p })),
  };
}

/** What to log: a note, or a decision (the note is then its rationale). */
export function logCommand(
  m: LogPickMeta,
  source: MessageSource,
  o: { decision?: boolean; note?: string } = {},
): Command {
  const note = o.note?.trim();
  if (o.decision) {
    return {
      type: 'decision',
      text: m.t.trim() || '(no text)',
      ...(note ? { rationale: note } : {}),
      source,
    };
  }
  return { type: 'log', text: m.t, ...(note ? { note } : {}), source };
}

/** Runs the log command and tells the person; on success the message gets a :memo: reaction. */
async function logAndAnswer(
  ctx: SlackContext,
  client: SlackClient,
  o: {
    key: string;
    incident: Incident;
    command: Command;
    userId: string;
    userName?: string;
    m: LogPickMeta;
    answerIn: string;
  },
): Promise<Outcome> {
  const actor = actorOf(ctx, o.userId, o.userName);
  const outcome = runCommand(ctx, { key: o.key, incidentKey: o.incident.key, command: o.command, actor });
  if (outcome.replay) return outcome;
  if (!outcome.ok) {
    const text = outcome.error.code === 'already_logged' ? ALREADY_LOGGED : outcome.error.message;
    await tell(ctx, client, o.answerIn, actor.id, text);
    return outcome;
  }
  const text = await noticesFor(ctx, client, outcome, actor.id, o.answerIn);
  const where = o.incident.room?.id === o.m.c ? '' : ` (${o.incident.key})`;
  await tell(ctx, client, o.answerIn, actor.id, `:memo: ${text || 'Added to the incident log.'}${where}`);
  await react(ctx, client, o.m.c, o.m.ts);
  return outcome;
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
      const incident = incidentInChannel(ctx, channel);
      if (!incident) {
        // The trigger id expires after 3 s: open the modal first.
        const open = ctx.service.store.listOpen();
        if (open.length === 0) {
          await tell(ctx, client, channel, s.user.id, 'There is no open incident to add this message to.');
          return;
        }
        const refusal = await openView(ctx, client, s.trigger_id, logPickModal(open, m));
        if (refusal) await tell(ctx, client, channel, s.user.id, refusal);
        return;
      }
      if (incident.loggedMessages.includes(messageIdOf(channel, ts))) {
        await tell(ctx, client, channel, s.user.id, ALREADY_LOGGED);
        return;
      }
      const permalink = await permalinkOf(ctx, client, channel, ts);
      const source: MessageSource = { ...sourceOf(m, permalink), files };
      await logAndAnswer(ctx, client, {
        key: `slack:shortcut:${s.team?.id ?? ''}:${s.trigger_id}`,
        incident,
        command: logCommand(m, source),
        userId: s.user.id,
        ...(s.user.name ? { userName: s.user.name } : {}),
        m,
        answerIn: channel,
      });
    });

    app.view(VIEW.logPick, async ({ ack, body, view, client }) => {
      const m = decodeLogPickMeta(view.private_metadata);
      if (!m)
        return refuse(
          ack,
          LOG_PICK_BLOCK.incident,
          'This form lost track of the message; run the shortcut again.',
        );
      const read = readLogPick(view.state.values as StateValues);
      if (!read.ok) {
        await ack({ response_action: 'errors', errors: read.errors });
        return;
      }
      const incident = ctx.service.get(read.value.incident);
      if (!incident) return refuse(ack, LOG_PICK_BLOCK.incident, 'That incident no longer exists.');
      if (incident.loggedMessages.includes(messageIdOf(m.c, m.ts))) {
        await ack();
        await tell(ctx, client, m.c, body.user.id, ALREADY_LOGGED);
        return;
      }
      await ack();
      const permalink = await permalinkOf(ctx, client, m.c, m.ts);
      await logAndAnswer(ctx, client, {
        key: viewKey(view),
        incident,
        command: logCommand(m, sourceOf(m, permalink), {
          decision: read.value.decision,
          ...(read.value.note ? { note: read.value.note } : {}),
        }),
        userId: body.user.id,
        ...(body.user.name ? { userName: body.user.name } : {}),
        m,
        answerIn: m.c,
      });
    });
  },
};
