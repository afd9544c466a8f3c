// Creating an incident's Slack channel: `inc-{date}-{slug}` (a suffix when the name is taken), the
// declarer and the IC invited, `room_created` recorded; when Slack refuses for good, the channel the
// incident was declared in becomes its room (`room_failed`), or the declarer is told there is none.
import type { webApi } from '@slack/bolt';
import { botActor, type IncidentApp } from '../../app/incident-app.js';
import type { MessageRefs, OutboxRow, SendResult } from '../../app/ports.js';
import type { Incident } from '../../domain/incident.js';
import type { Playbook } from '../../domain/playbook.js';
import { initialMembers } from '../../domain/queries.js';
import { incidentChannelName, withSuffix } from './channel-name.js';
import { classifySlackError } from './slack-errors.js';

type WebClient = webApi.WebClient;

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

/** Errors of conversations.create after which retrying is pointless: fall back to the declaring channel. */
const CREATE_FATAL =
  /^(restricted_action|invalid_name.*|missing_scope|not_allowed_token_type|no_permission|not_authed|invalid_auth|account_inactive|ekm_access_denied|team_access_not_granted|is_archived|name_taken)$/;

export interface RoomCreatorOptions {
  client: WebClient;
  refs: MessageRefs;
  app: IncidentApp;
  playbook: (i: Incident) => Playbook;
  /** How many `-N` suffixes to try when the channel name is taken (default 20). */
  maxNameSuffix?: number;
  /** Create private channels (needs groups:write). Default false. */
  privateChannels?: boolean;
}

export class SlackRoomCreator {
  constructor(private readonly o: RoomCreatorOptions) {}

  async createRoom(row: OutboxRow, incident: Incident): Promise<SendResult> {
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
            // A confidential incident always gets a private channel (groups:write).
            is_private: incident.confidential === true || (this.o.privateChannels ?? false),
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
    const users = initialMembers(incident, this.o.playbook(incident)).filter((u) =>
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
    // A confidential incident never falls back to the (maybe public) channel it was declared in.
    const declaredIn = incident.confidential ? undefined : incident.declaredIn;
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
    const why = `\`${reason.replace(/[<>&`]/g, '')}\``;
    const text = incident.confidential
      ? `:warning: ${drill}I could not create a private channel for the confidential incident ${incident.key} (${why}), and I will not use a public one, so it has no channel yet. The incident and its log are recorded; ask a Slack admin to allow private channel creation (groups:write).`
      : `:warning: ${drill}I could not create a channel for ${incident.key} (${why}) and I do not know where it was declared, so it has no channel yet. The incident and its log are recorded; declare from a channel (or ask a Slack admin to allow channel creation) to get a room.`;
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
}
