// The parsed incident per stored state text. A request reads the same incident 3-5 times (the listener's
// lookup, the command's transaction, each delivery's render), and each read was a JSON.parse of a state
// that grows with every specialist and update. The stored text is still read every time and compared, so
// a state changed outside the bot is never hidden behind the cache. Entries are deep-frozen: a caller that
// mutated a shared incident would corrupt every later reader, so it fails at once instead.
import type { Incident } from '../../domain/incident.js';

const LIMIT = 256;

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

export class ParsedStates {
  /** Most recently used last (Map keeps insertion order). */
  private readonly byKey = new Map<string, { json: string; incident: Incident }>();

  /** The incident stored as `json`: the cached object when the text is the same, else parsed now. */
  parse(key: string, json: string): Incident {
    const hit = this.byKey.get(key);
    if (hit && hit.json === json) {
      this.byKey.delete(key);
      this.byKey.set(key, hit);
      return hit.incident;
    }
    return this.remember(key, json, JSON.parse(json) as Incident);
  }

  /** Records what was just written, so the next read of it costs no parse. */
  remember(key: string, json: string, incident: Incident): Incident {
    this.byKey.delete(key);
    this.byKey.set(key, { json, incident: deepFreeze(incident) });
    if (this.byKey.size > LIMIT) this.byKey.delete(this.byKey.keys().next().value as string);
    return incident;
  }

  /** Forgets everything (a transaction rolled back: what it wrote was never stored). */
  clear(): void {
    this.byKey.clear();
  }
}
