// Delivers outbox rows to Slack: creates the incident channel (room-creator.ts), keeps the summary,
// checklist and timeline messages up to date in place (the summary and the timeline pinned), and posts
// everything else. Errors become the dispatcher's verdicts (slack-errors.ts); a post in doubt after a crash
// is looked up by its metadata before it is posted again.
import type { types, webApi } from '@slack/bolt';
import type { IncidentApp } from '../../app/incident-app.js';
import {
  type MessageRefs,
  NO_ROOM,
  NOT_A_CHAT_TARGET,
  type OutboxRow,
  type Sender,
  type SendResult,
} from '../../app/ports.js';
import { timelineOf } from '../../app/timeline.js';
import type { LiveView } from '../../domain/effects.js';
import type { Incident } from '../../domain/incident.js';
import type { Playbook } from '../../domain/playbook.js';
import { checklistView } from '../../views/checklist.js';
import { DEBRIEF_INVITE } from '../../views/debrief.js';
import { postView } from '../../views/posts.js';
import { summaryView } from '../../views/summary.js';
import { timelinePost } from '../../views/timeline.js';
import { sendDebriefInvite } from './debrief-upload.js';
import type { SlackMessage } from './render/blocks.js';
import { renderChecklist } from './render/checklist.js';
import { renderPostView } from './render/post.js';
import { renderSummary } from './render/summary.js';
import { SlackRoomCreator } from './room-creator.js';
import { classifySlackError, slackError } from './slack-errors.js';

type WebClient = webApi.WebClient;
type KnownBlock = types.KnownBlock;

export interface SlackSenderOptions {
  client: WebClient;
  refs: MessageRefs;
  app: IncidentApp;
  /** Channel id where audit checkpoint digests go (AUDIT_CHANNEL). */
  auditChannel?: string;
  /** Channel id for announcements and stakeholder communications; unset = not sent (logged as skipped). */
  stakeholderChannel?: string;
  playbookFor?: (incident: Incident) => Playbook;
  /** How many `-N` suffixes to try when the channel name is taken (default 20). */
  maxNameSuffix?: number;
  /** Create private channels (needs groups:write). Default false. */
  privateChannels?: boolean;
}

/** Message metadata type marking the bot's own posts with their outbox key. */
export const OUTBOX_EVENT_TYPE = 'incident_bot_outbox';

export class SlackSender implements Sender {
  private readonly rooms: SlackRoomCreator;

  constructor(private readonly o: SlackSenderOptions) {
    this.rooms = new SlackRoomCreator({
      client: o.client,
      refs: o.refs,
      app: o.app,
      playbook: (i) => this.playbook(i),
      ...(o.maxNameSuffix !== undefined ? { maxNameSuffix: o.maxNameSuffix } : {}),
      ...(o.privateChannels !== undefined ? { privateChannels: o.privateChannels } : {}),
    });
  }

  private playbook(i: Incident): Playbook {
    return this.o.playbookFor ? this.o.playbookFor(i) : this.o.app.playbookFor(i);
  }

  async send(row: OutboxRow, incident: Incident): Promise<SendResult> {
    try {
      switch (row.body.kind) {
        case 'create_room':
          return await this.rooms.createRoom(row, incident);
        case 'view':
          return await this.view(row.body.view, incident, row);
        case 'post': {
          // The debrief invitation is a DM with its calendar file attached (debrief-upload.ts).
          if (row.body.template === DEBRIEF_INVITE && row.target.to === 'user')
            return await sendDebriefInvite(this.o.client, row, incident, this.playbook(incident));
          const msg = renderPostView(
            postView(row.body.template, row.body.data, incident, this.playbook(incident)),
            incident.key,
          );
          return await this.post(row, incident, msg);
        }
        case 'invite':
          return await this.inviteToRoom(incident, row.body.user);
        case 'archive_room':
          // Slack incident channels stay open after the incident (people search them); nothing to do.
          return { status: 'sent', result: { skipped: 'Slack incident channels are kept' } };
        default:
          return { status: 'failed', error: `unknown outgoing kind ${(row.body as { kind: string }).kind}` };
      }
    } catch (e) {
      return classifySlackError(e);
    }
  }

  // ---------------------------------------------------------------- live views

  private async view(which: LiveView, incident: Incident, row: OutboxRow): Promise<SendResult> {
    const room = incident.room;
    if (!room) return { status: 'failed', error: NO_ROOM };
    const pb = this.playbook(incident);
    const msg =
      which === 'summary'
        ? renderSummary(summaryView(incident, pb))
        : which === 'timeline'
          ? renderPostView(timelinePost(timelineOf(this.o.app, incident)), incident.key)
          : renderChecklist(checklistView(incident, pb));
    const ref = this.o.refs.getMessageRef(incident.key, 'slack', which);
    if (ref && ref.channel === room.id) {
      try {
        await this.o.client.chat.update({
          channel: ref.channel,
          ts: ref.ref,
          text: msg.text,
          blocks: msg.blocks as KnownBlock[],
        });
        return { status: 'sent', result: { channel: ref.channel, ts: ref.ref, updated: true } };
      } catch (e) {
        const verdict = classifySlackError(e);
        // Deleted by someone: post it again below. Anything else: as classified.
        if (verdict.error !== 'message_not_found') return verdict;
      }
    }
    const res = await this.postTo(room.id, msg, row);
    if ('status' in res) return res;
    this.o.refs.setMessageRef(incident.key, 'slack', which, res.channel, res.ts);
    let pinned: string | true = true;
    // The summary and the timeline are pinned: the channel's reference points (the handbook's template).
    const pin = which === 'summary' || which === 'timeline';
    if (pin) {
      try {
        await this.o.client.pins.add({ channel: res.channel, timestamp: res.ts });
      } catch (e) {
        // The message is out and its ref stored; a missing pin is not worth a re-post.
        pinned = slackError(e);
      }
    }
    return {
      status: 'sent',
      result: { channel: res.channel, ts: res.ts, ...(pin ? { pinned } : {}) },
    };
  }

  // ---------------------------------------------------------------- posts

  private async post(row: OutboxRow, incident: Incident, msg: SlackMessage): Promise<SendResult> {
    let channel: string;
    switch (row.target.to) {
      case 'room':
        if (!incident.room) return { status: 'failed', error: NO_ROOM };
        channel = incident.room.id;
        break;
      case 'stakeholders':
        if (!this.o.stakeholderChannel)
          return { status: 'sent', result: { skipped: 'no stakeholder channel configured' } };
        channel = this.o.stakeholderChannel;
        break;
      case 'user':
        channel = row.target.user;
        break;
      case 'audit':
        if (!this.o.auditChannel) return { status: 'failed', error: 'no audit channel configured' };
        channel = this.o.auditChannel;
        break;
      case 'service':
        return { status: 'failed', error: NOT_A_CHAT_TARGET };
      case 'alerts':
        // The dispatcher hands alert prompts to the alert prompt sender, never here.
        return { status: 'failed', error: 'an alert prompt, not an incident post' };
    }
    const res = await this.postTo(channel, msg, row);
    if ('status' in res) return res;
    return {
      status: 'sent',
      result: { channel: res.channel, ts: res.ts, ...(res.found ? { foundAfterCrash: true } : {}) },
    };
  }

  /** The ts of a message this bot already posted for `row`, found by its metadata, or null. */
  private async findPosted(channel: string, row: OutboxRow): Promise<string | null> {
    const oldest = (Date.parse(row.createdAt) / 1000 - 60).toFixed(6);
    const r = await this.o.client.conversations.history({
      channel,
      oldest,
      limit: 200,
      include_all_metadata: true,
    });
    const hit = (r.messages ?? []).find((m) => {
      const md = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } })
        .metadata;
      return md?.event_type === OUTBOX_EVENT_TYPE && md.event_payload?.outbox_key === row.key;
    });
    return hit?.ts ?? null;
  }

  /** Invites a person added to the incident into its channel; being there already is not an error. */
  private async inviteToRoom(incident: Incident, user: string): Promise<SendResult> {
    if (!incident.room) return { status: 'failed', error: NO_ROOM };
    try {
      await this.o.client.conversations.invite({ channel: incident.room.id, users: user });
      return { status: 'sent', result: { invited: user } };
    } catch (e) {
      const verdict = classifySlackError(e);
      if (verdict.status === 'failed' && verdict.error === 'already_in_channel')
        return { status: 'sent', result: { invited: user, already: true } };
      return verdict;
    }
  }

  /** The DM channel id with a user (conversations.open; needs im:write). */
  private async dmChannel(user: string): Promise<string | null> {
    const r = await this.o.client.conversations.open({ users: user });
    return r.channel?.id ?? null;
  }

  /** chat.postMessage; on `not_in_channel` joins once and tries again. */
  private async postTo(
    channel: string,
    msg: SlackMessage,
    row?: OutboxRow,
  ): Promise<
    { channel: string; ts: string; found?: boolean } | Extract<SendResult, { status: 'retry' | 'failed' }>
  > {
    // Each post carries its outbox key as message metadata. A row "in doubt" (the process died while
    // sending it) is first looked up in the channel, so a post Slack already accepted is not sent twice.
    // A DM (channel = a user id) is looked up in the DM channel, which conversations.open names.
    if (row?.inDoubt) {
      try {
        const where = /^[UW]/.test(channel) ? await this.dmChannel(channel) : channel;
        const ts = where ? await this.findPosted(where, row) : null;
        if (ts && where) return { channel: where, ts, found: true };
      } catch (e) {
        const verdict = classifySlackError(e);
        if (verdict.status === 'retry') return verdict;
        // History not readable (scope, archived...): fall through and post; at-least-once.
      }
    }
    const args = {
      channel,
      text: msg.text,
      blocks: msg.blocks as KnownBlock[],
      unfurl_links: false,
      unfurl_media: false,
      ...(row ? { metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { outbox_key: row.key } } } : {}),
    };
    try {
      const r = await this.o.client.chat.postMessage(args);
      return { channel: r.channel ?? channel, ts: String(r.ts) };
    } catch (e) {
      const verdict = classifySlackError(e);
      if (verdict.error !== 'not_in_channel') return verdict;
    }
    try {
      await this.o.client.conversations.join({ channel });
    } catch (e) {
      const verdict = classifySlackError(e);
      return verdict.status === 'retry'
        ? verdict
        : { status: 'failed', error: `not_in_channel (join: ${verdict.error})` };
    }
    try {
      const r = await this.o.client.chat.postMessage(args);
      return { channel: r.channel ?? channel, ts: String(r.ts) };
    } catch (e) {
      return classifySlackError(e);
    }
  }
}
