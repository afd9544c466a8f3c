// A pass costs what is due, not what is open: each incident records when it next needs a look.
import { describe, expect, it } from 'vitest';
import { runReminderPass } from '../../src/app/reminder-pass.js';
import { reminderStoreOf } from '../../src/storage/sqlite/reminder-store.js';
import { declareRequest, T0 } from '../helpers/scenario.js';
import { openStack, tempDb } from '../helpers/store.js';

const at = (min: number) => new Date(T0.getTime() + min * 60_000);

function declareMany(s: ReturnType<typeof openStack>, n: number): string[] {
  const keys: string[] = [];
  for (let k = 0; k < n; k++) {
    // one declarer each: a single person may declare only a few incidents in ten minutes
    const actor = { platform: 'slack' as const, id: `U_DECLARER_${k}` };
    const r = s.service.handle(declareRequest(`d${k}`, { title: `t${k}`, impact: 'x', now: T0, actor }));
    if (!r.ok) throw new Error(r.error.message);
    keys.push(r.incident.key);
  }
  return keys;
}

const nextCheck = (s: ReturnType<typeof openStack>, key: string) =>
  (
    s.db.prepare('SELECT next_check_at FROM incidents WHERE key = ?').get(key) as {
      next_check_at: string | null;
    }
  ).next_check_at;

describe('next_check_at', () => {
  it('an idle pass looks at no incident; a change of state makes it look again', () => {
    const s = openStack(tempDb());
    const [first] = declareMany(s, 5);
    const p1 = runReminderPass({ reminders: reminderStoreOf(s.store), service: s.service, now: at(1) });
    expect(p1.candidates).toBe(5);
    expect(p1.claimed).toBe(0);
    // nothing is due before the required-roles nudge at 10 minutes
    expect(nextCheck(s, first!)).toBe(at(10).toISOString());
    expect(
      runReminderPass({ reminders: reminderStoreOf(s.store), service: s.service, now: at(2) }).candidates,
    ).toBe(0);
    s.service.handle({
      key: 'c',
      incidentKey: first!,
      command: { type: 'claim_role', role: 'scribe' },
      actor: { platform: 'slack', id: 'U_DECLARER_0' },
      now: at(3),
    });
    expect(nextCheck(s, first!)).toBeNull();
    expect(
      runReminderPass({ reminders: reminderStoreOf(s.store), service: s.service, now: at(4) }).candidates,
    ).toBe(1);
    // at 10 minutes every incident is looked at again, and owes its nudges
    const p10 = runReminderPass({ reminders: reminderStoreOf(s.store), service: s.service, now: at(10) });
    expect(p10.candidates).toBe(5);
    expect(p10.claimed).toBeGreaterThanOrEqual(5);
    s.close();
  });

  it('a catch-up can be sliced: maxIncidents bounds one pass and says there is more', () => {
    const s = openStack(tempDb());
    declareMany(s, 7);
    const slices: number[] = [];
    let r = runReminderPass({
      reminders: reminderStoreOf(s.store),
      service: s.service,
      now: at(90),
      maxIncidents: 3,
    });
    slices.push(r.candidates);
    let claimed = r.claimed;
    while (r.more) {
      r = runReminderPass({
        reminders: reminderStoreOf(s.store),
        service: s.service,
        now: at(90),
        maxIncidents: 3,
      });
      slices.push(r.candidates);
      claimed += r.claimed;
    }
    expect(slices).toEqual([3, 3, 1]);
    // the same as one unsliced pass over a fresh copy would claim
    const t = openStack(tempDb());
    declareMany(t, 7);
    expect(claimed).toBe(
      runReminderPass({ reminders: reminderStoreOf(t.store), service: t.service, now: at(90) }).claimed,
    );
    s.close();
    t.close();
  });
});

describe('inbound de-duplication window', () => {
  it('forgets ids older than the cut-off, keeps newer ones', () => {
    const s = openStack(tempDb());
    expect(s.outbox.firstSighting('slack:event:old', at(0))).toBe(true);
    expect(s.outbox.firstSighting('slack:event:new', at(60))).toBe(true);
    expect(s.outbox.forgetSightingsBefore(at(30))).toBe(1);
    expect(s.outbox.firstSighting('slack:event:new', at(61))).toBe(false);
    expect(s.outbox.firstSighting('slack:event:old', at(61))).toBe(true);
    s.close();
  });
});
