// Times on Teams cards, in each reader's own zone: the Adaptive Card text functions
// `{{DATE(2026-11-30T10:00:00Z, SHORT)}} {{TIME(2026-11-30T10:00:00Z)}}`, which the Teams client formats on
// the reader's device. Documented rules (Adaptive Cards "Text features", Date/Time formatting and
// localization): upper case, no spaces inside the braces or parentheses, a strict RFC 3339 instant, and
// only inside a TextBlock's text (not activity text, a dialog's closing message, a fact or an input). A time
// the function cannot take is shown in UTC instead, never as a broken function.
//
// Where the exact instant is the record (the incident timeline, compared with logs and other tools), the
// UTC stamp follows the local one ('audit').
import { cardText, TRUNCATED, utcStamp } from './escape.js';

export type TimeStyle = 'local' | 'audit';

/** `2026-11-30T10:00:00Z` (seconds, no fraction, Z), or null for a missing or malformed instant. */
export function rfc3339(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return null;
  const d = new Date(t);
  const y = d.getUTCFullYear();
  if (y < 1 || y > 9999) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A time for a card's TextBlock: local date and time on the reader's device; UTC too for `audit`. */
export function cardTime(iso: string | null | undefined, style: TimeStyle = 'local'): string {
  const at = rfc3339(iso);
  if (!at) return cardText(utcStamp(iso), Number.MAX_SAFE_INTEGER); // a malformed one, shown as it came
  const local = `{{DATE(${at}, SHORT)}} {{TIME(${at})}}`;
  return style === 'audit' ? `${local} (${utcStamp(at)})` : local;
}

const PARTIAL_FUNCTION = /\{\{(?:(?!\}\}).)*$/s;

/**
 * Card text cut to `max` by `cut` must not end inside a date function (it would show as raw text): a
 * function the cut broke is dropped. User text never holds `{{` (braces are escaped), so any is ours.
 */
export function cutKeepingFunctions(s: string, max: number, cut: (s: string, max: number) => string): string {
  const out = cut(s, max);
  if (out === s || !out.endsWith(TRUNCATED)) return out;
  const body = out.slice(0, -TRUNCATED.length);
  return PARTIAL_FUNCTION.test(body) ? body.replace(PARTIAL_FUNCTION, '') + TRUNCATED : out;
}
