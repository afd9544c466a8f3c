/**
 * Escaping user text for Teams. Two surfaces:
 * - Adaptive Card TextBlocks render a markdown subset (bold, italic, links, lists, headings): user text is
 *   backslash-escaped so `**x**` or `[x](https://evil)` stay literal, and `<at>` is neutralised (cards only
 *   mention people through `msteams.entities`, which the bot never builds from user text).
 * - Activity `text` is HTML-ish (Teams renders <b>, and <at> with a mention entity): `& < >` are escaped.
 */

export const TRUNCATED = '…(truncated)';

export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, Math.max(0, max - TRUNCATED.length));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  // never leave a dangling escape backslash
  if (/(^|[^\\])(\\\\)*\\$/.test(cut)) cut = cut.slice(0, -1);
  return cut + TRUNCATED;
}

/** Neutralises `<at>…</at>` (any case, any spacing) by swapping the angle brackets for look-alikes. */
export function neutraliseMentions(s: string): string {
  return s.replace(/<\s*(\/?)\s*at\b([^>]*)>/gi, '‹$1at$2›');
}

/** User text for an Adaptive Card TextBlock (markdown subset), truncated visibly to `max`. */
export function cardText(s: string, max = 2000): string {
  const escaped = neutraliseMentions(s)
    .replace(/[\\`*_~[\]()#>|{}!]/g, '\\$&')
    .replace(/^(\s*)([-+]|\d+\.)(\s)/gm, '$1\\$2$3');
  return truncate(escaped, max);
}

/** User text for an activity's `text` (rendered as HTML-ish by Teams). */
export function activityText(s: string, max = 3000): string {
  const escaped = neutraliseMentions(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return truncate(escaped, max);
}

/** "2026-11-26 10:15 UTC" */
export function utcStamp(iso: string | null | undefined): string {
  if (!iso) return 'not yet';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const s = d.toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)} UTC`;
}
