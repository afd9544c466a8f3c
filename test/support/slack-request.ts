/**
 * Drive a Bolt HTTP endpoint the way Slack does: signed requests built from real payload shapes
 * (../shared/fixtures/slack/*.json, falling back to test/fixtures/slack/), plus a loopback catcher for
 * `response_url` posts (Bolt's `respond()`).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are free-form JSON
type Json = any;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type SlackFixtureName =
  | 'slash_command'
  | 'block_actions'
  | 'view_submission'
  | 'message_action'
  | 'shortcut_global'
  | 'event_app_mention';

/** Where fixture files are looked up, first hit wins. */
export function slackFixtureDirs(): string[] {
  return [join(REPO_ROOT, '..', 'shared', 'fixtures', 'slack'), join(REPO_ROOT, 'test', 'fixtures', 'slack')];
}

/** A deep copy of the `payload` of a Slack fixture. */
export function loadSlackFixture(name: SlackFixtureName): Json {
  for (const dir of slackFixtureDirs()) {
    const file = join(dir, `${name}.json`);
    if (existsSync(file)) return structuredClone(JSON.parse(readFileSync(file, 'utf8')).payload);
  }
  throw new Error(`Slack fixture ${name}.json not found in ${slackFixtureDirs().join(' or ')}`);
}

/** Headers Slack sends to prove a request: `v0=` + hex HMAC-SHA256(secret, `v0:{ts}:{raw body}`). */
export function signSlack(
  secret: string,
  body: string,
  ts: number = Math.floor(Date.now() / 1000),
): { 'x-slack-signature': string; 'x-slack-request-timestamp': string } {
  const sig = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${sig}`, 'x-slack-request-timestamp': String(ts) };
}

export interface SlackResponse {
  status: number;
  /** Parsed JSON when the body is JSON, else the raw text ('' for a bare ack). */
  body: Json;
  text: string;
  headers: Headers;
}

export interface SendOptions {
  retryNum?: number;
  retryReason?: string;
  /** Override the signing timestamp (seconds), e.g. to test stale requests. */
  timestamp?: number;
  /** Sign with this secret instead (e.g. a wrong one). */
  signingSecret?: string;
  /** Send without signature headers. */
  unsigned?: boolean;
  headers?: Record<string, string>;
}

export interface SlashOptions extends SendOptions {
  userId: string;
  channelId: string;
  userName?: string;
  channelName?: string;
  command?: string;
  triggerId?: string;
  responseUrl?: string;
}

export interface BlockActionOptions extends SendOptions {
  actionId: string;
  blockId?: string;
  userId: string;
  /** Message container (default) needs a channel; pass `view` for an action inside a modal. */
  channelId?: string;
  messageTs?: string;
  /** Current message (blocks/text) as Slack includes it for message containers. */
  message?: Json;
  view?: Json;
  /** Element type (default button). */
  type?: string;
  value?: string;
  text?: string;
  selectedOption?: { value: string; text?: string };
  selectedUser?: string;
  selectedOptions?: { value: string; text?: string }[];
  /** Extra fields merged into the action object. */
  action?: Json;
  triggerId?: string;
  responseUrl?: string;
  isEphemeral?: boolean;
}

export interface ViewSubmissionOptions extends SendOptions {
  callbackId: string;
  userId: string;
  /** `view.state.values`: `{ [blockId]: { [actionId]: { type, value | selected_option | ... } } }`. */
  values?: Record<string, Record<string, Json>>;
  privateMetadata?: string;
  viewId?: string;
  hash?: string;
  blocks?: Json[];
  title?: string;
  externalId?: string;
  triggerId?: string;
  /** `response_urls` (when the modal has response_url_enabled inputs). */
  responseUrls?: { block_id: string; action_id: string; channel_id: string; response_url: string }[];
  /** Send `view_closed` instead. */
  closed?: boolean;
}

export interface MessageShortcutOptions extends SendOptions {
  callbackId: string;
  userId: string;
  channelId: string;
  messageTs?: string;
  messageText?: string;
  messageUser?: string;
  triggerId?: string;
  responseUrl?: string;
}

export interface GlobalShortcutOptions extends SendOptions {
  callbackId: string;
  userId: string;
  triggerId?: string;
}

export interface EventOptions extends SendOptions {
  eventId?: string;
  eventTime?: number;
}

/** Helpers for `view.state.values` entries. */
export const stateValue = {
  plainText: (value: string | null) => ({ type: 'plain_text_input', value }),
  staticSelect: (value: string | null, text = value ?? '') => ({
    type: 'static_select',
    selected_option: value === null ? null : { text: { type: 'plain_text', text, emoji: true }, value },
  }),
  usersSelect: (userId: string | null) => ({ type: 'users_select', selected_user: userId }),
  multiUsersSelect: (userIds: string[]) => ({ type: 'multi_users_select', selected_users: userIds }),
  conversationsSelect: (channelId: string | null) => ({
    type: 'conversations_select',
    selected_conversation: channelId,
  }),
  checkboxes: (values: string[]) => ({
    type: 'checkboxes',
    selected_options: values.map((v) => ({ text: { type: 'plain_text', text: v }, value: v })),
  }),
  radio: (value: string | null) => ({
    type: 'radio_buttons',
    selected_option: value === null ? null : { text: { type: 'plain_text', text: value }, value },
  }),
  datepicker: (date: string | null) => ({ type: 'datepicker', selected_date: date }),
};

/** Where a response_url points when none is given: a closed loopback port, never the internet. */
export const UNSET_RESPONSE_URL = 'http://127.0.0.1:9/response-url-not-set';

export interface SlackClientSimOptions {
  /** Full URL of the Bolt endpoint, e.g. http://127.0.0.1:PORT/slack/events */
  url: string;
  signingSecret: string;
  teamId?: string;
  teamDomain?: string;
  enterpriseId?: string;
  apiAppId?: string;
  /** Default response_url for requests that carry one (e.g. `catcher.url`). */
  responseUrl?: string;
}

export class SlackClientSim {
  readonly url: string;
  readonly signingSecret: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly enterpriseId: string | undefined;
  readonly apiAppId: string;
  responseUrl: string;
  private counter = 0;

  constructor(opts: SlackClientSimOptions) {
    this.url = opts.url;
    this.signingSecret = opts.signingSecret;
    this.teamId = opts.teamId ?? 'T111';
    this.teamDomain = opts.teamDomain ?? 'workspace-domain';
    this.enterpriseId = opts.enterpriseId;
    this.apiAppId = opts.apiAppId ?? 'A111';
    this.responseUrl = opts.responseUrl ?? UNSET_RESPONSE_URL;
  }

  /** A fresh, unique trigger id like Slack's (`12345.98765.abcdef`). */
  nextTriggerId(): string {
    this.counter += 1;
    return `${1_000_000 + this.counter}.${this.counter}.${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  }

  /** An action/event timestamp that increases per call. */
  private nextActionTs(): string {
    this.counter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.counter).padStart(6, '0')}`;
  }

  private team(): Json {
    const team: Json = { id: this.teamId, domain: this.teamDomain };
    if (this.enterpriseId) {
      team.enterprise_id = this.enterpriseId;
      team.enterprise_name = 'Enterprise';
    }
    return team;
  }

  /** Send a raw body with Slack's signature headers. */
  async send(body: string, contentType: string, opts: SendOptions = {}): Promise<SlackResponse> {
    const headers: Record<string, string> = { 'content-type': contentType, ...(opts.headers ?? {}) };
    if (!opts.unsigned)
      Object.assign(headers, signSlack(opts.signingSecret ?? this.signingSecret, body, opts.timestamp));
    if (opts.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
    }
    const res = await fetch(this.url, { method: 'POST', headers, body });
    const text = await res.text();
    let parsed: Json = text;
    if (text && (res.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    } else if (text.startsWith('{') || text.startsWith('[')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  /** Send an interactivity payload as form `payload=<json>`. */
  sendPayload(payload: Json, opts: SendOptions = {}): Promise<SlackResponse> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.send(body, 'application/x-www-form-urlencoded', opts);
  }

  /** Build (without sending) a slash command form. */
  slashForm(text: string, o: SlashOptions): Record<string, string> {
    const p = loadSlackFixture('slash_command');
    const form: Record<string, string> = {
      ...p,
      team_id: this.teamId,
      team_domain: this.teamDomain,
      channel_id: o.channelId,
      channel_name: o.channelName ?? 'incidents',
      user_id: o.userId,
      user_name: o.userName ?? `user-${o.userId.toLowerCase()}`,
      command: o.command ?? '/incident',
      text,
      api_app_id: this.apiAppId,
      is_enterprise_install: 'false',
      response_url: o.responseUrl ?? this.responseUrl,
      trigger_id: o.triggerId ?? this.nextTriggerId(),
    };
    if (this.enterpriseId) form.enterprise_id = this.enterpriseId;
    else {
      delete form.enterprise_id;
      delete form.enterprise_name;
    }
    return form;
  }

  slash(text: string, o: SlashOptions): Promise<SlackResponse> {
    const body = new URLSearchParams(this.slashForm(text, o)).toString();
    return this.send(body, 'application/x-www-form-urlencoded', o);
  }

  blockActionPayload(o: BlockActionOptions): Json {
    const p = loadSlackFixture('block_actions');
    const type = o.type ?? 'button';
    const action: Json = {
      action_id: o.actionId,
      block_id: o.blockId ?? 'b',
      type,
      action_ts: this.nextActionTs(),
    };
    if (type === 'button') {
      action.text = { type: 'plain_text', text: o.text ?? 'Button', emoji: true };
      if (o.value !== undefined) action.value = o.value;
    }
    if (o.selectedOption)
      action.selected_option = {
        text: { type: 'plain_text', text: o.selectedOption.text ?? o.selectedOption.value, emoji: true },
        value: o.selectedOption.value,
      };
    if (o.selectedOptions)
      action.selected_options = o.selectedOptions.map((s) => ({
        text: { type: 'plain_text', text: s.text ?? s.value, emoji: true },
        value: s.value,
      }));
    if (o.selectedUser !== undefined) {
      action.selected_user = o.selectedUser;
      action.initial_user = o.selectedUser;
    }
    Object.assign(action, o.action ?? {});
    p.user = {
      id: o.userId,
      username: `user-${o.userId.toLowerCase()}`,
      name: `user-${o.userId.toLowerCase()}`,
      team_id: this.teamId,
    };
    p.team = this.team();
    p.api_app_id = this.apiAppId;
    p.trigger_id = o.triggerId ?? this.nextTriggerId();
    p.actions = [action];
    p.response_url = o.responseUrl ?? this.responseUrl;
    if (o.view) {
      p.container = { type: 'view', view_id: o.view.id ?? 'V111' };
      p.view = o.view;
      delete p.channel;
      delete p.response_url;
    } else {
      const channelId = o.channelId ?? 'C111';
      const messageTs = o.messageTs ?? o.message?.ts ?? '111.222';
      p.container = {
        type: 'message',
        message_ts: messageTs,
        channel_id: channelId,
        is_ephemeral: o.isEphemeral ?? false,
      };
      p.channel = { id: channelId, name: 'incident' };
      if (!o.isEphemeral) {
        p.message = {
          type: 'message',
          user: 'U0BOT',
          ts: messageTs,
          text: 'message',
          ...(o.message ?? {}),
        };
      }
    }
    return p;
  }

  blockAction(o: BlockActionOptions): Promise<SlackResponse> {
    return this.sendPayload(this.blockActionPayload(o), o);
  }

  viewSubmissionPayload(o: ViewSubmissionOptions): Json {
    const p = loadSlackFixture('view_submission');
    p.type = o.closed ? 'view_closed' : 'view_submission';
    p.team = this.team();
    p.user = {
      id: o.userId,
      username: `user-${o.userId.toLowerCase()}`,
      name: `user-${o.userId.toLowerCase()}`,
      team_id: this.teamId,
    };
    p.api_app_id = this.apiAppId;
    p.trigger_id = o.triggerId ?? this.nextTriggerId();
    const v = p.view;
    v.id = o.viewId ?? v.id;
    v.root_view_id = v.id;
    v.team_id = this.teamId;
    v.callback_id = o.callbackId;
    v.private_metadata = o.privateMetadata ?? '';
    v.external_id = o.externalId ?? '';
    v.hash = o.hash ?? v.hash;
    v.app_installed_team_id = this.teamId;
    v.app_id = this.apiAppId;
    if (o.title) v.title = { type: 'plain_text', text: o.title };
    if (o.blocks) v.blocks = o.blocks;
    v.state = { values: o.values ?? {} };
    p.response_urls = o.responseUrls ?? [];
    if (o.closed) {
      p.is_cleared = false;
      delete p.trigger_id;
      delete p.response_urls;
    }
    return p;
  }

  viewSubmission(o: ViewSubmissionOptions): Promise<SlackResponse> {
    return this.sendPayload(this.viewSubmissionPayload(o), o);
  }

  viewClosed(o: Omit<ViewSubmissionOptions, 'closed'>): Promise<SlackResponse> {
    return this.sendPayload(this.viewSubmissionPayload({ ...o, closed: true }), o);
  }

  messageShortcutPayload(o: MessageShortcutOptions): Json {
    const p = loadSlackFixture('message_action');
    const ts = o.messageTs ?? p.message_ts;
    p.action_ts = this.nextActionTs();
    p.team = this.team();
    p.user = { id: o.userId, name: `user-${o.userId.toLowerCase()}` };
    p.channel = { id: o.channelId, name: 'general' };
    p.callback_id = o.callbackId;
    p.trigger_id = o.triggerId ?? this.nextTriggerId();
    p.message_ts = ts;
    p.message.ts = ts;
    p.message.team = this.teamId;
    if (o.messageUser) p.message.user = o.messageUser;
    if (o.messageText !== undefined) {
      p.message.text = o.messageText;
      p.message.blocks = [
        {
          type: 'rich_text',
          block_id: 'fx01',
          elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: o.messageText }] }],
        },
      ];
    }
    p.response_url = o.responseUrl ?? this.responseUrl;
    return p;
  }

  messageShortcut(o: MessageShortcutOptions): Promise<SlackResponse> {
    return this.sendPayload(this.messageShortcutPayload(o), o);
  }

  globalShortcutPayload(o: GlobalShortcutOptions): Json {
    const p = loadSlackFixture('shortcut_global');
    p.action_ts = this.nextActionTs();
    p.team = this.team();
    p.user = { id: o.userId, username: `user-${o.userId.toLowerCase()}`, team_id: this.teamId };
    p.callback_id = o.callbackId;
    p.trigger_id = o.triggerId ?? this.nextTriggerId();
    return p;
  }

  globalShortcut(o: GlobalShortcutOptions): Promise<SlackResponse> {
    return this.sendPayload(this.globalShortcutPayload(o), o);
  }

  /**
   * Events API envelope around an inner event (e.g. `{ type: 'app_mention', text, user, channel }`).
   * A body whose `type` is `event_callback` is taken as the whole envelope.
   */
  eventEnvelope(event: Json, o: EventOptions = {}): Json {
    if (event?.type === 'event_callback') return event;
    const p = loadSlackFixture('event_app_mention');
    const ts = event.ts ?? event.event_ts ?? this.nextActionTs();
    p.team_id = this.teamId;
    if (this.enterpriseId) p.enterprise_id = this.enterpriseId;
    else delete p.enterprise_id;
    p.api_app_id = this.apiAppId;
    p.event = { team: this.teamId, ts, event_ts: ts, ...event };
    if (p.event.type !== 'app_mention' || event.client_msg_id === undefined) delete p.event.client_msg_id;
    p.event_id = o.eventId ?? `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    p.event_time = o.eventTime ?? Math.floor(Number(ts));
    delete p.authed_users;
    p.authorizations = [
      {
        enterprise_id: this.enterpriseId ?? null,
        team_id: this.teamId,
        user_id: 'U0BOT',
        is_bot: true,
        is_enterprise_install: false,
      },
    ];
    p.is_ext_shared_channel = false;
    p.event_context = `4-${randomUUID()}`;
    return p;
  }

  event(event: Json, o: EventOptions = {}): Promise<SlackResponse> {
    return this.send(JSON.stringify(this.eventEnvelope(event, o)), 'application/json', o);
  }

  /** `app_mention` event: `text` should include the bot mention, e.g. `<@U0BOT> incident declare`. */
  appMention(
    text: string,
    o: EventOptions & { userId: string; channelId: string; threadTs?: string },
  ): Promise<SlackResponse> {
    return this.event(
      { type: 'app_mention', text, user: o.userId, channel: o.channelId, thread_ts: o.threadTs },
      o,
    );
  }

  urlVerification(challenge = 'challenge-token'): Promise<SlackResponse> {
    return this.send(
      JSON.stringify({ token: 'verification_token', challenge, type: 'url_verification' }),
      'application/json',
    );
  }
}

export interface CaughtPost {
  /** Path of the response_url that was posted to (e.g. `/r/3`). */
  path: string;
  /** JSON body Bolt's respond() sent (`text`, `blocks`, `response_type`, `replace_original`, ...). */
  body: Json;
  raw: string;
  at: number;
}

export interface ResponseUrlCatcher {
  /** A default response_url on the catcher (`{origin}/r/default`). */
  url: string;
  origin: string;
  /** A fresh response_url, so one request's replies can be told apart: `{origin}/r/{id}`. */
  urlFor(id?: string): string;
  posts: CaughtPost[];
  postsTo(url: string): CaughtPost[];
  waitForPosts(count?: number, timeoutMs?: number, url?: string): Promise<CaughtPost[]>;
  /** Make the next posts answer with this status (Slack answers 404 `expired_url` after 30 min / 5 uses). */
  failNext(status: number, body?: string): void;
  reset(): void;
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Loopback server that records what the bot posts to `response_url`. */
export async function startResponseUrlCatcher(): Promise<ResponseUrlCatcher> {
  const posts: CaughtPost[] = [];
  const failures: { status: number; body: string }[] = [];
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let n = 0;
  const server: Server = createServer((req, res) => {
    readAll(req)
      .then((raw) => {
        let body: Json = raw;
        try {
          body = JSON.parse(raw);
        } catch {
          if ((req.headers['content-type'] ?? '').includes('form'))
            body = Object.fromEntries(new URLSearchParams(raw));
        }
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        posts.push({ path, body, raw, at: Date.now() });
        emitter.emit('post');
        const f = failures.shift();
        if (f) res.writeHead(f.status, { 'content-type': 'text/plain' }).end(f.body);
        else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      })
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pathOf = (url: string) => new URL(url).pathname;
  return {
    url: `${origin}/r/default`,
    origin,
    urlFor(id) {
      n += 1;
      return `${origin}/r/${id ?? String(n)}`;
    },
    posts,
    postsTo: (url) => posts.filter((p) => p.path === pathOf(url)),
    waitForPosts(count = 1, timeoutMs = 3000, url) {
      const matching = () => (url ? posts.filter((p) => p.path === pathOf(url)) : posts);
      return new Promise((ok, ko) => {
        if (matching().length >= count) return ok([...matching()]);
        const on = () => {
          if (matching().length >= count) {
            clearTimeout(timer);
            emitter.off('post', on);
            ok([...matching()]);
          }
        };
        const timer = setTimeout(() => {
          emitter.off('post', on);
          ko(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${count} response_url post(s); got ${matching().length}`,
            ),
          );
        }, timeoutMs);
        emitter.on('post', on);
      });
    },
    failNext(status, body = 'expired_url') {
      failures.push({ status, body });
    },
    reset() {
      posts.length = 0;
      failures.length = 0;
    },
    close() {
      return new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      });
    },
  };
}

/** A free loopback port (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}
