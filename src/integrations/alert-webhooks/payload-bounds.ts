// The bounds an alert webhook body is held to, applied by cutting, never by refusing: Alertmanager does not
// retry a 4xx, so a 400 for a long annotation would lose the alert. Long strings are cut (marked "…"),
// label/annotation maps keep their first entries, and a long group key or fingerprint keeps a prefix plus
// the sha256 of the whole, so it stays unique. Each cut is named (`alerts[0].annotations.description`) and
// kept with the notification. What is not the webhook's shape at all (a label value that is a number, no
// alerts) is left for the schema to refuse with a 400.
import { createHash } from 'node:crypto';

export const BOUNDS = {
  labelName: 256,
  labelValue: 8_000,
  mapEntries: 200,
  url: 4_000,
  groupKey: 2_000,
  title: 2_000,
  receiver: 500,
  fingerprint: 256,
} as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** `s` cut to `max` characters, ending with "…" (never half a surrogate pair). */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** A key that must stay unique: a prefix, then the digest of the whole. */
export function boundedKey(s: string, max: number): string {
  if (s.length <= max) return s;
  const tail = `…sha256:${sha256(s)}`;
  return `${cutText(s, max - tail.length + 1).slice(0, -1)}${tail}`;
}

class Clamp {
  readonly cut: string[] = [];

  text(o: Obj, field: string, max: number, path: string, how: 'text' | 'url' | 'key' = 'text'): void {
    const v = o[field];
    if (typeof v !== 'string' || v.length <= max) return;
    // a link cut short still leads somewhere near (no "…" inside a URL); a key keeps its uniqueness
    o[field] = how === 'url' ? v.slice(0, max) : how === 'key' ? boundedKey(v, max) : cutText(v, max);
    this.cut.push(`${path}${field}`);
  }

  map(o: Obj, field: string, path: string): void {
    const m = o[field];
    if (!isObj(m)) return;
    const entries = Object.entries(m);
    let changed = entries.length > BOUNDS.mapEntries;
    const kept: Obj = {};
    for (const [k, v] of entries.slice(0, BOUNDS.mapEntries)) {
      const key = k.length > BOUNDS.labelName ? cutText(k, BOUNDS.labelName) : k;
      const value = typeof v === 'string' && v.length > BOUNDS.labelValue ? cutText(v, BOUNDS.labelValue) : v;
      if (key !== k || value !== v) changed = true;
      kept[key] = value;
    }
    if (!changed) return;
    o[field] = kept;
    this.cut.push(
      `${path}${field}${entries.length > BOUNDS.mapEntries ? ` (first ${BOUNDS.mapEntries} of ${entries.length})` : ''}`,
    );
  }
}

/**
 * The body with every bound applied (a copy where something was cut; the input is not changed), and what
 * was cut. Shapes are not checked here.
 */
export function clampAlertBody(body: unknown): { body: unknown; truncated: string[] } {
  if (!isObj(body)) return { body, truncated: [] };
  const c = new Clamp();
  const top: Obj = { ...body };
  c.text(top, 'groupKey', BOUNDS.groupKey, '', 'key');
  c.text(top, 'receiver', BOUNDS.receiver, '');
  c.text(top, 'externalURL', BOUNDS.url, '', 'url');
  c.text(top, 'title', BOUNDS.title, '');
  for (const m of ['groupLabels', 'commonLabels', 'commonAnnotations']) c.map(top, m, '');
  if (Array.isArray(top.alerts))
    top.alerts = top.alerts.map((a, n) => {
      if (!isObj(a)) return a;
      const alert: Obj = { ...a };
      const at = `alerts[${n}].`;
      c.map(alert, 'labels', at);
      c.map(alert, 'annotations', at);
      for (const u of ['generatorURL', 'dashboardURL', 'panelURL', 'silenceURL'])
        c.text(alert, u, BOUNDS.url, at, 'url');
      c.text(alert, 'fingerprint', BOUNDS.fingerprint, at, 'key');
      return alert;
    });
  return { body: c.cut.length ? top : body, truncated: c.cut };
}
