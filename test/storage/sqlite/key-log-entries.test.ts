// The room's timeline reads only what it shows: the newest key entries whole and the times of the rest,
// forward phase moves left out, in the log's order. On both databases (the forward-move filter reads JSON).
import { afterAll, describe, expect, it } from 'vitest';
import { TIMELINE_KINDS } from '../../../src/domain/timeline.js';
import { backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { criteria, declareRequest, ic, T0 } from '../../helpers/scenario.js';

afterAll(dropPgDatabases);

describe.each(backends)('keyLogEntries on $name', (backend) => {
  it('returns the newest rows of those kinds whole, and every one of their times', async () => {
    const s = await backend.open();
    const d = s.service.handle(declareRequest('d1', { now: T0 }));
    if (!d.ok) throw new Error('declare failed');
    const key = d.incident.key;
    const at = (m: number) => new Date(T0.getTime() + m * 60_000);
    for (let n = 1; n <= 30; n++)
      s.service.handle({
        key: `n${n}`,
        incidentKey: key,
        command: { type: 'log', text: `note ${n}` },
        actor: ic,
        now: at(n),
      });
    // a forward phase move (left out) and a role claim (not a key kind)
    s.service.handle({
      key: 'p',
      incidentKey: key,
      command: { type: 'advance_phase', confirmed: criteria('detection') },
      actor: ic,
      now: at(31),
    });
    s.service.handle({
      key: 'r',
      incidentKey: key,
      command: { type: 'claim_role', role: 'scribe' },
      actor: ic,
      now: at(32),
    });
    const all = s.store
      .logEntries(key)
      .filter(
        (r) =>
          TIMELINE_KINDS.has(r.kind) && !(r.kind === 'phase' && JSON.parse(r.payload).move === 'forward'),
      );
    const got = s.store.keyLogEntries(key, [...TIMELINE_KINDS], 5);
    expect(got.times).toEqual(all.map((r) => r.at));
    expect(got.recent.map((r) => r.seq)).toEqual(all.slice(-5).map((r) => r.seq));
    expect(got.recent.at(-1)?.payload).toContain('note 30');
    // the forward move is in the log, and left out: the declaration and the 30 notes are what remain
    expect(s.store.logEntries(key).filter((r) => r.kind === 'phase')).toHaveLength(1);
    expect(got.times).toHaveLength(31);
    await s.close();
  });
});
