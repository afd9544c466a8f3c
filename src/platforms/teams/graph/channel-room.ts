// An incident's own Teams channel (channel mode, TEAMS_TEAM_ID set), through Microsoft Graph:
// - create: `inc-{date}-{slug}` (graph/channel-name.ts), `-2`, `-3`… when the name is taken; private for
//   a confidential incident (the declarer its owner, the role holders added as members), standard otherwise.
//   The name tried is kept (message_refs `channel_pending`) before the call and the channel the moment Graph
//   answers (`channel`): an attempt in doubt looks its name up first and adopts a channel whose description
//   carries the incident's key, so a crash never makes a second channel.
// - archive (when the incident is finished), else rename `closed-…`; once (message_refs `channel_archived`).
// - invite: a person joining a confidential incident is added to its private channel.
// Every call goes through the outbox: transient failures come back as `retry`, refusals as final answers.
import type { MessageRefs, OutboxRow, SendResult } from '../../../app/ports.js';
import type { Incident } from '../../../domain/incident.js';
import { closedChannelName, teamsChannelName, teamsChannelNameWithSuffix } from './channel-name.js';
import type { GraphChannel, TeamChannels } from './channels.js';
import { graphVerdict, isGraphError, isRefused, isTransient } from './errors.js';

export const CHANNEL_REF = {
  /** channel = Graph channel id, ref = its display name. */
  channel: 'channel',
  /** channel = team id, ref = the channel's webUrl. */
  link: 'channel_link',
  /** ref = the name being created (set before POST /channels). */
  pending: 'channel_pending',
  /** ref = 'archived' | 'renamed'. */
  archived: 'channel_archived',
} as const;

const PLATFORM = 'teams';
const AAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const GRANT = {
  create:
    'Channel.Create.Group (resource-specific consent in the app manifest, consented by a team owner) or the application permission Channel.Create',
  members: 'ChannelMember.ReadWrite.Group (resource-specific consent) or ChannelMember.ReadWrite.All',
  archive: 'ChannelSettings.ReadWrite.Group (resource-specific consent) or ChannelSettings.ReadWrite.All',
};

export type ChannelCreation =
  | { kind: 'created'; channelId: string; name: string; link: string; adopted: boolean; private: boolean }
  | { kind: 'retry'; verdict: Exclude<SendResult, { status: 'sent' }> }
  /** Graph refused for good (permission, team id): the caller falls back to a thread. */
  | { kind: 'refused'; reason: string };

export interface ChannelRoomsOptions {
  channels: TeamChannels;
  teamId: string;
  refs: MessageRefs;
  /** How many `-N` suffixes to try when the name is taken (default 20). */
  maxNameSuffix?: number;
  /** After this many attempts a transient failure falls back to a thread too (default 5). */
  maxAttempts?: number;
  logger?: { warn(obj: object, msg?: string): void } | undefined;
}

function nameTaken(e: unknown): boolean {
  if (!isGraphError(e)) return false;
  if (/nameAlreadyExists/i.test(e.code ?? '') || /nameAlreadyExists/i.test(e.message)) return true;
  return e.status === 409 || (e.status === 400 && /already exist/i.test(e.message));
}

/** Adding someone already there: Graph answers 409 (or 400 "already a member"). */
function alreadyMember(e: unknown): boolean {
  return isGraphError(e) && (e.status === 409 || (e.status === 400 && /already/i.test(e.message)));
}

export class TeamsChannelRooms {
  constructor(private readonly o: ChannelRoomsOptions) {}

  /** The incident's channel, when channel mode created (or adopted) one. */
  channelOf(incidentKey: string): { id: string; name: string; teamId: string } | null {
    const ch = this.o.refs.getMessageRef(incidentKey, PLATFORM, CHANNEL_REF.channel);
    if (!ch?.channel) return null;
    const link = this.o.refs.getMessageRef(incidentKey, PLATFORM, CHANNEL_REF.link);
    return { id: ch.channel, name: ch.ref, teamId: link?.channel || this.o.teamId };
  }

  isArchived(incidentKey: string, roomId: string | undefined): boolean {
    const ch = this.channelOf(incidentKey);
    return Boolean(
      ch && ch.id === roomId && this.o.refs.getMessageRef(incidentKey, PLATFORM, CHANNEL_REF.archived),
    );
  }

  async create(row: OutboxRow, incident: Incident): Promise<ChannelCreation> {
    const isPrivate = incident.confidential === true;
    const known = this.channelOf(incident.key);
    if (known) return this.withMembers(incident, known.id, known.name, true);
    const { refs, teamId } = this.o;
    const base = teamsChannelName(incident, new Date(incident.declaredAt));
    const pending = refs.getMessageRef(incident.key, PLATFORM, CHANNEL_REF.pending);
    try {
      // An attempt that died between Graph creating the channel and us storing it: find it by name.
      if (row.inDoubt || pending) {
        const found = await this.findOurs(incident, pending?.ref || base);
        if (found) return this.adopt(incident, found);
      }
      const max = this.o.maxNameSuffix ?? 20;
      for (let n = 1; n <= max; n++) {
        const name = n === 1 ? base : teamsChannelNameWithSuffix(base, n);
        refs.setMessageRef(incident.key, PLATFORM, CHANNEL_REF.pending, '', name);
        let ch: GraphChannel;
        try {
          ch = await this.o.channels.create(teamId, {
            displayName: name,
            description: (incident.confidential
              ? `${incident.key}:`
              : `${incident.key}: ${incident.title}`
            ).slice(0, 1024),
            private: isPrivate,
            owner: AAD_ID.test(incident.declaredBy) ? incident.declaredBy : undefined,
          });
        } catch (e) {
          if (!nameTaken(e)) throw e;
          // Ours from an earlier attempt (its description names the incident)? Else try the next name.
          const ours = n === 1 || pending?.ref === name ? await this.findOurs(incident, name) : null;
          if (ours) return this.adopt(incident, ours);
          continue;
        }
        if (!ch.id)
          return {
            kind: 'retry',
            verdict: { status: 'retry', error: 'Graph created a channel without an id' },
          };
        return this.adopt(incident, { ...ch, displayName: ch.displayName || name }, false);
      }
      return { kind: 'refused', reason: `every name from ${base} to ${base}-${max} is taken in the team` };
    } catch (e) {
      return this.failed(row, e, GRANT.create);
    }
  }

  /** Archives the incident's channel (else renames it `closed-…`); nothing to do without one. */
  async archive(incident: Incident): Promise<SendResult> {
    const ch = this.channelOf(incident.key);
    if (!ch)
      return { status: 'sent', result: { skipped: 'the incident has no channel of its own (thread mode)' } };
    const done = this.o.refs.getMessageRef(incident.key, PLATFORM, CHANNEL_REF.archived);
    if (done) return { status: 'sent', result: { channel: ch.id, [done.ref]: true, existing: true } };
    try {
      await this.o.channels.archive(ch.teamId, ch.id);
      this.o.refs.setMessageRef(incident.key, PLATFORM, CHANNEL_REF.archived, ch.id, 'archived');
      return { status: 'sent', result: { channel: ch.id, archived: true } };
    } catch (e) {
      if (isTransient(e)) return graphVerdict(e, GRANT.archive);
      this.o.logger?.warn(
        { incident: incident.key, error: (e as Error).message },
        'teams: could not archive the incident channel; renaming it closed-… instead',
      );
    }
    try {
      const name = closedChannelName(ch.name);
      await this.o.channels.rename(ch.teamId, ch.id, name);
      this.o.refs.setMessageRef(incident.key, PLATFORM, CHANNEL_REF.archived, ch.id, 'renamed');
      return { status: 'sent', result: { channel: ch.id, renamed: name } };
    } catch (e) {
      return graphVerdict(e, GRANT.archive);
    }
  }

  /** Adds a person to a confidential incident's private channel; a standard channel is the team's. */
  async invite(incident: Incident, user: string): Promise<SendResult> {
    const ch = this.channelOf(incident.key);
    if (!ch || !incident.confidential)
      return {
        status: 'sent',
        result: { skipped: 'a standard channel or thread has no members of its own' },
      };
    if (!AAD_ID.test(user)) return { status: 'sent', result: { skipped: `not an Entra user id: ${user}` } };
    try {
      await this.o.channels.addMember(ch.teamId, ch.id, user, false);
      return { status: 'sent', result: { channel: ch.id, added: user } };
    } catch (e) {
      if (alreadyMember(e)) return { status: 'sent', result: { channel: ch.id, already: user } };
      return graphVerdict(e, GRANT.members);
    }
  }

  private async findOurs(incident: Incident, name: string): Promise<GraphChannel | null> {
    const hits = await this.o.channels.findByName(this.o.teamId, name);
    return hits.find((c) => c.description?.startsWith(`${incident.key}:`)) ?? null;
  }

  private async adopt(incident: Incident, ch: GraphChannel, adopted = true): Promise<ChannelCreation> {
    // Stored before anything else: from here on a retry (or a restart) never creates a second channel.
    this.o.refs.setMessageRef(incident.key, PLATFORM, CHANNEL_REF.channel, ch.id, ch.displayName);
    this.o.refs.setMessageRef(incident.key, PLATFORM, CHANNEL_REF.link, this.o.teamId, ch.webUrl ?? '');
    return this.withMembers(incident, ch.id, ch.displayName, adopted);
  }

  /** A private channel's members: the declarer (owner) and the role holders; a standard one has the team. */
  private async withMembers(
    incident: Incident,
    channelId: string,
    name: string,
    adopted: boolean,
  ): Promise<ChannelCreation> {
    const link =
      this.o.refs.getMessageRef(incident.key, PLATFORM, CHANNEL_REF.link)?.ref ||
      `https://teams.microsoft.com/l/channel/${encodeURIComponent(channelId)}/${encodeURIComponent(name)}`;
    const isPrivate = incident.confidential === true;
    if (isPrivate) {
      // Everyone holding a role (the commander included); the declarer is the owner named at creation.
      const people = [...new Set(Object.values(incident.roles ?? {}).flat())].filter(
        (u) => AAD_ID.test(u) && u !== incident.declaredBy,
      );
      const teamId = this.channelOf(incident.key)?.teamId ?? this.o.teamId;
      for (const u of people) {
        try {
          await this.o.channels.addMember(teamId, channelId, u, false);
        } catch (e) {
          if (alreadyMember(e)) continue;
          if (isTransient(e)) return { kind: 'retry', verdict: graphVerdict(e, GRANT.members) };
          // Refused: the channel exists; people can still be added by hand. Said in the log.
          this.o.logger?.warn(
            { incident: incident.key, user: u, error: (e as Error).message },
            `teams: could not add a member to the private incident channel (grant ${GRANT.members})`,
          );
        }
      }
    }
    return { kind: 'created', channelId, name, link, adopted, private: isPrivate };
  }

  private failed(row: OutboxRow, e: unknown, grant: string): ChannelCreation {
    const verdict = graphVerdict(e, grant);
    if (verdict.status === 'retry' && row.attempts < (this.o.maxAttempts ?? 5))
      return { kind: 'retry', verdict };
    const reason = isRefused(e) ? verdict.error : `Microsoft Graph: ${verdict.error}`;
    return { kind: 'refused', reason: reason.slice(0, 400) };
  }
}
