// Text the bot writes for people is platform-neutral: words with tokens that each platform renders its own
// way (a mention, a command, a time, emphasis, a link, a room). A token is STX, a kind character, its
// payload, ETX; user-provided strings go in through `userText()`, which drops those control characters, so
// typed text never becomes a token. See docs/architecture.md ("Text and tokens").

/** The bot's own user id in the record (what it does on its own: a room created, an item ticked). */
export const BOT_ID = 'incident-bot';

/** Platform-neutral text: plain words and tokens. */
export type Text = string;

const OPEN = '\u0002';
const CLOSE = '\u0003';
const SEP = '\u001f';
const MARKERS = /[\u0002\u0003\u001f]/g;

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'mention'; user: string }
  | { kind: 'command'; words: string }
  | { kind: 'time'; iso: string }
  | { kind: 'strong'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'link'; title: string; url: string }
  | { kind: 'room'; id: string };

const KIND: Record<string, Exclude<Segment['kind'], 'text'>> = {
  '@': 'mention',
  '/': 'command',
  t: 'time',
  '*': 'strong',
  '`': 'code',
  l: 'link',
  '#': 'room',
};

/** A string from outside (a person, a platform, the playbook) with the token markers removed. */
export function userText(s: string): string {
  return s.replace(MARKERS, '');
}

const token = (kind: string, payload: string) => `${OPEN}${kind}${payload}${CLOSE}`;

/** A mention of a person by their platform user id. */
export const mention = (user: string): Text => token('@', userText(user));
/** An incident command by its words after the command name: `command('role commander @you')`. */
export const command = (words: string): Text => token('/', userText(words));
/** An instant (ISO-8601 UTC), shown in each reader's own zone where the platform can. */
export const time = (iso: string): Text => token('t', userText(iso));
/** Emphasis. */
export const strong = (s: string): Text => token('*', userText(s));
/** An identifier shown as code (a follow-up id, a file format). */
export const code = (s: string): Text => token('`', userText(s));
/** A link with its title. */
export const link = (title: string, url: string): Text =>
  token('l', `${userText(url)}${SEP}${userText(title)}`);
/** A platform room (channel, conversation) by id. */
export const room = (id: string): Text => token('#', userText(id));

/** The text split into plain runs and tokens. */
export function segments(t: Text): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  while (at < t.length) {
    const open = t.indexOf(OPEN, at);
    const close = open < 0 ? -1 : t.indexOf(CLOSE, open);
    if (open < 0 || close < 0) {
      out.push({ kind: 'text', text: t.slice(at).replace(MARKERS, '') });
      break;
    }
    if (open > at) out.push({ kind: 'text', text: t.slice(at, open) });
    const kind = KIND[t[open + 1] ?? ''];
    const payload = t.slice(open + 2, close);
    if (kind === 'link') {
      const [url, title] = payload.split(SEP);
      out.push({ kind, url: url ?? '', title: title ?? url ?? '' });
    } else if (kind === 'mention') out.push({ kind, user: payload });
    else if (kind === 'command') out.push({ kind, words: payload });
    else if (kind === 'time') out.push({ kind, iso: payload });
    else if (kind === 'room') out.push({ kind, id: payload });
    else if (kind === 'strong' || kind === 'code') out.push({ kind, text: payload });
    else out.push({ kind: 'text', text: payload });
    at = close + 1;
  }
  return out.filter((s) => s.kind !== 'text' || s.text !== '');
}

/** How one platform (or surface) writes each kind of segment. */
export interface TextRenderer {
  text(s: string): string;
  mention(user: string): string;
  command(words: string): string;
  time(iso: string): string;
  strong(s: string): string;
  code(s: string): string;
  link(title: string, url: string): string;
  room(id: string): string;
}

function renderSegment(s: Segment, r: TextRenderer): string {
  switch (s.kind) {
    case 'text':
      return r.text(s.text);
    case 'mention':
      return r.mention(s.user);
    case 'command':
      return r.command(s.words);
    case 'time':
      return r.time(s.iso);
    case 'strong':
      return r.strong(s.text);
    case 'code':
      return r.code(s.text);
    case 'link':
      return r.link(s.title, s.url);
    case 'room':
      return r.room(s.id);
  }
}

export function renderText(t: Text, r: TextRenderer): string {
  return segments(t)
    .map((s) => renderSegment(s, r))
    .join('');
}

/** Plain text for logs, files and tests: `@U1`, `incident close` in backticks, ISO times. */
export const PLAIN: TextRenderer = {
  text: (s) => s,
  mention: (u) => (u === BOT_ID ? 'the incident bot' : `@${u}`),
  command: (w) => `\`incident ${w}\``,
  time: (iso) => `${iso.slice(0, 16).replace('T', ' ')} UTC`,
  strong: (s) => s,
  code: (s) => s,
  link: (title, url) => (title && title !== url ? `${title} (${url})` : url),
  room: (id) => `#${id}`,
};

export const plainText = (t: Text): string => renderText(t, PLAIN);

/**
 * The C0 control characters no text needs: all but tab, newline, carriage return and the token markers above
 * (user-typed markers are userText()'s to drop). NUL above all: PostgreSQL's text cannot hold it, and a JSON
 * state holding its escape cannot be read as jsonb.
 */
const CONTROLS = /[\u0000\u0001\u0004-\u0008\u000B\u000C\u000E-\u001E]/g;

/** `s` without those control characters (nothing else changes, no trimming). */
export function withoutControls(s: string): string {
  return s.replace(CONTROLS, '');
}

/**
 * Every string of a JSON-like value (a command, its actor, a parsed webhook body), object keys too, without
 * those control characters: user text is cleaned once where it enters, whichever platform it came from, so a
 * command stores the same bytes on SQLite and PostgreSQL. Values other than plain objects and arrays are kept.
 */
export function withoutControlsDeep<T>(v: T): T {
  if (typeof v === 'string') return withoutControls(v) as T;
  if (Array.isArray(v)) return v.map(withoutControlsDeep) as T;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[withoutControls(k)] = withoutControlsDeep(x);
    return out as T;
  }
  return v;
}
