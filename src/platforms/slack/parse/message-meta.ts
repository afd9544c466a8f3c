// The message a "log pick" modal is about travels in its private_metadata (at most 3000 characters):
// channel, ts, author, text (cut to fit) and files. Read back with the same limits, never trusted further.

/** The message being logged, as carried by the modal. */
export interface LogPickMeta {
  /** Channel of the message. */
  c: string;
  /** Message ts. */
  ts: string;
  /** Author (user id, or bot id). */
  a?: string;
  /** Message text (cut to fit private_metadata). */
  t: string;
  /** Files: name and permalink. */
  f?: { n: string; p: string }[];
}

const META_MAX = 3000;

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/** JSON for private_metadata, at most 3000 characters: files dropped from the end, then the text cut. */
export function encodeLogPickMeta(m: LogPickMeta): string {
  const files = [...(m.f ?? [])];
  const enc = (t: string, f: { n: string; p: string }[]) =>
    JSON.stringify({ c: m.c, ts: m.ts, ...(m.a ? { a: m.a } : {}), t, ...(f.length ? { f } : {}) });
  while (files.length && enc('', files).length > META_MAX / 2) files.pop();
  let text = m.t;
  let s = enc(text, files);
  while (s.length > META_MAX && text.length > 0) {
    const over = s.length - META_MAX;
    text = cut(m.t, Math.max(0, text.length - Math.max(over, 16)));
    s = enc(text, files);
  }
  return s;
}

const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

export function decodeLogPickMeta(s: string | undefined): LogPickMeta | null {
  if (!s) return null;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(s) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  if (!isStr(v.c, 64) || !v.c || !isStr(v.ts, 32) || !/^\d+(\.\d+)?$/.test(v.ts) || !isStr(v.t, 3000))
    return null;
  if (v.a !== undefined && !isStr(v.a, 64)) return null;
  const files = v.f === undefined ? undefined : Array.isArray(v.f) ? v.f : null;
  if (files === null) return null;
  const f: { n: string; p: string }[] = [];
  for (const x of files ?? []) {
    const o = x as { n?: unknown; p?: unknown };
    if (!o || !isStr(o.n, 500) || !isStr(o.p, 3000)) return null;
    f.push({ n: o.n, p: o.p });
  }
  return {
    c: v.c,
    ts: v.ts,
    t: v.t,
    ...(v.a !== undefined ? { a: v.a as string } : {}),
    ...(files ? { f } : {}),
  };
}
