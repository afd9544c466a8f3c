// Posts an alert group's prompt in its channel (chat.postMessage), then updates that message in place
// (chat.update) for every later notification or decision. Where it is, is kept in message_refs under the
// group's id. A post in doubt after a crash is looked up in the channel by its metadata (the group's id)
// before it is posted again, so one group never has two prompts.
import type { types, webApi } from '@slack/bolt';
import type { AlertPromptSender } from '../../app/alert-ports.js';
import type { MessageRefs, OutboxRow, SendResult } from '../../app/ports.js';
import type { AlertGroup } from '../../domain/alert-group.js';
import { alertPromptView } from '../../views/alert-prompt.js';
import { renderAlertPrompt } from './render/alert-prompt.js';
import { classifySlackError } from './slack-errors.js';

type WebClient = webApi.WebClient;
type KnownBlock = types.KnownBlock;

/** Message metadata type marking an alert prompt with its group's id. */
export const ALERT_PROMPT_EVENT_TYPE = 'incident_bot_alert_prompt';

/** Pages of channel history looked through for a prompt in doubt (200 messages each). */
const HISTORY_PAGES = 5;

export const promptRefName = (g: Pick<AlertGroup, 'occurrence'>) => `alert_prompt:${g.occurrence}`;

export class SlackAlertPromptSender implements AlertPromptSender {
  constructor(private readonly o: { client: WebClient; refs: MessageRefs }) {}

  async send(row: OutboxRow, group: AlertGroup): Promise<SendResult> {
    const msg = renderAlertPrompt(alertPromptView(group));
    const blocks = msg.blocks as KnownBlock[];
    try {
      let ref = this.o.refs.getMessageRef(group.id, 'slack', promptRefName(group));
      if (!ref && row.inDoubt) {
        // History not readable (scope, not a member): post; at worst a second prompt, never none.
        const ts = await this.findPosted(group).catch(() => null);
        if (ts) {
          ref = { channel: group.channel, ref: ts };
          this.o.refs.setMessageRef(group.id, 'slack', promptRefName(group), ref.channel, ref.ref);
        }
      }
      if (ref) {
        try {
          await this.o.client.chat.update({ channel: ref.channel, ts: ref.ref, text: msg.text, blocks });
          return { status: 'sent', result: { updated: ref.ref, channel: ref.channel } };
        } catch (e) {
          // deleted by someone: posted again below (as slack-sender.ts does for live views), never lost
          if (classifySlackError(e).error !== 'message_not_found') throw e;
        }
      }
      const post = () =>
        this.o.client.chat.postMessage({
          channel: group.channel,
          text: msg.text,
          blocks,
          unfurl_links: false,
          unfurl_media: false,
          metadata: {
            event_type: ALERT_PROMPT_EVENT_TYPE,
            event_payload: { alert: group.id, outbox_key: row.key },
          },
        });
      const r = await post().catch(async (e: unknown) => {
        // A public alerts channel the bot was not invited to: it joins, like for other posts.
        if (classifySlackError(e).error !== 'not_in_channel') throw e;
        await this.o.client.conversations.join({ channel: group.channel });
        return post();
      });
      const channel = r.channel ?? group.channel;
      this.o.refs.setMessageRef(group.id, 'slack', promptRefName(group), channel, String(r.ts));
      return { status: 'sent', result: { channel, ts: r.ts } };
    } catch (e) {
      return classifySlackError(e);
    }
  }

  /**
   * The prompt this bot already posted for the group, found by its metadata, or null: the channel's history
   * since the group's prompt was first queued (its first notification, a minute's leeway for clocks), a
   * few pages at most (a busy alerts channel has more than one page in minutes).
   */
  private async findPosted(group: AlertGroup): Promise<string | null> {
    const oldest = (Date.parse(group.firstSeenAt) / 1000 - 60).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const r = await this.o.client.conversations.history({
        channel: group.channel,
        oldest,
        limit: 200,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      });
      const hit = (r.messages ?? []).find((m) => {
        const md = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } })
          .metadata;
        return md?.event_type === ALERT_PROMPT_EVENT_TYPE && md.event_payload?.alert === group.id;
      });
      if (hit?.ts) return hit.ts;
      cursor = r.response_metadata?.next_cursor || undefined;
      if (!cursor) return null;
    }
    return null;
  }

  /** At start-up: whether the bot can see the alerts channel (a wrong id, a private channel it is not in). */
  async checkChannel(channel: string): Promise<string | null> {
    try {
      const r = await this.o.client.conversations.info({ channel });
      const c = r.channel as { is_archived?: boolean; is_private?: boolean; is_member?: boolean } | undefined;
      if (c?.is_archived) return `the alerts channel ${channel} is archived: prompts cannot be posted there`;
      if (c?.is_private && c.is_member === false)
        return `the bot is not in the private alerts channel ${channel}: invite it, or prompts are not posted`;
      return null;
    } catch (e) {
      const error = classifySlackError(e).error;
      return `the alerts channel ${channel} cannot be read (${error}): check ALERTS_CHANNEL (a channel id) and invite the bot`;
    }
  }
}
