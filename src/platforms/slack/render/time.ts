// Slack date tokens: each reader sees the time in their own zone; the fallback is UTC.

export type DateInput = Date | string | number;

function toDate(d: DateInput): Date {
  return d instanceof Date ? d : new Date(d);
}

/** "2026-11-26 10:15 UTC" */
export function utcStamp(d: DateInput): string {
  const iso = toDate(d).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `<!date^UNIX^{date_short_pretty} {time}|2026-11-26 10:15 UTC>` */
export function slackDate(d: DateInput, format = '{date_short_pretty} {time}'): string {
  const date = toDate(d);
  if (Number.isNaN(date.getTime())) return 'unknown time';
  return `<!date^${Math.floor(date.getTime() / 1000)}^${format}|${utcStamp(date)}>`;
}

/** Time only: `<!date^UNIX^{time}|10:15 UTC>` */
export function slackTime(d: DateInput): string {
  const date = toDate(d);
  if (Number.isNaN(date.getTime())) return 'unknown time';
  return `<!date^${Math.floor(date.getTime() / 1000)}^{time}|${date.toISOString().slice(11, 16)} UTC>`;
}

export function addMinutes(d: DateInput, minutes: number): Date {
  return new Date(toDate(d).getTime() + minutes * 60_000);
}

/**
 * "in 12 min", "in 1 h 5 min", "5 min overdue", "now". Only for text read once, when it is sent: never in a
 * message kept in place (summary, checklist), where it would go stale between updates.
 */
export function relative(target: DateInput, now: DateInput): string {
  const ms = toDate(target).getTime() - toDate(now).getTime();
  const mins = Math.round(Math.abs(ms) / 60_000);
  if (mins === 0) return 'now';
  const h = Math.floor(mins / 60);
  const m = mins % 60;
  const span = h > 0 ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
  return ms > 0 ? `in ${span}` : `${span} overdue`;
}

/** A date as `YYYY-MM-DD` (UTC). */
export function isoDay(d: DateInput): string {
  return toDate(d).toISOString().slice(0, 10);
}
