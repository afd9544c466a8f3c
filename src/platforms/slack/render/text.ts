// Neutral text (src/domain/text.ts) as Slack writes it: mrkdwn for messages (`<@U1>`, `/incident …` in
// code, date tokens each reader sees in their own zone), and plain text where Slack shows no markup
// (modal field errors, option labels): names for mentions, UTC for times.
import { BOT_ID, renderText, type Text, type TextRenderer } from '../../../domain/text.js';
import { SLASH_COMMAND } from '../ids.js';
import { channelLink, escapeMrkdwn, link, mention } from './escape.js';
import { slackDate, utcStamp } from './time.js';

const MRKDWN: TextRenderer = {
  text: escapeMrkdwn,
  mention: (u) => (u === BOT_ID ? 'the incident bot' : u ? mention(u) : '_nobody_'),
  command: (w) => `\`${escapeMrkdwn(`${SLASH_COMMAND} ${w}`)}\``,
  time: (iso) => slackDate(iso),
  strong: (s) => (s.trim() ? `*${escapeMrkdwn(s)}*` : escapeMrkdwn(s)),
  code: (s) => `\`${escapeMrkdwn(s)}\``,
  link: (title, url) => link(title, url),
  room: (id) => channelLink(id),
};

/** Text as Slack mrkdwn. */
export function mrkdwnOf(t: Text): string {
  return renderText(t, MRKDWN);
}

/** Text as plain text (no markup): people by name where known, times in UTC. */
export function plainOf(t: Text, nameOf: (id: string) => string | undefined = () => undefined): string {
  return renderText(t, {
    text: (s) => s,
    mention: (u) => (u === BOT_ID ? 'the incident bot' : `@${nameOf(u) ?? u}`),
    command: (w) => `\`${SLASH_COMMAND} ${w}\``,
    time: (iso) => (Number.isNaN(Date.parse(iso)) ? iso : utcStamp(iso)),
    strong: (s) => s,
    code: (s) => s,
    link: (title, url) => (title && title !== url ? `${title} (${url})` : url),
    room: (id) => `#${id}`,
  });
}

/** Text for a header block (plain_text, escaped like every text Slack shows). */
export function headerOf(t: Text): string {
  return escapeMrkdwn(plainOf(t));
}
