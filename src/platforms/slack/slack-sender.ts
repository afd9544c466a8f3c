// Delivers outbox rows to Slack: creates the incident channel, keeps the summary and checklist
// messages up to date in place, and posts everything else. The Dispatcher owns retries: configure the
// WebClient with `retryConfig: { retries: 0 }` and `rejectRateLimitedCalls: true`, and this sender maps
// rate limits, 5xx and network errors to `retry` (honouring Retry-After) and the rest to `failed`.
import type { types, webApi } from '@slack/bolt';
import { botActor, type IncidentApp } from '../../app/incident-app.js';
import type { MessageRefs, OutboxRow, Sender, SendResult } from '../../app/ports.js';
import type { Incident } from '../../domain/incident.js';
import { holders } from '../../domain/incident.js';
import type { Playbook } from '../../domain/playbook.js';
import { checklistView } from '../../views/checklist.js';
import { postView } from '../../views/posts.js';
import { summaryView } from '../../views/summary.js';
import { incidentChannelName, withSuffix } from './channel-name.js';
import type { SlackMessage } from './render/blocks.js';
import { renderChecklist } from './render/checklist.js';
import { renderPostView } from './render/post.js';
import { renderSummary } from './render/summary.js';

type WebClient = webApi.WebClient;
type KnownBlock = types.KnownBlock;

const BOT = botActor('slack');

/** Message-ref names used in outbox.message_refs (platform 'slack'). */
export const REF = {
  /** The incident channel created for it (channel = id, ref = name). */
  room: 'room',
  /** The channel name being created (set before conversations.create; see createRoom). */
  roomPending: 'room_pending',
  summary: 'summary',
  checklist: 'checklist',
} as const;

export interface SlackSenderOptions {
  client: WebClient;
  refs: MessageRefs;
  app: IncidentApp;
  /** Channel id for announcements and stakeholder communications; unset = not sent (logged as skipped). */
  stakeholderChannel?: string;
  playbookFor?: (incident: Incident) => Playbook;
  /** How many `-N` suffixes to try when the channel name is taken (default 20). */
  maxNameSuffix?: number;
  /** Create private channels (needs groups:write). Default false. */
  privateChannels?: boolean;
}

const RETRYABLE_PLATFORM = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

/** Errors of conversations.create after which retrying is pointless: fall back to the declaring channel. */
const CREATE_FATAL =
  /^(restricted_action|invalid_name.*|missing_scope|not_allowed_token_type|no_permission|not_authed|invalid_auth|account_inactive|ekm_access_denied|team_access_not_granted|is_archived|name_taken)$/;

interface SlackErr {
  code?: string;
  data?: { error?: string };
  statusCode?: number;
  headers?: Record<string, string>;
  retryAfter?: number;
  message?: string;
}

/** The Slack `error` string of a WebClient error, or a synthetic one (`http_503`, `rate_limited`, `request_error`). */
export function slackError(e: unknown): string {
  const err = (e ?? {}) as SlackErr;
  if (err.code === 'slack_webapi_platform_error') return err.data?.error ?? 'unknown_error';
  if (err.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  if (err.code === 'slack_webapi_http_error') return `http_${err.statusCode ?? 0}`;
  if (err.code === 'slack_webapi_request_error') return 'request_error';
  return err.message ?? String(e);
}

/** Maps a WebClient error to the dispatcher's verdict. */
export function classifySlackError(e: unknown): Extract<SendResult, { status: 'retry' | 'failed' }> {
  const err = (e ?? {}) as SlackErr;
  const error = slackError(e);
  if (err.code === 'slack_webapi_rate_limited_error') {
    return { status: 'retry', error, afterMs: Math.max(0, (err.retryAfter ?? 1) * 1000) };
  }
  if (err.code === 'slack_webapi_http_error') {
    const status = err.statusCode ?? 0;
    if (status === 429) {
      const ra = Number(err.headers?.['retry-after'] ?? err.headers?.['Retry-After'] ?? 1);
      return { status: 'retry', error, afterMs: Number.isFinite(ra) ? Math.max(0, ra * 1000) : 1000 };
    }
    if (status >= 500 || status === 408) return { status: 'retry', error };
    return { status: 'failed', error };
  }
  if (err.code === 'slack_webapi_request_error') return { status: 'retry', error };
  if (err.code === 'slack_webapi_platform_error') {
    if (RETRYABLE_PLATFORM.has(error)) return { status: 'retry', error };
    return { status: 'failed', error };
  }
  // Anything else (a bug, a timeout without a code): let the dispatcher back off and try again.
  return { status: 'retry', error };
}

/** Message metadata type marking the bot's own posts with their outbox key. */
export const OUTBOX_EVENT_TYPE = 'incident_bot_outbox';

export class SlackSender implements Sender {
  constructor(private readonly o: SlackSenderOptions) {}

  private playbook(i: Incident): Playbook {
    return this.o.playbookFor ? this.o.playbookFor(i) : this.o.app.playbookFor(i);
  }

  async send(row: OutboxRow, incident: Incident): Promise<SendResult> {
    try {
      switch (row.body.kind) {
        case 'create_room':
          return await this.createRoom(row, incident);
        case 'view':
          return await this.view(row.body.view, incident, row);
        case 'post': {
          const msg = renderPostView(
            postView(row.body.template, row.body.data, incident, this.playbook(incident)),
            incident.key,
          );
          return await this.post(row, incident, msg);
        }
        default:
          return { status: 'failed', error: `unknown outgoing kind ${(row.body as { kind: string }).kind}` };
      }
    } catch (e) {
      return classifySlackError(e);
    }
  }

  // ---------------------------------------------------------------- create_room

  private async createRoom(row: OutboxRow, incident: Incident): Promise<SendResult> {
    if (incident.room && !incident.room.fallback)
      return { status: 'sent', result: { channel: incident.room.id, existing: true } };
    const { client, refs: outbox } = this.o;
    let ref = outbox.getMessageRef(incident.key, 'slack', REF.room);
    if (!ref) {
      const base = incidentChannelName(incident, new Date(incident.declaredAt));
      const max = this.o.maxNameSuffix ?? 20;
      let lastError = 'name_taken';
      // The name tried last time, if a previous attempt died between Slack creating the channel and us
      // storing its id (kill -9): when that name is taken now, the channel is probably ours: adopt it.
      const pending = outbox.getMessageRef(incident.key, 'slack', REF.roomPending);
      for (let n = 1; n <= max && !ref; n++) {
        const name = n === 1 ? base : withSuffix(base, n);
        outbox.setMessageRef(incident.key, 'slack', REF.roomPending, '', name);
        try {
          const res = await client.conversations.create({
            name,
            is_private: this.o.privateChannels ?? false,
          });
          const id = res.channel?.id;
          if (!id) return { status: 'retry', error: 'conversations.create answered without a channel id' };
          ref = { channel: id, ref: res.channel?.name ?? name };
          // Stored before anything else: a crash from here on never creates a second channel.
          outbox.setMessageRef(incident.key, 'slack', REF.room, ref.channel, ref.ref);
        } catch (e) {
          const verdict = classifySlackError(e);
          lastError = verdict.error;
          if (verdict.error === 'name_taken') {
            const adopted = pending?.ref === name ? await this.findChannel(name) : null;
            if (adopted) {
              ref = { channel: adopted, ref: name };
              outbox.setMessageRef(incident.key, 'slack', REF.room, ref.channel, ref.ref);
            }
            continue;
          }
          if (verdict.status === 'retry') return verdict;
          if (CREATE_FATAL.test(verdict.error) || verdict.status === 'failed')
            return this.fallback(row, incident, verdict.error);
        }
      }
      if (!ref) return this.fallback(row, incident, lastError);
    }
    await this.invite(ref.channel, incident);
    const link = `https://slack.com/app_redirect?channel=${ref.channel}`;
    const outcome = this.o.app.runForDelivery({
      key: `${row.key}:created`,
      incidentKey: incident.key,
      command: { type: 'room_created', platform: 'slack', roomId: ref.channel, name: ref.ref, link },
      actor: BOT,
    });
    if (!outcome.ok && outcome.error.code !== 'invalid')
      return { status: 'failed', error: `room_created refused: ${outcome.error.code}` };
    return { status: 'sent', result: { channel: ref.channel, name: ref.ref } };
  }

  /** The id of the unarchived channel with this exact name (conversations.list, a few pages), or null. */
  private async findChannel(name: string): Promise<string | null> {
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      let res: Awaited<ReturnType<WebClient['conversations']['list']>>;
      try {
        res = await this.o.client.conversations.list({
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
      } catch (e) {
        if (classifySlackError(e).status === 'retry') throw e;
        return null;
      }
      const hit = res.channels?.find((c) => c.name === name && !c.is_archived);
      if (hit?.id) return hit.id;
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return null;
    }
    return null;
  }

  /** Invites the declarer and the incident commander; already-members and unknown users are not errors. */
  private async invite(channel: string, incident: Incident): Promise<void> {
    const pb = this.playbook(incident);
    const users = [...new Set([incident.declaredBy, ...holders(incident, pb.commanderRole)])].filter((u) =>
      /^[UW][A-Z0-9]+$/.test(u),
    );
    if (users.length === 0) return;
    try {
      await this.o.client.conversations.invite({ channel, users: users.join(',') });
    } catch (e) {
      const verdict = classifySlackError(e);
      if (verdict.status === 'retry') throw e;
      if (verdict.error === 'already_in_channel' || users.length === 1) return;
      // One bad id fails the whole call: invite one by one and ignore the refusals.
      for (const u of users) {
        try {
          await this.o.client.conversations.invite({ channel, users: u });
        } catch (e2) {
          if (classifySlackError(e2).status === 'retry') throw e2;
        }
      }
    }
  }

  private async fallback(row: OutboxRow, incident: Incident, reason: string): Promise<SendResult> {
    const declaredIn = incident.declaredIn;
    const outcome = this.o.app.runForDelivery({
      key: `${row.key}:failed`,
      incidentKey: incident.key,
      command: declaredIn
        ? { type: 'room_failed', reason, fallbackRoomId: declaredIn }
        : { type: 'room_failed', reason },
      actor: BOT,
    });
    if (!declaredIn) {
      // Nowhere to fall back to (declared from a global shortcut): at least tell the declarer, once.
      const told = await this.tellDeclarer(incident, reason);
      if (told) return told;
      return { status: 'failed', error: `channel not created (${reason}) and no declaring channel known` };
    }
    if (!outcome.ok) return { status: 'failed', error: `room_failed refused: ${outcome.error.code}` };
    return { status: 'sent', result: { fallback: true, channel: declaredIn, reason } };
  }

  /** DMs the declarer that no channel exists; a retry verdict when Slack should be asked again. */
  private async tellDeclarer(incident: Incident, reason: string): Promise<SendResult | null> {
    if (this.o.refs.getMessageRef(incident.key, 'slack', 'room_failed_notice')) return null;
    const drill = incident.drill ? '[DRILL] ' : '';
    const text = `:warning: ${drill}I could not create a channel for ${incident.key} (\`${reason.replace(/[<>&`]/g, '')}\`) and I do not know where it was declared, so it has no channel yet. The incident and its log are recorded; declare from a channel (or ask a Slack admin to allow channel creation) to get a room.`;
    try {
      const r = await this.o.client.chat.postMessage({ channel: incident.declaredBy, text });
      this.o.refs.setMessageRef(
        incident.key,
        'slack',
        'room_failed_notice',
        r.channel ?? incident.declaredBy,
        String(r.ts ?? ''),
      );
    } catch (e) {
      const verdict = classifySlackError(e);
      if (verdict.status === 'retry') return verdict;
    }
    return null;
  }

  // ---------------------------------------------------------------- live views

  private async view(
    which: 'summary' | 'checklist',
    incident: Incident,
    row: OutboxRow,
  ): Promise<SendResult> {
    const room = incident.room;
    if (!room) return { status: 'failed', error: 'incident has no room' };
    const pb = this.playbook(incident);
    const msg =
      which === 'summary'
        ? renderSummary(summaryView(incident, pb))
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
    if (which === 'summary') {
      try {
        await this.o.client.pins.add({ channel: res.channel, timestamp: res.ts });
      } catch (e) {
        // The message is out and its ref stored; a missing pin is not worth a re-post.
        pinned = slackError(e);
      }
    }
    return {
      status: 'sent',
      result: { channel: res.channel, ts: res.ts, ...(which === 'summary' ? { pinned } : {}) },
    };
  }

  // ---------------------------------------------------------------- posts

  private async post(row: OutboxRow, incident: Incident, msg: SlackMessage): Promise<SendResult> {
    let channel: string;
    switch (row.target.to) {
      case 'room':
        if (!incident.room) return { status: 'failed', error: 'incident has no room' };
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
