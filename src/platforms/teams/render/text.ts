// Neutral text (src/domain/text.ts) as Teams shows it, on its two surfaces: an Adaptive Card TextBlock
// (a markdown subset: user text escaped, **bold**, [links](url)) and an activity's `text` (HTML-ish:
// `& < >` escaped, <b>). People are shown by name (Teams mentions need entities the bot never builds from
// user text), commands as `incident <words>` (typed after @mentioning the bot). Times on cards are in each
// reader's own zone (render/time.ts); activity text and plain text cannot format them, so they say UTC.
import { BOT_ID, renderText, type Text, type TextRenderer } from '../../../domain/text.js';
import { activityText, cardText, neutraliseMentions, truncate, utcStamp } from './escape.js';
import { cardTime, cutKeepingFunctions, type TimeStyle } from './time.js';

export type NameOf = (id: string | null | undefined) => string | undefined;

const ABSOLUTE = /^https?:\/\/[^\s<>()]+$/i;

function renderer(
  nameOf: NameOf,
  esc: (s: string) => string,
  bold: (s: string) => string,
  linkOf: (t: string, u: string) => string,
  timeOf: (iso: string) => string = (iso) => esc(utcStamp(iso)),
): TextRenderer {
  return {
    text: esc,
    mention: (u) => esc(u === BOT_ID ? 'the incident bot' : u ? (nameOf(u) ?? 'someone') : 'nobody'),
    command: (w) => esc(`\`incident ${w}\``),
    time: timeOf,
    strong: (s) => (s.trim() ? bold(esc(s)) : esc(s)),
    code: (s) => esc(s),
    link: (title, url) => (ABSOLUTE.test(url) ? linkOf(title, url) : esc(`${title} (${url})`)),
    room: () => esc('the incident thread'),
  };
}

const cardEscape = (s: string) => cardText(s, Number.MAX_SAFE_INTEGER);
const htmlEscape = (s: string) => activityText(s, Number.MAX_SAFE_INTEGER);

/**
 * Text for an Adaptive Card TextBlock, visibly cut to `max`. Times are date functions (local time on the
 * reader's device; `audit` adds UTC): put the result in a TextBlock's text only.
 */
export function cardOf(t: Text, nameOf: NameOf, max = 2000, times: TimeStyle = 'local'): string {
  const r = renderer(
    nameOf,
    cardEscape,
    (s) => `**${s}**`,
    (title, url) => `[${cardEscape(title)}](${url})`,
    (iso) => cardTime(iso, times),
  );
  return cutKeepingFunctions(renderText(t, r), max, truncate);
}

/** Text for an activity's `text` (HTML-ish), visibly cut to `max`. */
export function activityOf(t: Text, nameOf: NameOf, max = 3000): string {
  const r = renderer(
    nameOf,
    htmlEscape,
    (s) => `<b>${s}</b>`,
    (title, url) => `<a href="${htmlEscape(url)}">${htmlEscape(title)}</a>`,
  );
  return truncate(renderText(t, r), max);
}

/** Plain text (a dialog's closing message, an input's error): names, no markup; never an `<at>`. */
export function plainOf(t: Text, nameOf: NameOf, max = 1000): string {
  const r = renderer(
    nameOf,
    neutraliseMentions,
    (s) => s,
    (title, url) => `${neutraliseMentions(title)} (${url})`,
  );
  return truncate(renderText(t, r), max);
}
