// over 400 lines: one Sender for every kind of outbox row on Teams (rooms, live views, posts, channel mode).
/**
 * Delivers outbox rows to Teams through the Bot Connector, using stored conversation references
 * (serviceUrl + conversation id + tenant) so proactive sends reach the right regional endpoint.
 *
 * - create_room, channel mode (TEAMS_TEAM_ID): the incident's own channel through Microsoft Graph
 *   (graph/channel-room.ts), reported with `room_created` (its id and webUrl); views and posts then go to
 *   the channel id. When Graph refuses (403, no permission), the thread mode below, and the room says why.
 *   archive_room: the channel is archived once the incident is finished (domain/decide/room-archive.ts).
 * - create_room, thread mode: a new thread in TEAMS_INCIDENTS_CHANNEL whose root is the summary card
 *   (`createChannelThread`), reported back with `room_created`; without an incidents channel (or when
 *   the thread cannot be created) the conversation where the incident was declared becomes the room
 *   (`room_failed` with `fallbackRoomId`). The thread is kept (in memory, then message_refs `room`) the
 *   moment the connector answers, before anything else: a retry after a later failure (recording it,
 *   `room_created`) adopts that thread instead of posting a second one.
 * - view (summary / checklist / timeline): posted once, its activity id kept in message_refs, then updated in
 *   place (PUT) from the incident's current state.
 * - post: to the room, the stakeholder channel (TEAMS_STAKEHOLDER_CHANNEL, a new post at the channel
 *   root), or a person's 1:1 chat with the bot when known (otherwise marked sent with a note).
 * - 429/412/500/502/503/504 and network errors are retried (Retry-After honoured); other 4xx fail.
 */

import type { App } from '@microsoft/teams.apps';
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import { botActor, type IncidentApp } from '../../app/incident-app.js';
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
import { peopleFor, type TeamsContext } from './context.js';
import { exportToChannel } from './graph/channel-export.js';
import type { ChannelCreation, TeamsChannelRooms } from './graph/channel-room.js';
import type { ChannelDrive } from './graph/drive-files.js';
import { createChannelThread, sendToConversation, updateActivity } from './proactive.js';
import { channelOf, type StoredRef, type TeamsRefs } from './refs.js';
import { cardMessage, text } from './render/card-kit.js';
import { checklistCard } from './render/checklist.js';
import { withAddToCalendar } from './render/meeting-link.js';
import { renderPostView } from './render/post.js';
import { summaryCard } from './render/summary.js';
import { activityOf } from './render/text.js';

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

const BOT = botActor('teams');

/** Maps a Bot Connector failure to the dispatcher's retry / failed answer. */
export function classifyError(e: unknown): Exclude<SendResult, { status: 'sent' }> {
  const err = e as {
    response?: { status?: number; headers?: Record<string, unknown> & { get?: (k: string) => unknown } };
    code?: string;
    message?: string;
  };
  const status = err?.response?.status;
  const message = `${status ? `HTTP ${status}: ` : ''}${err?.message ?? String(e)}`.slice(0, 400);
  if (status === undefined) return { status: 'retry', error: message };
  if ([408, 412, 429, 500, 502, 503, 504].includes(status)) {
    const afterMs = retryAfterMs(err.response?.headers);
    return afterMs !== undefined
      ? { status: 'retry', error: message, afterMs }
      : { status: 'retry', error: message };
  }
  return { status: 'failed', error: message };
}

function retryAfterMs(headers: Record<string, unknown> | undefined): number | undefined {
  if (!headers) return undefined;
  const raw =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(k: string): unknown }).get('retry-after')
      : (headers['retry-after'] ?? headers['Retry-After']);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (Number.isFinite(n)) return Math.max(0, n * 1000);
  const at = Date.parse(String(raw));
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** message_refs name of the incident's thread (channel = its conversation id, ref = its root activity id). */
export const ROOM_REF = 'room';

interface Thread {
  conversationId: string;
  activityId: string;
}

export class TeamsSender implements Sender {
  /** Threads posted whose recording has not finished yet (a retry adopts them, even if the database failed). */
  private readonly posted = new Map<string, Thread>();

  constructor(private readonly o: TeamsSenderOptions) {}

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
          return await this.createRoom(row, incident);
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

  /**
   * The incident's thread, when an earlier attempt already posted it: kept in memory the moment the
   * connector answered, and in message_refs (`room`, or the `summary` root of a thread in the incidents
   * channel, as stored before the `room` ref existed). Adopted instead of posting a second thread.
   */
  private existingThread(incidentKey: string, channel: string): Thread | null {
    const posted = this.posted.get(incidentKey);
    if (posted) return posted;
    const room = this.o.messageRefs.getMessageRef(incidentKey, 'teams', ROOM_REF);
    if (room?.channel && room.ref) return { conversationId: room.channel, activityId: room.ref };
    const summary = this.o.messageRefs.getMessageRef(incidentKey, 'teams', 'summary');
    if (
      summary?.channel.includes(';messageid=') &&
      channelOf(summary.channel) === channelOf(channel) &&
      summary.ref
    )
      return { conversationId: summary.channel, activityId: summary.ref };
    return null;
  }

  private async createRoom(row: OutboxRow, incident: Incident): Promise<SendResult> {
    if (incident.room && !incident.room.fallback) return { status: 'sent', result: { note: 'room exists' } };
    if (this.o.channelRooms && !this.existingThread(incident.key, this.threadChannel(incident) ?? '')) {
      const c = await this.o.channelRooms.create(row, incident);
      if (c.kind === 'retry') return c.verdict;
      if (c.kind === 'created') return this.channelCreated(incident, c);
      // Graph refused (permission, team id): the thread mode of today, and the room is told why.
      this.o.logger?.warn(
        { incident: incident.key, reason: c.reason },
        'teams: could not create the incident channel through Microsoft Graph; using a thread instead',
      );
      return this.threadRoom(row, incident, c.reason);
    }
    return this.threadRoom(row, incident);
  }

  private threadChannel(incident: Incident): string | undefined {
    return incident.confidential ? this.o.confidentialChannel : this.o.incidentsChannel;
  }

  /** Records the incident's own channel (channel mode) as its room: `room_created` with its id and link. */
  private channelCreated(incident: Incident, c: Extract<ChannelCreation, { kind: 'created' }>): SendResult {
    // Posts to the new channel go through the serviceUrl the bot last heard from in this tenant.
    const base = this.refFor(this.threadChannel(incident) ?? incident.declaredIn ?? c.channelId);
    try {
      this.o.refs.remember(
        { ...base, conversationId: c.channelId, channelId: c.channelId, conversationType: 'channel' },
        new Date(),
      );
    } catch (e) {
      this.o.logger?.warn(
        { incident: incident.key, err: e instanceof Error ? e.message : String(e) },
        'teams: could not store the incident channel reference',
      );
    }
    const r = this.incidents.runForDelivery({
      key: `teams:room:${incident.key}`,
      incidentKey: incident.key,
      command: { type: 'room_created', platform: 'teams', roomId: c.channelId, name: c.name, link: c.link },
      actor: BOT,
    });
    return {
      status: 'sent',
      result: {
        channel: c.channelId,
        name: c.name,
        private: c.private,
        ok: r.ok,
        ...(c.adopted ? { adopted: true } : {}),
      },
    };
  }

  /** Thread mode: the incident's room is a thread in TEAMS_INCIDENTS_CHANNEL (or the confidential one). */
  private async threadRoom(row: OutboxRow, incident: Incident, channelRefused?: string): Promise<SendResult> {
    // A confidential incident's thread goes to the private channel; without one there is no room (the
    // domain never falls back to a public conversation for it).
    const channel = this.threadChannel(incident);
    if (!channel)
      return this.fallback(
        incident,
        `${channelRefused ? `${channelRefused}; ` : ''}${
          incident.confidential
            ? 'no private channel for confidential incidents is configured (TEAMS_CONFIDENTIAL_CHANNEL)'
            : 'no incidents channel is configured (TEAMS_INCIDENTS_CHANNEL)'
        }`.slice(0, 400),
      );
    const base = this.refFor(channel);
    let thread = this.existingThread(incident.key, channel);
    const adopted = thread !== null;
    if (!thread) {
      if (row.inDoubt)
        // The Bot Connector cannot list a channel's threads: a thread posted by an attempt that died before
        // the connector's answer was stored cannot be found, so it is posted again (at-least-once).
        this.o.logger?.warn(
          { incident: incident.key },
          'teams: an earlier attempt to create the incident thread did not finish; posting it again',
        );
      // Only the post itself is in this try: a failure after the connector accepted it must never post again.
      try {
        const t = await createChannelThread(this.o.app, {
          serviceUrl: base.serviceUrl,
          channelId: channelOf(channel),
          ...(base.tenantId ? { tenantId: base.tenantId } : {}),
          activity: this.summary(incident),
        });
        thread = { conversationId: t.conversationId, activityId: t.activityId };
      } catch (e) {
        const c = classifyError(e);
        const status = (e as { response?: { status?: number } })?.response?.status;
        recordApiError('teams', 'conversations.create', status ? `http_${status}` : 'network');
        if (c.status === 'retry' && row.attempts < 3) return c;
        this.o.logger?.warn(
          { incident: incident.key, error: c.error },
          'teams: could not create the incident thread; falling back',
        );
        return this.fallback(incident, `the incident thread could not be created (${c.error})`);
      }
      this.posted.set(incident.key, thread);
    }
    try {
      // Stored before anything else: from here on a retry (or a restart) adopts this thread.
      if (!adopted || !this.o.messageRefs.getMessageRef(incident.key, 'teams', ROOM_REF))
        this.o.messageRefs.setMessageRef(
          incident.key,
          'teams',
          ROOM_REF,
          thread.conversationId,
          thread.activityId,
        );
      return this.roomPosted(incident, channel, base, thread, adopted, channelRefused);
    } catch (e) {
      // The thread exists; what failed is recording it. Retried: the next attempt adopts the thread.
      const error = `the incident thread was posted but not recorded yet: ${e instanceof Error ? e.message : String(e)}`;
      this.o.logger?.warn(
        { incident: incident.key, error },
        'teams: incident thread not recorded; will retry',
      );
      return { status: 'retry', error: error.slice(0, 400) };
    }
  }

  /** Records a posted (or adopted) incident thread: its references, then `room_created`. */
  private roomPosted(
    incident: Incident,
    channel: string,
    base: StoredRef,
    thread: Thread,
    adopted: boolean,
    channelRefused?: string,
  ): SendResult {
    const summary = this.o.messageRefs.getMessageRef(incident.key, 'teams', 'summary');
    if (summary?.channel !== thread.conversationId)
      this.o.messageRefs.setMessageRef(
        incident.key,
        'teams',
        'summary',
        thread.conversationId,
        thread.activityId,
      );
    try {
      this.o.refs.remember(
        {
          ...base,
          conversationId: thread.conversationId,
          channelId: channelOf(channel),
          conversationType: 'channel',
        },
        new Date(),
      );
    } catch (e) {
      // refFor() resolves a thread through its channel anyway: not worth a retry
      this.o.logger?.warn(
        { incident: incident.key, err: e instanceof Error ? e.message : String(e) },
        'teams: could not store the incident thread reference',
      );
    }
    const link = `https://teams.microsoft.com/l/message/${encodeURIComponent(channelOf(channel))}/${encodeURIComponent(thread.activityId)}`;
    const r = this.incidents.runForDelivery({
      key: `teams:room:${incident.key}`,
      incidentKey: incident.key,
      command: {
        type: 'room_created',
        platform: 'teams',
        roomId: thread.conversationId,
        name: `${incident.key}: ${incident.title}`.slice(0, 200),
        link,
        ...(channelRefused ? { fallbackReason: channelRefused } : {}),
      },
      actor: BOT,
    });
    this.posted.delete(incident.key);
    return {
      status: 'sent',
      result: {
        conversationId: thread.conversationId,
        activityId: thread.activityId,
        ok: r.ok,
        ...(adopted ? { adopted: true } : {}),
      },
    };
  }

  private fallback(incident: Incident, reason: string): SendResult {
    const declaredIn = incident.declaredIn;
    const r = this.incidents.runForDelivery({
      key: `teams:room-failed:${incident.key}`,
      incidentKey: incident.key,
      command: { type: 'room_failed', reason, ...(declaredIn ? { fallbackRoomId: declaredIn } : {}) },
      actor: BOT,
    });
    return { status: 'sent', result: { fallbackRoomId: declaredIn ?? null, ok: r.ok } };
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
