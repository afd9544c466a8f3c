// When a typed commitment falls due (`commit <what> by <time>`): a UTC clock time (today, or tomorrow once
// it has passed), an ISO timestamp, or a delay (`in 30m`, `in 2h`, `in 1h30m`). Everything is UTC: people
// in several zones read the same instant, and every platform shows it in the reader's own zone.

import { code, type Text, userText } from '../domain/text.js';

export type DueTime = { ok: true; iso: string } | { ok: false; problem: Text };

const MIN = 60_000;

export const DUE_FORMS: Text = `${code('HH:MM')} (UTC), an ISO time like ${code('2026-05-01T14:30Z')}, or ${code('in 30m')} / ${code('in 2h')}`;

/** `in 30m`, `in 2h`, `in 1h30m`, `in 45 min`, `in 2 hours`: minutes, or null when it is not a delay. */
function delayMinutes(t: string): number | null {
  const m = /^in\s+(.+)$/i.exec(t);
  if (!m) return null;
  const rest = m[1]!.replace(/\s+/g, '').toLowerCase();
  const parts = /^(?:(\d{1,3})(?:h|hr|hrs|hour|hours))?(?:(\d{1,4})(?:m|min|mins|minute|minutes))?$/.exec(
    rest,
  );
  if (!parts || (parts[1] === undefined && parts[2] === undefined)) return null;
  return Number(parts[1] ?? 0) * 60 + Number(parts[2] ?? 0);
}

export function parseDueTime(raw: string, now: Date): DueTime {
  const t = raw.trim().replace(/\s+/g, ' ');
  const bad: DueTime = {
    ok: false,
    problem: `I can't read "${userText(t.slice(0, 40))}" as a time: use ${DUE_FORMS}.`,
  };
  if (!t) return { ok: false, problem: `Say by when: ${DUE_FORMS}.` };

  const delay = delayMinutes(t);
  if (delay !== null) {
    if (delay <= 0) return { ok: false, problem: 'Give a delay of at least a minute.' };
    return { ok: true, iso: new Date(now.getTime() + delay * MIN).toISOString() };
  }

  // HH:MM, UTC: today, or tomorrow when that time has passed today.
  const clock = /^(\d{1,2}):(\d{2})(?: ?(?:utc|z))?$/i.exec(t);
  if (clock) {
    const h = Number(clock[1]);
    const m = Number(clock[2]);
    if (h > 23 || m > 59) return bad;
    let at = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m);
    if (at <= now.getTime()) at += 24 * 60 * MIN;
    return { ok: true, iso: new Date(at).toISOString() };
  }

  // An ISO timestamp; with no zone it is UTC (so is everything the bot says).
  const stamp =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)? ?(z|utc|[+-]\d{2}:?\d{2})?$/i.exec(
      t,
    );
  if (stamp) {
    const zone = (stamp[7] ?? 'Z').toUpperCase();
    const offset = zone === 'Z' || zone === 'UTC' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    const iso = `${stamp[1]}-${stamp[2]}-${stamp[3]}T${stamp[4]}:${stamp[5]}:${stamp[6] ?? '00'}${offset}`;
    const at = Date.parse(iso);
    // Date.parse rolls 25:00 or 02-30 over rather than refusing them: a real time prints back the same.
    const back = new Date(at).toISOString();
    if (Number.isNaN(at) || (offset === 'Z' && back.slice(0, 16) !== iso.slice(0, 16))) return bad;
    if (at <= now.getTime())
      return {
        ok: false,
        problem: `${back.slice(0, 16).replace('T', ' ')} UTC has passed: give a time ahead.`,
      };
    return { ok: true, iso: back };
  }
  return bad;
}
