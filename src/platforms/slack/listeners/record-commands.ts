// The scribe's `/incident` verbs: decision (with "because" rationale), evidence, followup, followups,
// review and export. slash-command.ts routes them here once the incident of the channel is known.
import type { SlashCommand } from '@slack/bolt';
import type { IncidentIntent } from '../../../app/intents.js';
import type { Command } from '../../../domain/commands.js';
import type { Actor, Incident } from '../../../domain/incident.js';
import { exportFilesFor } from '../../../export/export-files.js';
import { followupList, followupModal } from '../render/modals/followup-modal.js';
import { reviewModal } from '../render/modals/review-modal.js';
import {
  errorCode,
  noticesFor,
  runCommand,
  type SlackClient,
  type SlackContext,
  SOMETHING_WENT_WRONG,
  slashKey,
  tell,
} from './common.js';
import { followupRefusal } from './followup-actions.js';
import { openView } from './open-modal.js';
import { reviewRefusal } from './review-view.js';

export type RecordIntent = Extract<
  IncidentIntent,
  { verb: 'decision' | 'evidence' | 'followup' | 'followups' | 'review' | 'export' }
>;

export const RECORD_VERBS: readonly RecordIntent['verb'][] = [
  'decision',
  'evidence',
  'followup',
  'followups',
  'review',
  'export',
];

export function isRecordIntent(i: IncidentIntent): i is RecordIntent {
  return (RECORD_VERBS as readonly string[]).includes(i.verb);
}

export interface VerbAnswer {
  text: string | null;
  later?: () => Promise<void>;
}

/**
 * `/incident evidence <link or text>`: a link (Slack sends `<https://...>` or `<https://...|label>` in
 * escaped command text; a bare URL works too) with the rest of the text as its name.
 */
export function evidenceCommand(text: string): Extract<Command, { type: 'evidence' }> {
  const wrapped = /<(https?:\/\/[^|>\s]+)(?:\|([^>]*))?>/.exec(text);
  const bare = wrapped ? null : /(https?:\/\/\S+)/.exec(text);
  const m = wrapped ?? bare;
  if (!m) return { type: 'evidence', name: text.trim() };
  const link = m[1]!;
  const rest = (text.slice(0, m.index) + text.slice(m.index + m[0].length)).replace(/\s+/g, ' ').trim();
  const label = wrapped?.[2]?.trim();
  return { type: 'evidence', name: rest || label || link, link };
}

/** Renders the review document + timeline, uploads both to the incident's channel, then logs the export. */
export async function exportToChannel(
  ctx: SlackContext,
  client: SlackClient,
  o: { incident: Incident; actor: Actor; key: string; channelId: string },
): Promise<string> {
  const i = o.incident;
  const now = ctx.service.now().toISOString();
  let files: ReturnType<typeof exportFilesFor>;
  try {
    files = exportFilesFor(ctx.service.store.db, i.key, {
      generatedAt: now,
      ...(i.closedAt ? {} : { end: now }),
      fallbackPlaybook: () => ctx.service.playbookFor(i),
    });
  } catch (e) {
    ctx.log.error({ err: e, incident: i.key }, 'export rendering failed');
    return 'I could not render the review document; nothing was uploaded.';
  }
  if (!files) return 'This incident no longer exists.';
  const channel = i.room?.id ?? o.channelId;
  try {
    await client.files.uploadV2({
      channel_id: channel,
      initial_comment: `${i.drill ? '[DRILL] ' : ''}${i.key}: review document and phase timeline.`,
      file_uploads: [
        { content: files.markdown.content, filename: files.markdown.name, title: `${i.key} review document` },
        { content: files.svg.content, filename: files.svg.name, title: `${i.key} phase timeline` },
      ],
    });
  } catch (e) {
    ctx.log.warn({ err: errorCode(e), incident: i.key }, 'export upload failed');
    return `I could not upload the review document (\`${errorCode(e).slice(0, 80)}\`). Please try again.`;
  }
  const outcome = runCommand(ctx, {
    key: o.key,
    incidentKey: i.key,
    command: { type: 'export', format: 'md' },
    actor: o.actor,
  });
  if (!outcome.ok) return outcome.error.message;
  return `:package: Uploaded ${files.markdown.name} and ${files.svg.name} to <#${channel}>.`;
}

/** Answers one of the scribe's verbs (the incident is the channel's). */
export async function recordVerb(
  ctx: SlackContext,
  client: SlackClient,
  c: SlashCommand,
  incident: Incident,
  intent: RecordIntent,
  actor: Actor,
): Promise<VerbAnswer> {
  const key = slashKey(c.team_id, c.trigger_id);
  const run = async (command: Command): Promise<VerbAnswer> => {
    const outcome = runCommand(ctx, { key, incidentKey: incident.key, command, actor });
    const text = await noticesFor(ctx, client, outcome, actor.id, c.channel_id);
    return { text: text || (outcome.ok ? 'Done.' : SOMETHING_WENT_WRONG) };
  };
  switch (intent.verb) {
    case 'decision':
      return run({
        type: 'decision',
        text: intent.text,
        ...(intent.rationale ? { rationale: intent.rationale } : {}),
      });
    case 'evidence':
      return run(evidenceCommand(intent.text));
    case 'followup': {
      const refusal = followupRefusal(ctx, incident, actor.id, actor.name);
      if (refusal) return { text: refusal };
      const view = followupModal(incident, {
        channelId: c.channel_id,
        userId: actor.id,
        now: ctx.service.now(),
      });
      return {
        text: null,
        later: async () => {
          const r = await openView(ctx, client, c.trigger_id, view);
          if (r) await tell(ctx, client, c.channel_id, actor.id, r);
        },
      };
    }
    case 'review': {
      const refusal = reviewRefusal(ctx, incident, actor.id, actor.name);
      if (refusal) return { text: refusal };
      const view = reviewModal(incident, { channelId: c.channel_id });
      return {
        text: null,
        later: async () => {
          const r = await openView(ctx, client, c.trigger_id, view);
          if (r) await tell(ctx, client, c.channel_id, actor.id, r);
        },
      };
    }
    case 'followups': {
      const list = followupList(incident);
      return {
        text: null,
        later: async () => {
          try {
            await client.chat.postEphemeral({
              channel: c.channel_id,
              user: actor.id,
              text: list.text,
              blocks: list.blocks as never,
            });
          } catch (e) {
            ctx.log.warn({ err: errorCode(e) }, 'follow-up list not shown');
            await tell(ctx, client, undefined, actor.id, list.text);
          }
        },
      };
    }
    case 'export':
      return {
        text: `Exporting the record of ${incident.key}…`,
        later: async () => {
          const text = await exportToChannel(ctx, client, { incident, actor, key, channelId: c.channel_id });
          await tell(ctx, client, c.channel_id, actor.id, text);
        },
      };
  }
}
