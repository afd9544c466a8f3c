/**
 * A fake Slack Web API on loopback, good enough for @slack/web-api's WebClient (and so Bolt's `client`).
 *
 * WebClient POSTs `application/x-www-form-urlencoded` to `{slackApiUrl}{method}` with `Authorization: Bearer`;
 * object-valued args (`blocks`, `view`, `attachments`, `files`, ...) arrive JSON-stringified. Answers are JSON
 * `{ ok: true, ... }` or `{ ok: false, error }`, or an HTTP 429 / 500 when scripted.
 *
 * Usage: `const slack = await startFakeSlackApi();` then `new App({ ..., clientOptions: { slackApiUrl: slack.url } })`.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: Slack API arguments and answers are free-form JSON
export type Json = any;
export type Args = Record<string, Json>;

export interface RecordedCall {
  method: string;
  /** Parsed arguments; JSON-encoded fields (blocks, view, attachments, files, metadata, ...) are parsed. */
  args: Args;
  /** Bearer token (or `token` form field). */
  token: string | undefined;
  /** Date.now() when the request arrived. */
  at: number;
  /** HTTP status the fake answered with (200, 429, 500). */
  status: number;
  /** `ok` of the JSON answer (false for HTTP failures too). */
  ok: boolean;
  /** `error` of the answer when not ok (`http_429`, `http_500` for HTTP failures). */
  error?: string;
  /** The JSON answer sent back. */
  response: Json;
}

export interface FailSpec {
  /** Answer 200 `{ ok: false, error }` (default `internal_error` when no status is given). */
  error?: string;
  /** Answer this HTTP status instead (429 gets a Retry-After header). */
  status?: number;
  /** Retry-After seconds for 429 (default 0). */
  retryAfter?: number;
  /** How many consecutive calls fail (default 1). */
  times?: number;
}

export type RandomFailureKind = '429' | '500' | (string & {});

export interface RandomFailures {
  /** Probability 0..1 that a call fails. */
  rate: number;
  /** PRNG seed: same seed + same call order = same failures. */
  seed: number;
  /** '429' (Retry-After 0), '500', or any other string = `{ ok: false, error: kind }`. Default ['429', '500']. */
  kinds?: RandomFailureKind[];
  /** Restrict to these methods (default: all API methods). */
  methods?: string[];
}

export interface FakeUser {
  id: string;
  name: string;
  real_name: string;
  tz: string;
  tz_label?: string;
  tz_offset?: number;
  email?: string;
  is_bot?: boolean;
  deleted?: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_archived: boolean;
  created: number;
  creator: string;
  members: Set<string>;
  topic: string;
  purpose: string;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: Json[];
  attachments?: Json[];
  metadata?: Json;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  files?: Json[];
  /** Each chat.update applied to this message, oldest first (previous text/blocks). */
  edits: { text?: string; blocks?: Json[]; at: number }[];
  deleted?: boolean;
}

export interface StoredEphemeral {
  channel: string;
  user: string;
  text?: string;
  blocks?: Json[];
  thread_ts?: string;
  message_ts: string;
}

export interface StoredView {
  id: string;
  type: string;
  hash: string;
  view: Json;
  external_id?: string;
  root_view_id: string;
  previous_view_id: string | null;
  /** 'open' | 'push' | 'publish' and every update after. */
  history: string[];
  user_id?: string;
}

export interface StoredUpload {
  file_id: string;
  filename: string;
  length: number;
  /** Raw request body posted to the upload URL (multipart from WebClient). */
  body: Buffer;
  completed: boolean;
  channel_id?: string;
  title?: string;
  initial_comment?: string;
}

export type MethodHandler = (args: Args, call: { token: string | undefined }) => Json;

export interface FakeSlackOptions {
  /** Bot user id answered by auth.test and treated as "self" (cant_invite_self). Default U0BOT. */
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /** Only accept this token (else `invalid_auth`). Default: any non-empty token. */
  token?: string;
  /** Seconds part of the first `ts` (default 1700000000). */
  startTs?: number;
  /** Users known to users.info. Unknown ids get a generated user unless `strictUsers`. */
  users?: Partial<FakeUser>[];
  strictUsers?: boolean;
  /** Channels that exist up front (e.g. the incidents announcement channel). */
  channels?: { id: string; name: string; is_private?: boolean; members?: string[] }[];
  /** Unknown channel ids answer `channel_not_found` instead of being accepted. */
  strictChannels?: boolean;
  /** trigger_id usable once (else `exchanged_trigger_id`). */
  strictTriggers?: boolean;
  /** URL answered by apps.connections.open (default ws://127.0.0.1:PORT/socket, which does not upgrade). */
  socketModeUrl?: string;
}

export interface FakeSlack {
  /** `http://127.0.0.1:PORT/api/`: pass as `clientOptions.slackApiUrl`. */
  url: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** Successful (HTTP 200 and ok:true) calls to a method. */
  okCallsTo(method: string): RecordedCall[];
  /** Resolves when at least `count` calls to `method` (any outcome) were recorded. */
  waitForCalls(method: string, count?: number, timeoutMs?: number): Promise<RecordedCall[]>;
  /** Latest state of every message in a channel, oldest first (post + update applied, deletes removed). */
  messagesIn(channel: string): StoredMessage[];
  message(channel: string, ts: string): StoredMessage | undefined;
  ephemerals: StoredEphemeral[];
  channels: Map<string, FakeChannel>;
  channelByName(name: string): FakeChannel | undefined;
  pins: { channel: string; timestamp: string }[];
  reactions: { channel: string; timestamp: string; name: string }[];
  views: Map<string, StoredView>;
  uploads: Map<string, StoredUpload>;
  users: Map<string, FakeUser>;
  addUser(user: Partial<FakeUser> & { id: string }): FakeUser;
  addChannel(ch: { id?: string; name: string; is_private?: boolean; members?: string[] }): FakeChannel;
  /** conversations.create answers `name_taken` for these; created names are added. */
  takenChannelNames: Set<string>;
  failNext(method: string, spec?: FailSpec): void;
  setRandomFailures(spec: RandomFailures | null): void;
  /** Replace the answer of a method (return the JSON body; `ok` defaults to true). */
  setHandler(method: string, handler: MethodHandler | null): void;
  /** Forget calls and all state (channels, messages, views, scripted failures); keeps options. */
  reset(): void;
  close(): Promise<void>;
}

/** Fields WebClient JSON-encodes because they are objects/arrays. */
const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'view',
  'files',
  'metadata',
  'unfurls',
  'user_auth_blocks',
  'options',
  'option_groups',
  'chunks',
]);

/** mulberry32: small, seeded, deterministic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseSlackArgs(raw: string, contentType: string | undefined): Args {
  const args: Args = {};
  if (contentType?.includes('application/json')) {
    try {
      const parsed = JSON.parse(raw || '{}');
      return parsed && typeof parsed === 'object' ? parsed : {};
    } catch {
      return {};
    }
  }
  for (const [k, v] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(k) && (v.startsWith('[') || v.startsWith('{'))) {
      try {
        args[k] = JSON.parse(v);
        continue;
      } catch {
        // keep the raw string: the checker will flag it
      }
    }
    args[k] = v;
  }
  return args;
}

class SlackError extends Error {
  constructor(
    public readonly code: string,
    public readonly extra: Json = {},
  ) {
    super(code);
  }
}

function fail(code: string, extra: Json = {}): never {
  throw new SlackError(code, extra);
}

function str(v: Json): string | undefined {
  if (v === undefined || v === null) return undefined;
  return String(v);
}

export async function startFakeSlackApi(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botUserId = opts.botUserId ?? 'U0BOT';
  const botId = opts.botId ?? 'B0BOT';
  const teamId = opts.teamId ?? 'T111';
  const startTs = opts.startTs ?? 1_700_000_000;
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);

  const calls: RecordedCall[] = [];
  const channels = new Map<string, FakeChannel>();
  const messages = new Map<string, StoredMessage[]>();
  const ephemerals: StoredEphemeral[] = [];
  const pins: { channel: string; timestamp: string }[] = [];
  const reactions: { channel: string; timestamp: string; name: string }[] = [];
  const views = new Map<string, StoredView>();
  const uploads = new Map<string, StoredUpload>();
  const users = new Map<string, FakeUser>();
  const takenChannelNames = new Set<string>();
  const usedTriggers = new Set<string>();
  const failQueues = new Map<string, FailSpec[]>();
  const handlers = new Map<string, MethodHandler>();
  let random: { spec: RandomFailures; next: () => number } | null = null;
  let tsCounter = 0;
  let channelCounter = 0;
  let viewCounter = 0;
  let fileCounter = 0;
  let hashCounter = 0;
  let origin = '';

  const nextTs = (): string => {
    tsCounter += 1;
    return `${startTs + tsCounter}.${String(tsCounter % 1_000_000).padStart(6, '0')}`;
  };
  const nowSec = () => Math.floor(Date.now() / 1000);

  function addUser(u: Partial<FakeUser> & { id: string }): FakeUser {
    const name = u.name ?? `user-${u.id.toLowerCase()}`;
    const user: FakeUser = {
      id: u.id,
      name,
      real_name: u.real_name ?? name.replace(/[-_.]/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
      tz: u.tz ?? 'Europe/London',
      tz_label: u.tz_label ?? 'Greenwich Mean Time',
      tz_offset: u.tz_offset ?? 0,
      email: u.email ?? `${name}@example.com`,
      is_bot: u.is_bot ?? false,
      deleted: u.deleted ?? false,
    };
    users.set(user.id, user);
    return user;
  }

  function addChannel(ch: {
    id?: string;
    name: string;
    is_private?: boolean;
    members?: string[];
  }): FakeChannel {
    channelCounter += 1;
    const channel: FakeChannel = {
      id: ch.id ?? `C${String(1000 + channelCounter)}`,
      name: ch.name,
      is_private: ch.is_private ?? false,
      is_archived: false,
      created: nowSec(),
      creator: botUserId,
      members: new Set(ch.members ?? [botUserId]),
      topic: '',
      purpose: '',
    };
    channels.set(channel.id, channel);
    takenChannelNames.add(channel.name);
    return channel;
  }

  function seed(): void {
    for (const u of opts.users ?? []) if (u.id) addUser(u as FakeUser);
    for (const c of opts.channels ?? []) addChannel(c);
  }
  seed();

  function channelJson(c: FakeChannel): Json {
    return {
      id: c.id,
      name: c.name,
      name_normalized: c.name,
      is_channel: !c.is_private,
      is_group: c.is_private,
      is_im: false,
      is_private: c.is_private,
      is_archived: c.is_archived,
      is_general: false,
      is_member: c.members.has(botUserId),
      created: c.created,
      creator: c.creator,
      context_team_id: teamId,
      num_members: c.members.size,
      topic: { value: c.topic, creator: c.creator, last_set: 0 },
      purpose: { value: c.purpose, creator: c.creator, last_set: 0 },
    };
  }

  function userJson(u: FakeUser): Json {
    return {
      id: u.id,
      team_id: teamId,
      name: u.name,
      deleted: u.deleted,
      real_name: u.real_name,
      tz: u.tz,
      tz_label: u.tz_label,
      tz_offset: u.tz_offset,
      is_bot: u.is_bot,
      is_admin: false,
      is_app_user: false,
      profile: {
        real_name: u.real_name,
        display_name: u.name,
        real_name_normalized: u.real_name,
        display_name_normalized: u.name,
        email: u.email,
        image_48: `https://example.slack.com/avatars/${u.id}_48.png`,
        team: teamId,
      },
    };
  }

  /** Resolve a channel argument (id, `#name`, or a user id for a DM) and check it exists/is writable. */
  function resolveChannel(arg: Json, { forWrite = false } = {}): string {
    const raw = str(arg);
    if (!raw) fail('channel_not_found');
    let id = raw;
    if (raw.startsWith('#')) {
      const byName = [...channels.values()].find((c) => c.name === raw.slice(1));
      if (!byName) fail('channel_not_found');
      id = byName.id;
    } else if (/^[UW]/.test(raw)) {
      id = `D${raw.slice(1)}`;
    }
    const ch = channels.get(id);
    if (!ch && opts.strictChannels && !id.startsWith('D')) fail('channel_not_found');
    if (ch && forWrite && ch.is_archived) fail('is_archived');
    // A private channel is invisible to a bot that is not in it.
    if (ch && forWrite && ch.is_private && !ch.members.has(botUserId)) fail('not_in_channel');
    return id;
  }

  function knownChannel(arg: Json): FakeChannel {
    const id = resolveChannel(arg);
    let ch = channels.get(id);
    if (!ch) {
      // lenient: channels that exist in the workspace but were not created through the fake (e.g. fixtures' C111)
      ch = {
        id,
        name: `channel-${id.toLowerCase()}`,
        is_private: false,
        is_archived: false,
        created: nowSec(),
        creator: 'U0ADMIN',
        members: new Set([botUserId]),
        topic: '',
        purpose: '',
      };
      channels.set(id, ch);
    }
    return ch;
  }

  function findMessage(channel: string, ts: string): StoredMessage | undefined {
    return messages.get(channel)?.find((m) => m.ts === ts && !m.deleted);
  }

  function messageJson(m: StoredMessage): Json {
    return {
      type: 'message',
      subtype: m.bot_id ? 'bot_message' : undefined,
      text: m.text ?? '',
      blocks: m.blocks,
      attachments: m.attachments,
      metadata: m.metadata,
      files: m.files,
      ts: m.ts,
      thread_ts: m.thread_ts,
      user: m.user,
      bot_id: m.bot_id,
      team: teamId,
      edited: m.edits.length ? { user: botUserId, ts: m.ts } : undefined,
    };
  }

  function requireTrigger(args: Args): void {
    const trigger = str(args.trigger_id) ?? str(args.interactivity_pointer);
    if (!trigger)
      fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing trigger_id'] } });
    if (opts.strictTriggers) {
      if (usedTriggers.has(trigger)) fail('exchanged_trigger_id');
      usedTriggers.add(trigger);
    }
  }

  function viewJson(v: StoredView): Json {
    return {
      id: v.id,
      team_id: teamId,
      type: v.type,
      title: v.view.title,
      submit: v.view.submit,
      close: v.view.close,
      blocks: v.view.blocks ?? [],
      private_metadata: v.view.private_metadata ?? '',
      callback_id: v.view.callback_id ?? '',
      external_id: v.external_id ?? '',
      state: { values: {} },
      hash: v.hash,
      clear_on_close: v.view.clear_on_close ?? false,
      notify_on_close: v.view.notify_on_close ?? false,
      root_view_id: v.root_view_id,
      previous_view_id: v.previous_view_id,
      app_id: 'A0FAKE',
      app_installed_team_id: teamId,
      bot_id: botId,
    };
  }

  function storeView(view: Json, kind: string, previous: string | null = null, userId?: string): StoredView {
    if (!view || typeof view !== 'object') fail('invalid_arguments');
    if (view.external_id) {
      const dup = [...views.values()].find((v) => v.external_id === view.external_id);
      if (dup && kind !== 'publish') fail('duplicate_external_id');
    }
    viewCounter += 1;
    hashCounter += 1;
    const id = `V${String(1000 + viewCounter)}`;
    const stored: StoredView = {
      id,
      type: view.type ?? 'modal',
      hash: `${nowSec()}.hash${hashCounter}`,
      view,
      external_id: view.external_id,
      root_view_id: previous ? (views.get(previous)?.root_view_id ?? id) : id,
      previous_view_id: previous,
      history: [kind],
      user_id: userId,
    };
    views.set(id, stored);
    return stored;
  }

  const methods: Record<string, (args: Args) => Json> = {
    'api.test': (args) => ({ args }),
    'auth.test': () => ({
      url: 'https://example.slack.com/',
      team: 'Example Workspace',
      user: 'incident-bot',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),
    'apps.connections.open': () => ({ url: opts.socketModeUrl ?? `${origin.replace('http', 'ws')}/socket` }),

    'chat.postMessage': (args) => {
      const channel = resolveChannel(args.channel, { forWrite: true });
      if (!str(args.text) && !args.blocks && !args.attachments) fail('no_text');
      if (str(args.text) && String(args.text).length > 40_000) fail('msg_too_long');
      if (args.thread_ts && !findMessage(channel, String(args.thread_ts))) {
        // Slack accepts unknown thread_ts silently for existing channels; keep it lenient
      }
      const ts = nextTs();
      const m: StoredMessage = {
        channel,
        ts,
        text: str(args.text),
        blocks: args.blocks,
        attachments: args.attachments,
        metadata: args.metadata,
        thread_ts: str(args.thread_ts),
        user: botUserId,
        bot_id: botId,
        edits: [],
      };
      const list = messages.get(channel) ?? [];
      list.push(m);
      messages.set(channel, list);
      return { channel, ts, message: messageJson(m) };
    },
    'chat.update': (args) => {
      const channel = resolveChannel(args.channel, { forWrite: true });
      const ts = str(args.ts);
      if (!ts) fail('message_not_found');
      const m = findMessage(channel, ts);
      if (!m) fail('message_not_found');
      if (m.user !== botUserId) fail('cant_update_message');
      if (str(args.text) && String(args.text).length > 40_000) fail('msg_too_long');
      m.edits.push({ text: m.text, blocks: m.blocks, at: Date.now() });
      if (args.text !== undefined) m.text = str(args.text);
      if (args.blocks !== undefined) m.blocks = args.blocks;
      if (args.attachments !== undefined) m.attachments = args.attachments;
      if (args.metadata !== undefined) m.metadata = args.metadata;
      return { channel, ts, text: m.text ?? '', message: messageJson(m) };
    },
    'chat.delete': (args) => {
      const channel = resolveChannel(args.channel);
      const m = findMessage(channel, String(args.ts));
      if (!m) fail('message_not_found');
      m.deleted = true;
      return { channel, ts: m.ts };
    },
    'chat.postEphemeral': (args) => {
      const channel = resolveChannel(args.channel, { forWrite: true });
      if (!str(args.user)) fail('user_not_found');
      if (!str(args.text) && !args.blocks && !args.attachments) fail('no_text');
      const message_ts = nextTs();
      ephemerals.push({
        channel,
        user: String(args.user),
        text: str(args.text),
        blocks: args.blocks,
        thread_ts: str(args.thread_ts),
        message_ts,
      });
      return { message_ts };
    },
    'chat.getPermalink': (args) => {
      const channel = resolveChannel(args.channel);
      const ts = str(args.message_ts);
      if (!ts) fail('message_not_found');
      return { channel, permalink: `https://example.slack.com/archives/${channel}/p${ts.replace('.', '')}` };
    },
    'chat.scheduleMessage': (args) => {
      const channel = resolveChannel(args.channel, { forWrite: true });
      const post_at = Number(args.post_at);
      if (!post_at || post_at < nowSec()) fail('time_in_past');
      fileCounter += 1;
      return {
        channel,
        scheduled_message_id: `Q${1000 + fileCounter}`,
        post_at,
        message: { text: args.text },
      };
    },

    'conversations.create': (args) => {
      const name = str(args.name) ?? '';
      if (!name) fail('invalid_name_required');
      if (name.length > 80) fail('invalid_name_maxlength');
      if (/^[-_]+$/.test(name)) fail('invalid_name_punctuation');
      if (!/^[a-z0-9_-]+$/.test(name)) fail('invalid_name_specials');
      if (takenChannelNames.has(name)) fail('name_taken');
      const ch = addChannel({ name, is_private: args.is_private === 'true' || args.is_private === true });
      return { channel: channelJson(ch) };
    },
    'conversations.invite': (args) => {
      const ch = knownChannel(args.channel);
      if (ch.is_archived) fail('is_archived');
      const ids = String(args.users ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (ids.length === 0) fail('no_user');
      if (ids.length > 1000) fail('too_many_users');
      if (ids.includes(botUserId)) fail('cant_invite_self');
      if (ids.every((id) => ch.members.has(id))) fail('already_in_channel');
      for (const id of ids) ch.members.add(id);
      return { channel: channelJson(ch) };
    },
    'conversations.kick': (args) => {
      const ch = knownChannel(args.channel);
      const user = String(args.user ?? '');
      if (!ch.members.has(user)) fail('not_in_channel');
      ch.members.delete(user);
      return {};
    },
    'conversations.info': (args) => {
      const id = resolveChannel(args.channel);
      if (id.startsWith('D')) return { channel: { id, is_im: true, user: `U${id.slice(1)}` } };
      return { channel: channelJson(knownChannel(id)) };
    },
    'conversations.join': (args) => {
      const ch = knownChannel(args.channel);
      if (ch.is_archived) fail('is_archived');
      if (ch.is_private) fail('method_not_supported_for_channel_type');
      ch.members.add(botUserId);
      return { channel: channelJson(ch) };
    },
    'conversations.archive': (args) => {
      const ch = knownChannel(args.channel);
      if (ch.is_archived) fail('already_archived');
      ch.is_archived = true;
      return {};
    },
    // Bot tokens cannot unarchive channels.
    'conversations.unarchive': () => fail('not_authorized'),
    'conversations.rename': (args) => {
      const ch = knownChannel(args.channel);
      const name = String(args.name ?? '');
      if (!/^[a-z0-9_-]{1,80}$/.test(name)) fail('invalid_name_specials');
      if (takenChannelNames.has(name) && name !== ch.name) fail('name_taken');
      ch.name = name;
      takenChannelNames.add(name);
      return { channel: channelJson(ch) };
    },
    'conversations.setTopic': (args) => {
      const ch = knownChannel(args.channel);
      if (String(args.topic ?? '').length > 250) fail('too_long');
      ch.topic = String(args.topic ?? '');
      return { channel: channelJson(ch) };
    },
    'conversations.setPurpose': (args) => {
      const ch = knownChannel(args.channel);
      if (String(args.purpose ?? '').length > 250) fail('too_long');
      ch.purpose = String(args.purpose ?? '');
      return { channel: channelJson(ch) };
    },
    'conversations.members': (args) => {
      const ch = knownChannel(args.channel);
      if (ch.is_private && !ch.members.has(botUserId)) fail('channel_not_found');
      return { members: [...ch.members], response_metadata: { next_cursor: '' } };
    },
    // The channels a user is in that the bot can see (public ones, and private ones the bot is in).
    'users.conversations': (args) => {
      const user = str(args.user) ?? botUserId;
      const types = String(args.types ?? 'public_channel').split(',');
      const seen = [...channels.values()].filter(
        (c) =>
          c.members.has(user) &&
          !c.is_archived &&
          (c.is_private
            ? types.includes('private_channel') && c.members.has(botUserId)
            : types.includes('public_channel')),
      );
      return { channels: seen.map(channelJson), response_metadata: { next_cursor: '' } };
    },
    'conversations.open': (args) => {
      const users = str(args.users) ?? '';
      if (!/^[UW][A-Z0-9]+$/.test(users)) fail('user_not_found');
      return { channel: { id: `D${users.slice(1)}` } };
    },
    'conversations.history': (args) => {
      const channel = resolveChannel(args.channel);
      const list = (messages.get(channel) ?? [])
        .filter((m) => !m.deleted && (!m.thread_ts || m.thread_ts === m.ts))
        .reverse();
      // pages of `limit` (newest first), the cursor being the offset of the next page
      const limit = Number(args.limit) || list.length || 1;
      const from = Number(args.cursor) || 0;
      const next = from + limit < list.length ? String(from + limit) : '';
      return {
        messages: list.slice(from, from + limit).map(messageJson),
        has_more: next !== '',
        response_metadata: { next_cursor: next },
      };
    },
    'conversations.replies': (args) => {
      const channel = resolveChannel(args.channel);
      const ts = String(args.ts ?? '');
      const list = (messages.get(channel) ?? []).filter(
        (m) => !m.deleted && (m.ts === ts || m.thread_ts === ts),
      );
      if (list.length === 0) fail('thread_not_found');
      return { messages: list.map(messageJson), has_more: false, response_metadata: { next_cursor: '' } };
    },

    'pins.add': (args) => {
      const channel = resolveChannel(args.channel);
      const timestamp = str(args.timestamp);
      if (!timestamp) fail('no_item_specified');
      if (!findMessage(channel, timestamp) && opts.strictChannels) fail('message_not_found');
      if (pins.some((p) => p.channel === channel && p.timestamp === timestamp)) fail('already_pinned');
      pins.push({ channel, timestamp });
      return {};
    },
    'pins.remove': (args) => {
      const channel = resolveChannel(args.channel);
      const i = pins.findIndex((p) => p.channel === channel && p.timestamp === str(args.timestamp));
      if (i < 0) fail('no_pin');
      pins.splice(i, 1);
      return {};
    },
    'reactions.add': (args) => {
      const channel = resolveChannel(args.channel);
      const timestamp = str(args.timestamp);
      const name = str(args.name);
      if (!timestamp || !name) fail('no_item_specified');
      if (reactions.some((r) => r.channel === channel && r.timestamp === timestamp && r.name === name))
        fail('already_reacted');
      reactions.push({ channel, timestamp, name });
      return {};
    },

    'views.open': (args) => {
      requireTrigger(args);
      const v = storeView(args.view, 'open');
      return { view: viewJson(v) };
    },
    'views.push': (args) => {
      requireTrigger(args);
      const last = [...views.values()].filter((v) => v.type === 'modal').pop();
      if (last) {
        let depth = 1;
        let cur: StoredView | undefined = last;
        while (cur?.previous_view_id) {
          depth += 1;
          cur = views.get(cur.previous_view_id);
        }
        if (depth >= 3) fail('push_limit_reached');
      }
      const v = storeView(args.view, 'push', last?.id ?? null);
      return { view: viewJson(v) };
    },
    'views.update': (args) => {
      const id = str(args.view_id);
      const ext = str(args.external_id);
      const v = id ? views.get(id) : [...views.values()].find((x) => x.external_id === ext);
      if (!v) fail('not_found');
      if (args.hash !== undefined && String(args.hash) !== v.hash) fail('hash_conflict');
      if (!args.view || typeof args.view !== 'object') fail('invalid_arguments');
      hashCounter += 1;
      v.view = args.view;
      v.hash = `${nowSec()}.hash${hashCounter}`;
      v.history.push('update');
      return { view: viewJson(v) };
    },
    'views.publish': (args) => {
      if (!str(args.user_id)) fail('invalid_arguments');
      const existing = [...views.values()].find(
        (x) => x.type === 'home' && x.user_id === String(args.user_id),
      );
      if (existing) {
        if (args.hash !== undefined && String(args.hash) !== existing.hash) fail('hash_conflict');
        hashCounter += 1;
        existing.view = args.view;
        existing.hash = `${nowSec()}.hash${hashCounter}`;
        existing.history.push('publish');
        return { view: viewJson(existing) };
      }
      return { view: viewJson(storeView(args.view, 'publish', null, String(args.user_id))) };
    },

    'users.info': (args) => {
      const id = str(args.user);
      if (!id) fail('user_not_found');
      let u = users.get(id);
      if (!u) {
        if (opts.strictUsers || !/^[UWB]/.test(id)) fail('user_not_found');
        u = addUser({ id });
      }
      return { user: userJson(u) };
    },
    'users.lookupByEmail': (args) => {
      const u = [...users.values()].find((x) => x.email === str(args.email));
      if (!u) fail('users_not_found');
      return { user: userJson(u) };
    },
    'users.list': () => ({
      members: [...users.values()].map(userJson),
      response_metadata: { next_cursor: '' },
    }),

    'files.getUploadURLExternal': (args) => {
      const filename = str(args.filename);
      const length = Number(args.length);
      if (!filename || !Number.isFinite(length) || length <= 0) fail('invalid_arguments');
      fileCounter += 1;
      const file_id = `F${String(1000 + fileCounter)}`;
      uploads.set(file_id, { file_id, filename, length, body: Buffer.alloc(0), completed: false });
      return { upload_url: `${origin}/upload/${file_id}`, file_id };
    },
    'files.completeUploadExternal': (args) => {
      const list: Json[] = Array.isArray(args.files) ? args.files : [];
      if (list.length === 0) fail('invalid_arguments');
      const channel = args.channel_id ? resolveChannel(args.channel_id, { forWrite: true }) : undefined;
      const files = list.map((f) => {
        const up = uploads.get(String(f.id));
        if (!up) fail('file_not_found');
        if (up.body.length === 0) fail('file_upload_not_found');
        up.completed = true;
        up.title = f.title;
        up.channel_id = channel;
        up.initial_comment = str(args.initial_comment);
        return {
          id: up.file_id,
          name: up.filename,
          title: f.title ?? up.filename,
          size: up.length,
          permalink: `https://example.slack.com/files/${botUserId}/${up.file_id}/${up.filename}`,
          url_private: `https://files.example.slack.com/files-pri/${teamId}-${up.file_id}/${up.filename}`,
        };
      });
      if (channel) {
        const ts = nextTs();
        const list2 = messages.get(channel) ?? [];
        list2.push({
          channel,
          ts,
          text: str(args.initial_comment) ?? '',
          files,
          thread_ts: str(args.thread_ts),
          user: botUserId,
          bot_id: botId,
          edits: [],
        });
        messages.set(channel, list2);
      }
      return { files };
    },
  };

  function nextFailure(method: string): FailSpec | undefined {
    for (const key of [method, '*']) {
      const q = failQueues.get(key);
      if (q && q.length > 0) {
        const spec = q[0];
        const left = (spec.times ?? 1) - 1;
        if (left <= 0) q.shift();
        else q[0] = { ...spec, times: left };
        return spec;
      }
    }
    if (random && (!random.spec.methods || random.spec.methods.includes(method))) {
      if (random.next() < random.spec.rate) {
        const kinds = random.spec.kinds?.length ? random.spec.kinds : ['429', '500'];
        const kind = kinds[Math.floor(random.next() * kinds.length)];
        if (kind === '429') return { status: 429, retryAfter: 0 };
        if (kind === '500') return { status: 500 };
        return { error: kind };
      }
    }
    return undefined;
  }

  function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL((req.url ?? '/').replace(/\/{2,}/g, '/'), origin);
    const raw = await readBody(req);

    const upload = /^\/upload\/([^/]+)$/.exec(url.pathname);
    if (upload && req.method === 'POST') {
      const up = uploads.get(upload[1]);
      if (!up) {
        res.writeHead(404).end('not found');
        return;
      }
      up.body = raw;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
      return;
    }

    const m = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const method = m[1];
    const args = parseSlackArgs(raw.toString('utf8'), req.headers['content-type']);
    for (const [k, v] of url.searchParams) if (!(k in args)) args[k] = v;
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : str(args.token);
    const call: RecordedCall = {
      method,
      args,
      token,
      at: Date.now(),
      status: 200,
      ok: true,
      response: undefined,
    };
    calls.push(call);

    const respond = (status: number, body: Json, headers: Record<string, string> = {}) => {
      call.status = status;
      call.ok = status === 200 && body?.ok === true;
      if (!call.ok) call.error = status === 200 ? body?.error : `http_${status}`;
      call.response = body;
      send(res, status, body, headers);
      emitter.emit('call', call);
    };

    const failure = nextFailure(method);
    if (failure) {
      if (failure.status === 429) {
        respond(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter ?? 0) });
      } else if (failure.status && failure.status !== 200) {
        respond(failure.status, { ok: false, error: failure.error ?? 'internal_error' });
      } else {
        respond(200, { ok: false, error: failure.error ?? 'internal_error' });
      }
      return;
    }

    if (!token) return respond(200, { ok: false, error: 'not_authed' });
    if (opts.token && token !== opts.token) return respond(200, { ok: false, error: 'invalid_auth' });

    const custom = handlers.get(method);
    const impl = methods[method];
    if (!custom && !impl) return respond(200, { ok: false, error: 'unknown_method', req_method: method });
    try {
      const out = custom ? await custom(args, { token }) : impl(args);
      respond(200, { ok: true, ...out });
    } catch (e) {
      if (e instanceof SlackError) respond(200, { ok: false, error: e.code, ...e.extra });
      else respond(500, { ok: false, error: 'fake_internal_error', detail: String(e) });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  const fake: FakeSlack = {
    url: `${origin}/api/`,
    origin,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    okCallsTo: (method) => calls.filter((c) => c.method === method && c.ok),
    waitForCalls(method, count = 1, timeoutMs = 3000) {
      const matching = () => calls.filter((c) => c.method === method && c.response !== undefined);
      return new Promise((resolve, reject) => {
        if (matching().length >= count) return resolve(matching());
        const onCall = () => {
          if (matching().length >= count) {
            clearTimeout(timer);
            emitter.off('call', onCall);
            resolve(matching());
          }
        };
        const timer = setTimeout(() => {
          emitter.off('call', onCall);
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${count} call(s) to ${method}; got ${matching().length}. ` +
                `Calls so far: ${calls.map((c) => c.method).join(', ') || '(none)'}`,
            ),
          );
        }, timeoutMs);
        emitter.on('call', onCall);
      });
    },
    messagesIn: (channel) => (messages.get(channel) ?? []).filter((m) => !m.deleted),
    message: (channel, ts) => findMessage(channel, ts),
    ephemerals,
    channels,
    channelByName: (name) => [...channels.values()].find((c) => c.name === name),
    pins,
    reactions,
    views,
    uploads,
    users,
    addUser,
    addChannel,
    takenChannelNames,
    failNext(method, spec = {}) {
      const q = failQueues.get(method) ?? [];
      q.push({ ...spec });
      failQueues.set(method, q);
    },
    setRandomFailures(spec) {
      random = spec ? { spec, next: seededRandom(spec.seed) } : null;
    },
    setHandler(method, handler) {
      if (handler) handlers.set(method, handler);
      else handlers.delete(method);
    },
    reset() {
      calls.length = 0;
      channels.clear();
      messages.clear();
      ephemerals.length = 0;
      pins.length = 0;
      reactions.length = 0;
      views.clear();
      uploads.clear();
      users.clear();
      takenChannelNames.clear();
      usedTriggers.clear();
      failQueues.clear();
      handlers.clear();
      random = null;
      tsCounter = 0;
      channelCounter = 0;
      viewCounter = 0;
      fileCounter = 0;
      seed();
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
  return fake;
}
