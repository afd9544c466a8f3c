// The overload warning: to the person everywhere; posted in the room too where the room cannot show it to
// that person alone (Teams), and not on Slack, whose ephemeral message already shows it there.
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/domain/decide.js';
import type { Incident } from '../../../src/domain/incident.js';
import { at, ctx, declared, ic } from '../../helpers/scenario.js';

const onTeams = (i: Incident): Incident => ({
  ...i,
  platform: 'teams',
  room: { platform: 'teams', id: '19:x@thread.tacv2;messageid=1', name: 'INC' },
});
const overloadPosts = (effects: unknown[]) =>
  effects.filter(
    (e) =>
      (e as { type: string }).type === 'message' &&
      (e as { body: { kind: string; template?: string } }).body.template === 'overload',
  );

describe('the overload warning', () => {
  it('on Slack: a notice to the person and a log entry, no post in the room', () => {
    const r = decide(declared(), { type: 'claim_role', role: 'comms_lead' }, ctx(ic, at(1)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.effects).toContainEqual(
      expect.objectContaining({ type: 'notice', level: 'warning', user: 'U_IC' }),
    );
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'log', kind: 'overload' }));
    expect(overloadPosts(r.effects)).toEqual([]);
  });

  it('on Teams: also posted in the room, naming the person and the roles', () => {
    const r = decide(onTeams(declared()), { type: 'claim_role', role: 'comms_lead' }, ctx(ic, at(1)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.effects).toContainEqual(
      expect.objectContaining({ type: 'notice', level: 'warning', user: 'U_IC' }),
    );
    expect(overloadPosts(r.effects)).toEqual([
      expect.objectContaining({
        target: { to: 'room' },
        body: {
          kind: 'post',
          template: 'overload',
          data: { user: 'U_IC', roles: expect.arrayContaining(['commander', 'comms_lead']) },
        },
      }),
    ]);
  });

  it('on Teams, a role without overload posts nothing', () => {
    const r = decide(
      onTeams(declared()),
      { type: 'claim_role', role: 'scribe' },
      ctx({ platform: 'teams', id: 'U_X' }, at(1)),
    );
    expect(r.ok && overloadPosts(r.effects)).toEqual([]);
  });
});
