// The Graph calls behind an incident channel (v1.0): create, find by name, add a member, archive, rename.
// Paths as documented: POST /teams/{team-id}/channels; GET …/channels?$filter=displayName eq '…';
// POST …/channels/{channel-id}/members; POST …/channels/{channel-id}/archive; PATCH …/channels/{channel-id}.
import type { GraphClient, GraphJson } from './client.js';

export interface GraphChannel {
  id: string;
  displayName: string;
  description?: string;
  webUrl?: string;
  membershipType?: string;
}

const seg = encodeURIComponent;

function channelOf(j: GraphJson): GraphChannel {
  return {
    id: String(j?.id ?? ''),
    displayName: String(j?.displayName ?? ''),
    ...(typeof j?.description === 'string' ? { description: j.description } : {}),
    ...(typeof j?.webUrl === 'string' ? { webUrl: j.webUrl } : {}),
    ...(typeof j?.membershipType === 'string' ? { membershipType: j.membershipType } : {}),
  };
}

/** The aadUserConversationMember body Graph takes for a user (their Entra object id). */
export function memberBody(aadId: string, baseUrl: string, owner: boolean): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.aadUserConversationMember',
    roles: owner ? ['owner'] : [],
    'user@odata.bind': `${baseUrl.replace(/\/+$/, '')}/users('${aadId}')`,
  };
}

export class TeamChannels {
  constructor(
    private readonly graph: GraphClient,
    /** GRAPH_API_URL, for the `user@odata.bind` references. */
    private readonly baseUrl: string,
  ) {}

  async create(
    teamId: string,
    c: { displayName: string; description: string; private: boolean; owner?: string | undefined },
  ): Promise<GraphChannel> {
    const body: Record<string, unknown> = {
      displayName: c.displayName,
      description: c.description,
      membershipType: c.private ? 'private' : 'standard',
    };
    // An app creating a private channel names its first owner in the request (application permissions).
    if (c.private && c.owner) body.members = [memberBody(c.owner, this.baseUrl, true)];
    return channelOf(await this.graph.call('POST', `/teams/${seg(teamId)}/channels`, body));
  }

  /** The channels with exactly this display name (Graph's $filter on displayName). */
  async findByName(teamId: string, displayName: string): Promise<GraphChannel[]> {
    const filter = `displayName eq '${displayName.replace(/'/g, "''")}'`;
    const j = await this.graph.call(
      'GET',
      `/teams/${seg(teamId)}/channels?$filter=${encodeURIComponent(filter)}`,
    );
    const list: GraphJson[] = Array.isArray(j?.value) ? j.value : [];
    return list.map(channelOf).filter((ch) => ch.displayName === displayName);
  }

  async addMember(teamId: string, channelId: string, aadId: string, owner: boolean): Promise<void> {
    await this.graph.call(
      'POST',
      `/teams/${seg(teamId)}/channels/${seg(channelId)}/members`,
      memberBody(aadId, this.baseUrl, owner),
    );
  }

  async archive(teamId: string, channelId: string): Promise<void> {
    await this.graph.call('POST', `/teams/${seg(teamId)}/channels/${seg(channelId)}/archive`, {});
  }

  async rename(teamId: string, channelId: string, displayName: string): Promise<void> {
    await this.graph.call('PATCH', `/teams/${seg(teamId)}/channels/${seg(channelId)}`, { displayName });
  }
}
