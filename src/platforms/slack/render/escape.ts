// Escaping and visible truncation for Slack mrkdwn. User text goes through `escapeMrkdwn` before it is
// put into any text object or `text` fallback, so `<!channel>` or `<@U123>` typed by a user never pings.

/** Slack's three control characters, and nothing else. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const TRUNCATED = '…(truncated)';

/**
 * Cuts `s` to at most `max` characters, ending with a visible marker. Never cuts inside an entity
 * (`&amp;`), a token the bot wrote (`<@U1>`, `<!date^...>`, `<url|title>`) or a surrogate pair.
 */
export function truncate(s: string, max: number, marker: string = TRUNCATED): string {
  if (s.length <= max) return s;
  if (max <= marker.length) return marker.slice(0, Math.max(0, max));
  let cut = s.slice(0, max - marker.length);
  // a half surrogate pair
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  // a half entity: '&' with no ';' after it
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && amp >= cut.length - 6 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  // a half token: '<' with no '>' after it
  const lt = cut.lastIndexOf('<');
  if (lt >= 0 && !cut.slice(lt).includes('>')) cut = cut.slice(0, lt);
  return cut + marker;
}

/** Escapes then truncates: the common case for user text. */
export function userText(s: string, max: number): string {
  return truncate(escapeMrkdwn(s), max);
}

/** A mention of a user id (ids only, never names): `<@U123>`. Anything that is not an id is escaped. */
export function mention(userId: string | null | undefined): string {
  if (!userId) return '_nobody_';
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** A channel link `<#C123>`. */
export function channelLink(channelId: string): string {
  return /^[CGD][A-Z0-9]+$/.test(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}

/** A link: absolute http(s) URLs as `<url|title>`; relative paths (the handbook's) as `title (path)`. */
export function link(title: string, url: string): string {
  const t = escapeMrkdwn(title).replace(/\|/g, '¦');
  if (/^https?:\/\/[^\s<>|]+$/i.test(url)) return `<${url}|${t}>`;
  return `${t} (\`${escapeMrkdwn(url)}\`)`;
}
