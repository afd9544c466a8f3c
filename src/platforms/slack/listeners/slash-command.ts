// `/incident <verb> ...`: the text is read into neutral text (mentions, links) and answered by the
// application layer; answers that need no Slack call go back in the ack (ephemeral), forms open with the
// trigger id at once (it expires after 3 s), the export is uploaded after the ack.
import type { SlashCommand } from '@slack/bolt';
import { deliveredTextCommand, handledBefore } from '../../../app/inbound.js';
import { exportFiles, recordExport } from '../../../app/record.js';
import type { Reply } from '../../../app/text-commands.js';
import type { Incident } from '../../../domain/incident.js';
import {
  actorOf,
  errorCode,
  othersTold,
  type SlackClient,
  type SlackContext,
  type SlackFeature,
  slashKey,
  tell,
} from '../context.js';
import { SLASH_COMMAND } from '../ids.js';
import { neutralText } from '../parse/text.js';
import { formModal } from '../render/form.js';
import { helpText, listBlocks, listText } from '../render/lists.js';
import { mrkdwnOf } from '../render/text.js';
import { openModal } from './forms.js';

/** The delivery's id (app/inbound.ts): a retry of the same command carries the same trigger id. */
const sightingOf = (c: SlashCommand) => `slack:slash:${c.team_id}:${c.trigger_id}`;

interface Answer {
  /** Text for the ack (ephemeral), or null for an empty ack. */
  text: string | null;
  /** What to do after the ack. */
  later?: () => Promise<void>;
}

/** Renders the review document + timeline, uploads both to the incident's channel, then logs the export. */
async function exportToChannel(
  ctx: SlackContext,
  client: SlackClient,
  c: SlashCommand,
  incident: Incident,
): Promise<string> {
  const rendered = await exportFiles(ctx.app, incident);
  if (!rendered.ok) return mrkdwnOf(rendered.text);
  const { files } = rendered;
  const channel = incident.room?.id ?? c.channel_id;
  try {
    await client.files.uploadV2({
      channel_id: channel,
      initial_comment: `${incident.drill ? '[DRILL] ' : ''}${incident.key}: review document and phase timeline.`,
      file_uploads: [
        {
          content: files.markdown.content,
          filename: files.markdown.name,
          title: `${incident.key} review document`,
        },
        { content: files.svg.content, filename: files.svg.name, title: `${incident.key} phase timeline` },
      ],
    });
  } catch (e) {
    ctx.log.warn({ err: errorCode(e), incident: incident.key }, 'export upload failed');
    return `I could not upload the review document (\`${errorCode(e).slice(0, 80)}\`). Please try again.`;
  }
  const actor = actorOf(ctx, c.user_id, c.user_name);
  const a = recordExport(
    ctx.app,
    { actor, key: slashKey(c.team_id, c.trigger_id), roomId: c.channel_id, sighting: sightingOf(c) },
    incident,
  );
  if (!a.ok) return mrkdwnOf(a.text);
  return `:package: Uploaded ${files.markdown.name} and ${files.svg.name} to <#${channel}>.`;
}

async function deliverReply(
  ctx: SlackContext,
  client: SlackClient,
  c: SlashCommand,
  r: Reply,
): Promise<Answer> {
  switch (r.kind) {
    case 'text':
      return { text: mrkdwnOf(r.text) };
    case 'help':
      return { text: helpText(r.view) };
    case 'answer':
      return { text: await othersTold(ctx, client, r.answer, c.channel_id) };
    case 'list': {
      if (!r.view.actions) return { text: listText(r.view) };
      const incident = ctx.app.incidentInRoom('slack', c.channel_id);
      const list = listBlocks(r.view, incident?.key ?? '');
      return {
        text: null,
        later: async () => {
          try {
            await client.chat.postEphemeral({
              channel: c.channel_id,
              user: c.user_id,
              text: list.text,
              blocks: list.blocks as never,
            });
          } catch (e) {
            ctx.log.warn({ err: errorCode(e) }, 'list not shown');
            await tell(ctx, client, undefined, c.user_id, list.text);
          }
        },
      };
    }
    case 'form': {
      const view = formModal(r.form, { channelId: c.channel_id });
      return {
        text: null,
        later: async () => {
          const refusal = await openModal(ctx, client, c.trigger_id, view);
          if (refusal) await tell(ctx, client, c.channel_id, c.user_id, refusal);
        },
      };
    }
    case 'export':
      return {
        text: `Exporting the record of ${r.incident.key}…`,
        later: async () =>
          tell(ctx, client, c.channel_id, c.user_id, await exportToChannel(ctx, client, c, r.incident)),
      };
  }
}

export const slashCommand: SlackFeature = {
  name: 'slash-command',
  commands: [SLASH_COMMAND],
  register(app, ctx) {
    app.command(SLASH_COMMAND, async ({ ack, command, client }) => {
      // Slack may deliver a command twice (retries, or to two replicas): one whose command is recorded is
      // acknowledged and ignored; any other runs (again): app/inbound.ts.
      const key = slashKey(command.team_id, command.trigger_id);
      let seen: boolean;
      try {
        seen = handledBefore(ctx.app, { sighting: sightingOf(command), key });
      } catch (e) {
        // Never leave Slack without an ack (it would show "dispatch_failed"): say what happened.
        ctx.log.warn({ err: e }, 'slash command not recorded');
        await ack({ response_type: 'ephemeral', text: mrkdwnOf(ctx.app.failure(e)) });
        return;
      }
      if (seen) {
        await ack();
        return;
      }
      let answer: Answer;
      try {
        const actor = actorOf(ctx, command.user_id, command.user_name);
        const reply = deliveredTextCommand(
          ctx.app,
          ctx.surface,
          { actor, key, roomId: command.channel_id, sighting: sightingOf(command) },
          neutralText(command.text ?? ''),
        );
        // null: the same command delivered at the same moment answered it (no second modal)
        answer = reply ? await deliverReply(ctx, client, command, reply) : { text: null };
      } catch (e) {
        ctx.log.error({ err: e, text: command.text }, 'slash command failed');
        answer = { text: mrkdwnOf(ctx.app.failure(e)) };
      }
      if (answer.text) await ack({ response_type: 'ephemeral', text: answer.text });
      else await ack();
      if (answer.later) await answer.later();
    });
  },
};
