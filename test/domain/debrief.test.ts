// Who is invited to the debrief, and when it is: the handbook's "Invite all responders plus owners of
// long-term fixes". Role holders (past ones too), log writers and follow-up owners are invited, each once;
// the bot and people who only joined the room are not; owners of follow-ups filed after close are invited
// until the debrief is over.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { logWriters } from '../../src/app/log-writers.js';
import type { Command } from '../../src/domain/commands.js';
import { debriefAgenda, parseDebriefTime, responders } from '../../src/domain/debrief.js';
import { decide } from '../../src/domain/decide.js';
import type { Effect, MessageEffect } from '../../src/domain/effects.js';
import type { Actor, Incident } from '../../src/domain/incident.js';
import { validatePlaybook } from '../../src/domain/playbook-schema.js';
import { BOT_ID } from '../../src/domain/text.js';
import { DEFAULT_PLAYBOOK_PATH } from '../../src/storage/playbook-file.js';
import { debriefEvent } from '../../src/views/debrief.js';
import {
  alice,
  at,
  closureFields,
  criteria,
  ctx,
  declared,
  ic,
  must,
  playbook,
} from '../helpers/scenario.js';

const bot: Actor = { platform: 'slack', id: BOT_ID };

const followup = (id: string, owner: string): Command => ({
  type: 'add_followup',
  id,
  what: `Fix ${id}`,
  owner,
  due: '2026-12-20',
  objective: 'resilience',
  acceptance: 'Verified in the next drill',
});

/** Declared by the IC on Thursday 2026-11-26; Alice took comms and handed it to Carol; Eve only joined. */
function worked(): Incident {
  let i = declared();
  i = must(i, { type: 'claim_role', role: 'comms_lead' }, ctx(alice, at(2)));
  i = must(i, { type: 'assign_role', role: 'comms_lead', user: 'U_CAROL' }, ctx(alice, at(5)));
  i = must(i, { type: 'member_joined', user: 'U_EVE', via: 'joined_room' }, ctx(bot, at(6)));
  i = must(i, followup('FU-1', 'U_FRED'), ctx(ic, at(7)));
  for (const p of ['detection', 'containment', 'mitigation'])
    i = must(i, { type: 'advance_phase', confirmed: criteria(p) }, ctx(ic, at(10)));
  return i;
}

const close = (extra: Partial<Extract<Command, { type: 'close' }>> = {}): Command => ({
  type: 'close',
  confirmed: criteria('closure'),
  fields: closureFields,
  ...extra,
});

const invites = (effects: Effect[]): MessageEffect[] =>
  effects.filter(
    (e): e is MessageEffect =>
      e.type === 'message' && e.body.kind === 'post' && e.body.template === 'debrief_invite',
  );
const invitedUsers = (effects: Effect[]) =>
  invites(effects).map((m) => (m.target.to === 'user' ? m.target.user : m.target.to));

function closed(extra: Partial<Extract<Command, { type: 'close' }>> = {}) {
  // Dave wrote in the log (a note: the state keeps no trace of it), the bot wrote too.
  const r = decide(worked(), close(extra), ctx(ic, at(120), { logWriters: ['U_IC', 'U_DAVE', BOT_ID] }));
  if (!r.ok) throw new Error(r.error.message);
  return r;
}

describe('the debrief invitation at close', () => {
  it('goes 1:1 to role holders (past ones too), log writers and follow-up owners; never the bot or a mere joiner', () => {
    const r = closed();
    expect(invitedUsers(r.effects)).toEqual(['U_IC', 'U_ALICE', 'U_CAROL', 'U_DAVE', 'U_FRED']);
    for (const m of invites(r.effects)) {
      expect(m.once).toBe(true);
      expect(m.key).toBe(`debrief:${m.target.to === 'user' ? m.target.user : ''}`);
    }
    expect(invitedUsers(r.effects)).not.toContain(BOT_ID);
    expect(invitedUsers(r.effects)).not.toContain('U_EVE');
    expect(r.incident.debrief?.invited).toEqual(['U_IC', 'U_ALICE', 'U_CAROL', 'U_DAVE', 'U_FRED']);
  });

  it('a confidential incident invites its members only: one who left is not, nor a log writer outside it', () => {
    let i = must(worked(), { type: 'set_confidential', confidential: true }, ctx(ic, at(11)));
    i = must(i, { type: 'member_joined', user: 'U_GUS', via: 'joined_room' }, ctx(bot, at(12)));
    i = must(i, { type: 'member_left', user: 'U_GUS' }, ctx(bot, at(13)));
    const r = decide(i, close(), ctx(ic, at(120), { logWriters: ['U_IC', 'U_GUS', 'U_DAVE', BOT_ID] }));
    if (!r.ok) throw new Error(r.error.message);
    expect(invitedUsers(r.effects)).not.toContain('U_GUS');
    expect(invitedUsers(r.effects)).not.toContain('U_DAVE');
    expect(invitedUsers(r.effects)).toContain('U_CAROL');
  });

  it("a confidential incident's calendar event names it by its key only", () => {
    const i = must(
      must(worked(), { type: 'set_confidential', confidential: true }, ctx(ic, at(11))),
      close(),
      ctx(ic, at(120)),
    );
    const d = { at: i.debrief!.at, minutes: 60, scheduledAt: i.debrief!.scheduledAt, facilitator: 'U_IC' };
    const event = debriefEvent(i, playbook, d);
    expect(event.summary).toBe(`Debrief: ${i.key} (confidential)`);
    expect(`${event.summary}\n${event.description}`).not.toContain(i.title);
    expect(debriefEvent(worked(), playbook, d).summary).toContain(worked().title);
  });

  it('logs where the meeting is, never its passcode', () => {
    const r = decide(
      worked(),
      close(),
      ctx(ic, at(120), { debriefMeetingUrl: 'https://meet.example.com/j/123?pwd=SECRET' }),
    );
    if (!r.ok) throw new Error(r.error.message);
    const entry = r.effects.find((e) => e.type === 'log' && e.kind === 'debrief');
    expect(JSON.stringify(entry)).not.toContain('SECRET');
    expect(entry).toMatchObject({ payload: { meetingUrl: 'https://meet.example.com/j/123' } });
  });

  it('is on the review due date at the playbook hour, for its length, facilitator and all', () => {
    const r = closed({ facilitator: 'U_ZOE' });
    // Thursday 26 November + two business days = Monday 30 November, 14:00 UTC, 60 minutes
    expect(r.incident.debrief).toMatchObject({ at: '2026-11-30T14:00:00.000Z', minutes: 60 });
    const zoe = invites(r.effects).find((m) => m.target.to === 'user' && m.target.user === 'U_ZOE');
    expect(zoe?.body).toMatchObject({
      kind: 'post',
      data: { at: '2026-11-30T14:00:00.000Z', minutes: 60, facilitator: 'U_ZOE' },
    });
    // the facilitator is invited first, even if they did nothing else
    expect(invitedUsers(r.effects)[0]).toBe('U_ZOE');
  });

  it('tells the room who was invited, and logs it', () => {
    const r = closed();
    const room = r.effects.find(
      (e) => e.type === 'message' && e.body.kind === 'post' && e.body.template === 'debrief_invited',
    );
    expect(room).toMatchObject({
      target: { to: 'room' },
      body: { data: { users: ['U_IC', 'U_ALICE', 'U_CAROL', 'U_DAVE', 'U_FRED'] } },
    });
    expect(r.effects.find((e) => e.type === 'log' && e.kind === 'debrief')).toMatchObject({
      payload: {
        at: '2026-11-30T14:00:00.000Z',
        invited: ['U_IC', 'U_ALICE', 'U_CAROL', 'U_DAVE', 'U_FRED'],
      },
    });
  });

  it('takes the time from the close form; refuses one that has passed; warns past the due date', () => {
    expect(closed({ debriefAt: '2026-11-27T09:30:00.000Z' }).incident.debrief?.at).toBe(
      '2026-11-27T09:30:00.000Z',
    );
    const past = decide(worked(), close({ debriefAt: '2026-11-26T09:00:00.000Z' }), ctx(ic, at(120)));
    expect(past).toMatchObject({ ok: false, error: { code: 'invalid', field: 'debriefAt' } });
    const late = closed({ debriefAt: '2026-12-03T14:00:00.000Z' });
    expect(late.effects.find((e) => e.type === 'notice')).toMatchObject({ level: 'warning' });
  });

  it('puts the configured meeting link in the invitation', () => {
    const r = decide(
      worked(),
      close(),
      ctx(ic, at(120), { debriefMeetingUrl: 'https://meet.example.com/d' }),
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(invites(r.effects)[0]?.body).toMatchObject({ data: { meetingUrl: 'https://meet.example.com/d' } });
  });

  it('is owed by a stand-down that owes a review, and not by one that does not', () => {
    const reviewing = { ...playbook, standDown: { fromPhases: ['detection'], toPhase: 'review' } };
    const r = decide(
      declared(),
      { type: 'stand_down', reason: 'false alarm' },
      ctx(ic, at(5), { playbook: reviewing }),
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(invitedUsers(r.effects)).toEqual(['U_IC']);
    const plain = decide(declared(), { type: 'stand_down', reason: 'false alarm' }, ctx(ic, at(5)));
    if (!plain.ok) throw new Error(plain.error.message);
    expect(invitedUsers(plain.effects)).toEqual([]);
    expect(plain.incident.debrief).toBeUndefined();
  });
});

describe('owners of follow-ups filed after close', () => {
  it('are invited once each, with a line in the room; people already invited are not again', () => {
    const c = closed().incident;
    const first = decide(c, followup('FU-2', 'U_GINA'), ctx(ic, at(200)));
    if (!first.ok) throw new Error(first.error.message);
    expect(invitedUsers(first.effects)).toEqual(['U_GINA']);
    expect(invites(first.effects)[0]).toMatchObject({ once: true, key: 'debrief:U_GINA' });
    expect(first.incident.debrief?.invited).toContain('U_GINA');
    expect(
      first.effects.find(
        (e) => e.type === 'message' && e.body.kind === 'post' && e.body.template === 'debrief_invited',
      ),
    ).toMatchObject({ body: { data: { users: ['U_GINA'], followup: 'FU-2' } } });
    // a second follow-up of hers, and one of Alice's (invited at close): no invitation
    const again = decide(first.incident, followup('FU-3', 'U_GINA'), ctx(ic, at(201)));
    const alices = decide(c, followup('FU-4', 'U_ALICE'), ctx(ic, at(201)));
    expect(again.ok && invitedUsers(again.effects)).toEqual([]);
    expect(alices.ok && invitedUsers(alices.effects)).toEqual([]);
  });

  it('are not invited once the debrief is over, nor before close (close invites them)', () => {
    const c = closed().incident;
    const after = decide(c, followup('FU-5', 'U_HAL'), ctx(ic, new Date('2026-11-30T15:00:01Z')));
    expect(after.ok && invitedUsers(after.effects)).toEqual([]);
    const open = decide(worked(), followup('FU-6', 'U_HAL'), ctx(ic, at(60)));
    expect(open.ok && invitedUsers(open.effects)).toEqual([]);
  });

  it('are invited for an incident closed before debriefs existed (its due date decides when)', () => {
    const { debrief: _, ...old } = closed().incident;
    const r = decide(old as Incident, followup('FU-7', 'U_IVY'), ctx(ic, at(200)));
    if (!r.ok) throw new Error(r.error.message);
    expect(invites(r.effects)[0]?.body).toMatchObject({ data: { at: '2026-11-30T14:00:00.000Z' } });
  });
});

describe('the pieces', () => {
  it('responders: each once (role holders, then log writers, then owners), never the bot', () => {
    const i = worked();
    expect(responders(i, ['U_DAVE', BOT_ID, 'U_IC', 'U_DAVE'])).toEqual([
      'U_IC',
      'U_ALICE',
      'U_CAROL',
      'U_DAVE',
      'U_FRED',
    ]);
  });

  it('log writers: the actors of log rows, once each, without the bot or unreadable rows', () => {
    const row = (id: string) => ({ actor: JSON.stringify({ platform: 'slack', id }) });
    expect(logWriters([row('U_IC'), row(BOT_ID), row('U_DAVE'), row('U_IC'), { actor: '{' }])).toEqual([
      'U_IC',
      'U_DAVE',
    ]);
  });

  it('a typed debrief time: UTC forms only, real dates only', () => {
    expect(parseDebriefTime('2026-11-30 14:00 UTC')).toBe('2026-11-30T14:00:00.000Z');
    expect(parseDebriefTime('2026-11-30T14:00Z')).toBe('2026-11-30T14:00:00.000Z');
    expect(parseDebriefTime('2026-02-30 14:00')).toBeNull();
    expect(parseDebriefTime('2026-11-30 25:00')).toBeNull();
    expect(parseDebriefTime('tomorrow')).toBeNull();
  });

  it('the agenda follows the playbook review: whys, objectives, its questions, follow-ups', () => {
    const agenda = debriefAgenda(playbook);
    expect(agenda).toContain('Five whys: down to a cause we can act on');
    expect(agenda.join('\n')).toContain('Risk, Compliance, Resilience');
    expect(agenda).toContain('Readiness check');
    expect(agenda).toContain('Runbook library');
  });
});

describe('the debrief of a playbook', () => {
  it('is validated: an hour of the day, a length between 15 minutes and 8 hours', () => {
    const raw = parse(readFileSync(DEFAULT_PLAYBOOK_PATH, 'utf8'));
    expect(validatePlaybook(raw).ok).toBe(true);
    expect(raw.review.debrief).toEqual({ hour: 14, minutes: 60 });
    const bad = (debrief: unknown) => {
      const r = validatePlaybook({ ...raw, review: { ...raw.review, debrief } });
      return r.ok ? [] : r.errors;
    };
    expect(bad({ hour: 24, minutes: 60 })).toEqual(['review.debrief.hour: at most 23']);
    expect(bad({ hour: 9, minutes: 5 })).toEqual(['review.debrief.minutes: at least 15']);
    expect(bad({ hour: 9, minutes: 60, day: 'monday' })[0]).toMatch(/^review\.debrief/);
  });

  it('reads review.debrief (hour, minutes) from the playbook', () => {
    const pb = { ...playbook, review: { ...playbook.review!, debrief: { hour: 9, minutes: 45 } } };
    const r = decide(worked(), close(), ctx(ic, at(120), { playbook: pb }));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.incident.debrief).toMatchObject({ at: '2026-11-30T09:00:00.000Z', minutes: 45 });
  });
});
