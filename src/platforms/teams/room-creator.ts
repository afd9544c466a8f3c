// Creates a Teams incident's room (the `create_room` outbox row), for TeamsSender:
// - channel mode (TEAMS_TEAM_ID): the incident's own channel through Microsoft Graph (graph/channel-room.ts),
//   reported with `room_created` (its id and webUrl); when Graph refuses (403, no permission), thread mode,
//   and the room says why;
// - thread mode: a new thread in TEAMS_INCIDENTS_CHANNEL (TEAMS_CONFIDENTIAL_CHANNEL for a confidential
//   incident) whose root is the summary card, reported with `room_created`; without a channel (or when the
//   thread cannot be created) the conversation it was declared in (`room_failed` with `fallbackRoomId`). The
//   thread is kept (in memory, then message_refs `room`) the moment the connector answers: a retry after a
//   later failure adopts it instead of posting a second one.
import type { IncidentApp } from '../../app/incident-app.js';
import { botActor } from '../../app/incident-app.js';
import type { OutboxRow, SendResult } from '../../app/ports.js';
import type { Incident } from '../../domain/incident.js';
import { recordApiError } from '../../ops/metrics.js';
import { classifyError } from './connector-errors.js';
import type { ChannelCreation } from './graph/channel-room.js';
import { createChannelThread } from './proactive.js';
import { channelOf, type StoredRef } from './refs.js';
import type { cardMessage } from './render/card-kit.js';
import type { TeamsSenderOptions } from './teams-sender.js';

const BOT = botActor('teams');

/** message_refs name of the incident's thread (channel = its conversation id, ref = its root activity id). */
export const ROOM_REF = 'room';

interface Thread {
  conversationId: string;
  activityId: string;
}

export interface RoomCreatorDeps {
  o: TeamsSenderOptions;
  incidents: IncidentApp;
  refFor(conversationId: string): StoredRef;
  /** The summary card: a thread's root post. */
  summary(incident: Incident): ReturnType<typeof cardMessage>;
}

export class TeamsRoomCreator {
  /** Threads posted whose recording has not finished yet (a retry adopts them, even if the database failed). */
  private readonly posted = new Map<string, Thread>();

  constructor(private readonly d: RoomCreatorDeps) {}

  /**
   * The incident's thread, when an earlier attempt already posted it: kept in memory the moment the
   * connector answered, and in message_refs (`room`, or the `summary` root of a thread in the incidents
   * channel, as stored before the `room` ref existed). Adopted instead of posting a second thread.
   */
  private existingThread(incidentKey: string, channel: string): Thread | null {
    const posted = this.posted.get(incidentKey);
    if (posted) return posted;
    const room = this.d.o.messageRefs.getMessageRef(incidentKey, 'teams', ROOM_REF);
    if (room?.channel && room.ref) return { conversationId: room.channel, activityId: room.ref };
    const summary = this.d.o.messageRefs.getMessageRef(incidentKey, 'teams', 'summary');
    if (
      summary?.channel.includes(';messageid=') &&
      channelOf(summary.channel) === channelOf(channel) &&
      summary.ref
    )
      return { conversationId: summary.channel, activityId: summary.ref };
    return null;
  }

  /** The incident's room: its own channel (channel mode), else a thread, else the declaring conversation. */
  async create(row: OutboxRow, incident: Incident): Promise<SendResult> {
    if (incident.room && !incident.room.fallback) return { status: 'sent', result: { note: 'room exists' } };
    if (this.d.o.channelRooms && !this.existingThread(incident.key, this.threadChannel(incident) ?? '')) {
      const c = await this.d.o.channelRooms.create(row, incident);
      if (c.kind === 'retry') return c.verdict;
      if (c.kind === 'created') return this.channelCreated(incident, c);
      // Graph refused (permission, team id): the thread mode of today, and the room is told why.
      this.d.o.logger?.warn(
        { incident: incident.key, reason: c.reason },
        'teams: could not create the incident channel through Microsoft Graph; using a thread instead',
      );
      return this.threadRoom(row, incident, c.reason);
    }
    return this.threadRoom(row, incident);
  }

  private threadChannel(incident: Incident): string | undefined {
    return incident.confidential ? this.d.o.confidentialChannel : this.d.o.incidentsChannel;
  }

  /** Records the incident's own channel (channel mode) as its room: `room_created` with its id and link. */
  private channelCreated(incident: Incident, c: Extract<ChannelCreation, { kind: 'created' }>): SendResult {
    // Posts to the new channel go through the serviceUrl the bot last heard from in this tenant.
    const base = this.d.refFor(this.threadChannel(incident) ?? incident.declaredIn ?? c.channelId);
    try {
      this.d.o.refs.remember(
        { ...base, conversationId: c.channelId, channelId: c.channelId, conversationType: 'channel' },
        new Date(),
      );
    } catch (e) {
      this.d.o.logger?.warn(
        { incident: incident.key, err: e instanceof Error ? e.message : String(e) },
        'teams: could not store the incident channel reference',
      );
    }
    const r = this.d.incidents.runForDelivery({
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
    const base = this.d.refFor(channel);
    let thread = this.existingThread(incident.key, channel);
    const adopted = thread !== null;
    if (!thread) {
      if (row.inDoubt)
        // The Bot Connector cannot list a channel's threads: a thread posted by an attempt that died before
        // the connector's answer was stored cannot be found, so it is posted again (at-least-once).
        this.d.o.logger?.warn(
          { incident: incident.key },
          'teams: an earlier attempt to create the incident thread did not finish; posting it again',
        );
      // Only the post itself is in this try: a failure after the connector accepted it must never post again.
      try {
        const t = await createChannelThread(this.d.o.app, {
          serviceUrl: base.serviceUrl,
          channelId: channelOf(channel),
          ...(base.tenantId ? { tenantId: base.tenantId } : {}),
          activity: this.d.summary(incident),
        });
        thread = { conversationId: t.conversationId, activityId: t.activityId };
      } catch (e) {
        const c = classifyError(e);
        const status = (e as { response?: { status?: number } })?.response?.status;
        recordApiError('teams', 'conversations.create', status ? `http_${status}` : 'network');
        if (c.status === 'retry' && row.attempts < 3) return c;
        this.d.o.logger?.warn(
          { incident: incident.key, error: c.error },
          'teams: could not create the incident thread; falling back',
        );
        return this.fallback(incident, `the incident thread could not be created (${c.error})`);
      }
      this.posted.set(incident.key, thread);
    }
    try {
      // Stored before anything else: from here on a retry (or a restart) adopts this thread.
      if (!adopted || !this.d.o.messageRefs.getMessageRef(incident.key, 'teams', ROOM_REF))
        this.d.o.messageRefs.setMessageRef(
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
      this.d.o.logger?.warn(
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
    const summary = this.d.o.messageRefs.getMessageRef(incident.key, 'teams', 'summary');
    if (summary?.channel !== thread.conversationId)
      this.d.o.messageRefs.setMessageRef(
        incident.key,
        'teams',
        'summary',
        thread.conversationId,
        thread.activityId,
      );
    try {
      this.d.o.refs.remember(
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
      this.d.o.logger?.warn(
        { incident: incident.key, err: e instanceof Error ? e.message : String(e) },
        'teams: could not store the incident thread reference',
      );
    }
    const link = `https://teams.microsoft.com/l/message/${encodeURIComponent(channelOf(channel))}/${encodeURIComponent(thread.activityId)}`;
    const r = this.d.incidents.runForDelivery({
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
    const r = this.d.incidents.runForDelivery({
      key: `teams:room-failed:${incident.key}`,
      incidentKey: incident.key,
      command: { type: 'room_failed', reason, ...(declaredIn ? { fallbackRoomId: declaredIn } : {}) },
      actor: BOT,
    });
    return { status: 'sent', result: { fallbackRoomId: declaredIn ?? null, ok: r.ok } };
  }
}
