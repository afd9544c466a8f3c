/**
 * Delivers outbox rows to Teams through the Bot Connector, using stored conversation references
 * (serviceUrl + conversation id + tenant) so proactive sends reach the right regional endpoint.
 *
 * - create_room: the incident's own channel or thread (room-creator.ts); archive_room and invite: the
 *   channel through Microsoft Graph in channel mode (graph/channel-room.ts), nothing to do for a thread.
 * - view (summary / checklist / timeline): posted once, its activity id kept in message_refs, then updated in
 *   place (PUT) from the incident's current state.
 * - post: to the room, the stakeholder channel (TEAMS_STAKEHOLDER_CHANNEL, a new post at the channel
 *   root), or a person's 1:1 chat with the bot when known (otherwise marked sent with a note).
 * - 429/412/500/502/503/504 and network errors are retried (Retry-After honoured); other 4xx fail
 *   (connector-errors.ts).
 */

import type { App } from '@microsoft/teams.apps';
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { IncidentApp } from '../../app/incident-app.js';
import {
  type MessageRefs,
  NO_ROOM,
  NOT_A_CHAT_TARGET,
  type OutboxRow,
  type Sender,
  type SendResult,
} from '../../app/ports.js';
import { exportFiles } from '../../app/record.js';
import { timelineOf } from '../../app/timeline.js';
import type { LiveView } from '../../domain/effects.js';
import type { Incident } from '../../domain/incident.js';
import { recordApiError } from '../../ops/metrics.js';
import { checklistView } from '../../views/checklist.js';
import { DEBRIEF_INVITE } from '../../views/debrief.js';
import { postView } from '../../views/posts.js';
import { summaryView } from '../../views/summary.js';
import { timelinePost } from '../../views/timeline.js';
import { classifyError } from './connector-errors.js';
import { peopleFor, type TeamsContext } from './context.js';
import { exportToChannel } from './graph/channel-export.js';
import type { TeamsChannelRooms } from './graph/channel-room.js';
import type { ChannelDrive } from './graph/drive-files.js';
import { sendToConversation, updateActivity } from './proactive.js';
import type { StoredRef, TeamsRefs } from './refs.js';
import { cardMessage, text } from './render/card-kit.js';
import { checklistCard } from './render/checklist.js';
import { withAddToCalendar } from './render/meeting-link.js';
import { renderPostView } from './render/post.js';
import { summaryCard } from './render/summary.js';
import { activityOf } from './render/text.js';
import { TeamsRoomCreator } from './room-creator.js';

export { classifyError } from './connector-errors.js';
export { ROOM_REF } from './room-creator.js';

export interface TeamsSenderOptions {
  app: App;
  ctx: TeamsContext;
  refs: TeamsRefs;
  messageRefs: MessageRefs;
  incidentsChannel?: string | undefined;
  stakeholderChannel?: string | undefined;
  /** Private channel where confidential incidents get their thread (TEAMS_CONFIDENTIAL_CHANNEL). */
  confidentialChannel?: string | undefined;
  /** Conversation id where audit checkpoint digests go (AUDIT_CHANNEL=teams:<id>). */
  auditChannel?: string | undefined;
  /** Used when no reference was ever stored for a conversation. */
  defaultServiceUrl: string;
  tenantId?: string | undefined;
  logger?: { warn(obj: object, msg?: string): void };
  /** Channel mode (TEAMS_TEAM_ID): each incident gets its own channel through Graph (graph/channel-room.ts). */
  channelRooms?: TeamsChannelRooms | undefined;
  /** Channel mode: `export` uploads its files to the channel's files folder (graph/channel-export.ts). */
  channelDrive?: ChannelDrive | undefined;
}

export class TeamsSender implements Sender {
  private readonly rooms: TeamsRoomCreator;

  constructor(private readonly o: TeamsSenderOptions) {
    this.rooms = new TeamsRoomCreator({
      o,
      get incidents() {
        return o.ctx.app;
      },
      refFor: (c) => this.refFor(c),
      summary: (i) => this.summary(i),
    });
  }

  private get incidents(): IncidentApp {
    return this.o.ctx.app;
  }

  private refFor(conversationId: string): StoredRef {
    return (
      this.o.refs.resolve(conversationId) ?? {
        conversationId,
        serviceUrl: this.o.refs.latest()?.serviceUrl ?? this.o.defaultServiceUrl,
        ...(this.o.tenantId ? { tenantId: this.o.tenantId } : {}),
      }
    );
  }

  async send(row: OutboxRow, incident: Incident): Promise<SendResult> {
    try {
      switch (row.body.kind) {
        case 'create_room':
          return await this.rooms.create(row, incident);
        case 'view':
          return await this.view(row.body.view, incident);
        case 'post':
          return await this.post(row, incident);
        case 'invite':
          // A thread (or a standard channel) has no membership of its own: the team decides who sees it; a
          // confidential incident's private channel gets the person added through Graph.
          if (this.o.channelRooms) return await this.o.channelRooms.invite(incident, row.body.user);
          return { status: 'sent', result: { skipped: 'Teams threads have no members to invite' } };
        case 'archive_room':
          if (this.o.channelRooms) return await this.o.channelRooms.archive(incident);
          return { status: 'sent', result: { skipped: 'a thread cannot be archived' } };
        default:
          // calls to outside services (actions, the tracker) are routed to their own senders, never here
          return { status: 'failed', error: NOT_A_CHAT_TARGET };
      }
    } catch (e) {
      const c = classifyError(e);
      const status = (e as { response?: { status?: number } })?.response?.status;
      recordApiError('teams', `outbox.${row.body.kind}`, status ? `http_${status}` : 'network');
      return c;
    }
  }

  /** The timeline, a reply in the thread updated in place (no pins in Teams); its times say UTC too. */
  private timeline(incident: Incident) {
    const p = renderPostView(
      timelinePost(timelineOf(this.incidents, incident)),
      incident.key,
      this.o.ctx.nameOf,
      { times: 'audit' },
    );
    return cardMessage(p.card, p.text);
  }

  private summary(incident: Incident) {
    const v = summaryView(incident, this.incidents.playbookFor(incident));
    const { ctx } = this.o;
    return cardMessage(
      summaryCard(v, ctx.nameOf, peopleFor(ctx, incident)),
      activityOf(v.fallback, ctx.nameOf, 500),
    );
  }

  private async view(view: LiveView, incident: Incident): Promise<SendResult> {
    const room = incident.room?.id;
    if (!room) return { status: 'failed', error: NO_ROOM };
    if (this.o.channelRooms?.isArchived(incident.key, room))
      return { status: 'sent', result: { skipped: 'the incident channel is archived' } };
    const activity =
      view === 'summary'
        ? this.summary(incident)
        : view === 'timeline'
          ? this.timeline(incident)
          : (() => {
              const v = checklistView(incident, this.incidents.playbookFor(incident));
              return cardMessage(
                checklistCard(v, this.o.ctx.nameOf),
                activityOf(v.fallback, this.o.ctx.nameOf, 500),
              );
            })();
    const ref = this.refFor(room);
    const existing = this.o.messageRefs.getMessageRef(incident.key, 'teams', view);
    if (existing && existing.channel === room) {
      await updateActivity(this.o.app, ref, existing.ref, activity);
      return { status: 'sent', result: { updated: existing.ref } };
    }
    const sent = await sendToConversation(this.o.app, ref, activity);
    this.o.messageRefs.setMessageRef(incident.key, 'teams', view, room, sent.id);
    return { status: 'sent', result: { id: sent.id } };
  }

  private async post(row: OutboxRow, incident: Incident): Promise<SendResult> {
    if (row.body.kind !== 'post') return { status: 'failed', error: 'not a post' };
    let conversationId: string | undefined;
    const t = row.target;
    if (t.to === 'room') conversationId = incident.room?.id;
    else if (t.to === 'stakeholders') conversationId = this.o.stakeholderChannel;
    else if (t.to === 'audit') {
      conversationId = this.o.auditChannel;
      if (!conversationId) return { status: 'failed', error: 'no audit channel configured' };
    } else if (t.to === 'service') return { status: 'failed', error: NOT_A_CHAT_TARGET };
    else if (t.to === 'alerts') return { status: 'failed', error: 'an alert prompt, not an incident post' };
    else conversationId = this.o.refs.user(t.user)?.personalConversationId;
    if (t.to === 'room' && this.o.channelRooms?.isArchived(incident.key, conversationId))
      return { status: 'sent', result: { skipped: 'the incident channel is archived' } };
    if (!conversationId) {
      if (t.to === 'room') return { status: 'failed', error: NO_ROOM };
      const why =
        t.to === 'user'
          ? 'no 1:1 conversation with this person is known (they have not messaged the bot)'
          : 'no stakeholder channel is configured (TEAMS_STAKEHOLDER_CHANNEL)';
      return { status: 'sent', result: { skipped: why } };
    }
    // channel mode: the export's files go to the channel's files folder first, and the card links them
    // A confidential incident's record is not put in channel files (a channel made confidential after it was
    // created is a standard one, and files outlive the channel): its members export it in the bot's chat.
    const uploaded =
      row.body.template === 'export' &&
      t.to === 'room' &&
      !incident.confidential &&
      this.o.channelDrive &&
      this.o.channelRooms
        ? await exportToChannel(
            {
              drive: this.o.channelDrive,
              refs: this.o.messageRefs,
              render: () => exportFiles(this.incidents, incident, { withData: true }),
            },
            row,
            incident.key,
            this.o.channelRooms.channelOf(incident.key),
            conversationId,
          )
        : null;
    // Retried while the upload may still succeed; a refusal (no Files permission) still posts the card, saying so.
    if (uploaded && !Array.isArray(uploaded) && uploaded.status === 'retry') return uploaded;
    const notUploaded =
      uploaded && !Array.isArray(uploaded) && uploaded.status === 'failed' ? uploaded.error : null;
    const pb = this.incidents.playbookFor(incident);
    const p = renderPostView(
      postView(row.body.template, row.body.data, incident, pb),
      incident.key,
      this.o.ctx.nameOf,
    );
    // The debrief invitation gets its "Add to calendar" button (a Teams meeting link: render/meeting-link.ts).
    const card =
      row.body.template === DEBRIEF_INVITE
        ? withAddToCalendar(p.card, incident, pb, row.body.data, this.o.ctx.nameOf)
        : Array.isArray(uploaded) && uploaded.length
          ? withLines(p.card, ["Files in this channel's Files tab:", ...uploaded])
          : notUploaded
            ? withLines(p.card, [`The files could not be put in this channel's Files tab: ${notUploaded}`])
            : p.card;
    const sent = await sendToConversation(this.o.app, this.refFor(conversationId), cardMessage(card, p.text));
    return { status: 'sent', result: { id: sent.id, conversationId } };
  }
}

/** The card with more TextBlocks at the end of its body (lines already card text). */
function withLines(c: IAdaptiveCard, lines: string[]): IAdaptiveCard {
  const body = ((c as { body?: unknown[] }).body ?? []) as unknown[];
  return { ...c, body: [...body, ...lines.map((l) => text(l, { spacing: 'Small' }))] } as IAdaptiveCard;
}
