// A clone's state is its template's JSON with the template's key and room id replaced and every ISO
// timestamp moved by the same shift, so that its timeline keeps the template's shape at another date.
// A template is cut into pieces once; each clone is rendered from them.

const DAY = 86_400_000;

/** Text pieces of a template's state: literals, and the places of its key, room id and ISO timestamps. */
export type Piece = string | { key: true } | { room: true } | { ms: number };

export function piecesOf(state: string, key: string, room: string): Piece[] {
  const out: Piece[] = [];
  const re = new RegExp(
    `(${key.replace(/[-]/g, '\\-')}|${room}|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z)`,
    'g',
  );
  let last = 0;
  for (const m of state.matchAll(re)) {
    out.push(state.slice(last, m.index));
    if (m[0] === key) out.push({ key: true });
    else if (m[0] === room) out.push({ room: true });
    else out.push({ ms: Date.parse(m[0]) });
    last = (m.index ?? 0) + m[0].length;
  }
  out.push(state.slice(last));
  return out;
}

/** Date.prototype.toISOString, faster (the date part cached per day): a clone's state has ~50 timestamps. */
const dayPart = new Map<number, string>();
const P2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const P3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
function iso(ms: number): string {
  const d = Math.floor(ms / DAY);
  let date = dayPart.get(d);
  if (date === undefined) {
    date = new Date(d * DAY).toISOString().slice(0, 11);
    dayPart.set(d, date);
  }
  let r = ms - d * DAY;
  const h = (r / 3_600_000) | 0;
  r -= h * 3_600_000;
  const m = (r / 60_000) | 0;
  r -= m * 60_000;
  const s = (r / 1000) | 0;
  return `${date}${P2[h]}:${P2[m]}:${P2[s]}.${P3[r - s * 1000]}Z`;
}

export function render(pieces: Piece[], key: string, room: string, shift: number): string {
  const out: string[] = [];
  for (const p of pieces) {
    if (typeof p === 'string') out.push(p);
    else if ('key' in p) out.push(key);
    else if ('room' in p) out.push(room);
    else out.push(iso(p.ms + shift));
  }
  return out.join('');
}

/** An ISO timestamp column moved by `shift` ms (null stays null). */
export function shiftIso(at: unknown, shift: number): string | null {
  return typeof at === 'string' ? iso(Date.parse(at) + shift) : null;
}
