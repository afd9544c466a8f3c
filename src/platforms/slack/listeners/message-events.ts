// Events API `message` events in an incident's channel:
//  - a message sharing files (subtype file_share, or any plain message with `files`): each file becomes an
//    evidence entry (name, permalink, who shared it, when); contents are never downloaded;
//  - message_changed / message_deleted of a logged message: a correction entry referencing it (messages not
//    in the log are ignored, and so is the core's not_found).
// Slack retries events it got no ack for: every command's key derives from the event_id, so a redelivery is a
// replay. A command the database refused is retried in process (Bolt acked already; Slack will not resend).
import { runWithRetries } from '../../../app/record.js';
import type { Command } from '../../../domain/commands.js';
import type { Incident } from '../../../domain/incident.js';
import { command } from '../../../domain/text.js';
import { actorOf, type SlackContext, type SlackFeature, tell } from '../context.js';
import { escapeMrkdwn } from '../render/escape.js';
import { mrkdwnOf } from '../render/text.js';
import { fileLinks, messageIdOf, tsToIso } from './log-shortcut.js';

interface MessageEvent {
  type: 'message';
  subtype?: string;
  channel?: string;
  user?: string;
  bot_id?: string;
  ts?: string;
  text?: string;
  files?: { id?: string; name?: string; title?: string; permalink?: string }[];
  hidden?: boolean;
  deleted_ts?: string;
  message?: { ts?: string; text?: string; user?: string; edited?: { user?: string }; subtype?: string };
  previous_message?: { ts?: string; text?: string; user?: string };
}

export const eventKey = (eventId: string) => `slack:event:${eventId}`;

interface Planned {
  key: string;
  userId: string;
  command: Command;
}

/** The commands one message event asks for (none for messages that are not ours to record). */
export function planMessageEvent(incident: Incident, e: MessageEvent, eventId: string): Planned[] {
  const channel = e.channel ?? '';
  const key = eventKey(eventId);
  switch (e.subtype) {
    case 'message_changed': {
      const ts = e.message?.ts;
      if (!ts) return [];
      const messageId = messageIdOf(channel, ts);
      if (!incident.loggedMessages.includes(messageId)) return [];
      // Slack also sends message_changed for unfurls and thread metadata: only a new text is an edit.
      const text = e.message?.text ?? '';
      if (e.previous_message && (e.previous_message.text ?? '') === text) return [];
      if (e.message?.subtype === 'tombstone') {
        return [
          {
            key,
            userId: e.message?.user ?? 'unknown',
            command: { type: 'correction', messageId, change: 'deleted' },
          },
        ];
      }
      const who = e.message?.edited?.user ?? e.message?.user ?? 'unknown';
      return [{ key, userId: who, command: { type: 'correction', messageId, change: 'edited', text } }];
    }
    case 'message_deleted': {
      const ts = e.deleted_ts ?? e.previous_message?.ts;
      if (!ts) return [];
      const messageId = messageIdOf(channel, ts);
      if (!incident.loggedMessages.includes(messageId)) return [];
      const who = e.previous_message?.user ?? 'unknown';
      return [{ key, userId: who, command: { type: 'correction', messageId, change: 'deleted' } }];
    }
    case undefined:
    case 'file_share': {
      const files = fileLinks(e.files);
      if (!files.length || !e.ts) return [];
      const author = e.user ?? e.bot_id;
      // The first file carries the message's own id (so an edit or deletion of the message corrects it);
      // further files of the same message get their own ids.
      return files.map((f, n) => ({
        key: n === 0 ? key : `${key}:${n}`,
        userId: author ?? 'unknown',
        command: {
          type: 'evidence',
          name: f.name,
          link: f.permalink,
          source: {
            messageId:
              n === 0
                ? messageIdOf(channel, e.ts!)
                : `${messageIdOf(channel, e.ts!)}:${e.files?.[n]?.id ?? n}`,
            ...(author ? { author } : {}),
            writtenAt: tsToIso(e.ts!),
            files: [f],
          },
        },
      }));
    }
    default:
      return [];
  }
}

export const messageEvents: SlackFeature = {
  name: 'message-events',
  register(app, ctx: SlackContext) {
    app.event('message', async ({ event, body, client }) => {
      const e = event as unknown as MessageEvent;
      const incident = ctx.app.incidentInRoom('slack', e.channel);
      if (!incident) return;
      const eventId = (body as { event_id?: string }).event_id;
      if (!eventId) return;
      const plan = planMessageEvent(incident, e, eventId);
      // Bolt acks an event before this runs, so Slack does not redeliver one whose handling failed: a command
      // the database refused is retried in process, and if it still fails the person who shared the file is told.
      for (const p of plan) {
        const outcome = await runWithRetries(ctx.app, {
          key: p.key,
          incidentKey: incident.key,
          command: p.command,
          actor: actorOf(ctx, p.userId),
          roomId: e.channel,
        });
        if (outcome.ok || ['not_found', 'already_logged'].includes(outcome.error.code)) continue;
        ctx.log.error({ err: outcome.error, eventId, command: p.command.type }, 'message event not recorded');
        if (p.command.type === 'evidence')
          await tell(
            ctx,
            client,
            e.channel,
            p.userId,
            `I could not add ${escapeMrkdwn(p.command.name)} to the incident's evidence (${mrkdwnOf(outcome.error.message)}). ` +
              `Please add it with ${mrkdwnOf(command('evidence <link>'))}.`,
          );
      }
    });
  },
};
