// The core of follow-ups in the firm's backlog: acceptance criteria are required; with a tracker configured
// adding a follow-up owes exactly one outbox row to the tracker service (not for a drill, nor for a
// confidential incident: it says why instead); what the tracker's
// sender and poller report (filed, filing failed, status) is stored, logged and posted as the core says.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/domain/commands.js';
import { CONFIDENTIAL_NOT_FILED } from '../../src/domain/decide/followup-tracker.js';
import { decide, PERMISSIONS } from '../../src/domain/decide.js';
import type { MessageEffect } from '../../src/domain/effects.js';
import { BOT_ID, plainText } from '../../src/domain/text.js';
import { followupList } from '../../src/views/lists.js';
import { postView } from '../../src/views/posts.js';
import { at, bob, ctx, declared, ic, must, playbook } from '../helpers/scenario.js';

const add: Extract<Command, { type: 'add_followup' }> = {
  type: 'add_followup',
  id: 'FU-1',
  what: 'Alert on broker disk usage',
  owner: 'U_BOB',
  due: '2026-12-10',
  objective: 'resilience',
  acceptance: 'Filling a staging disk to 85% pages the on-call',
};
const bot = { platform: 'slack' as const, id: BOT_ID };
const messages = (r: ReturnType<typeof decide>) =>
  r.ok ? r.effects.filter((e): e is MessageEffect => e.type === 'message') : [];

describe('acceptance criteria', () => {
  it('are required and size-limited, and kept on the follow-up and in its log entry', () => {
    for (const acceptance of ['', '   '])
      expect(decide(declared(), { ...add, acceptance }, ctx(ic, at(1)))).toMatchObject({
        ok: false,
        error: { code: 'invalid', field: 'acceptance' },
      });
    expect(decide(declared(), { ...add, acceptance: 'x'.repeat(2001) }, ctx(ic, at(1)))).toMatchObject({
      ok: false,
      error: { field: 'acceptance', message: expect.stringContaining('2000') },
    });
    const r = decide(declared(), add, ctx(ic, at(1)));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.incident.followups[0]!.acceptance).toBe(add.acceptance);
    expect(r.effects.find((e) => e.type === 'log')).toMatchObject({
      payload: { id: 'FU-1', acceptance: add.acceptance },
    });
  });
});

describe('filing in the tracker', () => {
  it('no tracker configured: no outbox row to the tracker', () => {
    const r = decide(declared(), add, ctx(ic, at(1)));
    expect(messages(r).filter((m) => m.target.to === 'service')).toEqual([]);
  });

  it('a tracker configured: one row to the tracker service, in the same decision as the follow-up', () => {
    const r = decide(declared(), add, ctx(ic, at(1), { tracker: 'jira' }));
    expect(messages(r).filter((m) => m.target.to === 'service')).toEqual([
      {
        type: 'message',
        key: 'tracker:FU-1',
        target: { to: 'service', service: 'tracker' },
        body: { kind: 'file_followup', followup: 'FU-1', tracker: 'jira' },
      },
    ]);
  });

  it("a drill's follow-ups stay out of the real backlog", () => {
    const r = decide(declared({ drill: true }), add, ctx(ic, at(1), { tracker: 'github' }));
    expect(r.ok).toBe(true);
    expect(messages(r).filter((m) => m.target.to === 'service')).toEqual([]);
  });

  it("a confidential incident's follow-ups stay out of the firm-wide backlog, and say why", () => {
    const r = decide(declared({ confidential: true }), add, ctx(ic, at(1), { tracker: 'jira' }));
    if (!r.ok) throw new Error(r.error.message);
    expect(messages(r).filter((m) => m.target.to === 'service')).toEqual([]);
    expect(r.incident.followups[0]!.filingFailed).toEqual({
      tracker: 'jira',
      reason: CONFIDENTIAL_NOT_FILED,
      at: at(1).toISOString(),
    });
    expect(r.effects).toContainEqual(
      expect.objectContaining({
        type: 'log',
        payload: expect.objectContaining({ event: 'filing_failed', reason: CONFIDENTIAL_NOT_FILED }),
      }),
    );
    // the room's follow-up post and the list say it was not filed, and why
    const post = messages(r).find((m) => m.target.to === 'room' && m.body.kind === 'post')!;
    const data = (post.body as { data: Record<string, unknown> }).data;
    expect(data.tracker).toBeUndefined();
    const view = postView('followup', data, r.incident, playbook);
    const said = plainText(view.lines.join('\n'));
    expect(said).toContain('not filed in Jira: the incident is confidential');
    expect(said).not.toContain('Filing it');
    expect(plainText(followupList(r.incident).lines.join('\n'))).toContain(
      'not filed in Jira: the incident is confidential; file it by hand in a restricted project',
    );
    // no tracker configured: nothing to say
    const none = must(declared({ confidential: true }), add, ctx(ic, at(1)));
    expect(none.followups[0]!.filingFailed).toBeUndefined();
  });

  it('filed: the issue is stored, logged and posted; a second report changes nothing', () => {
    const i = must(declared(), add, ctx(ic, at(1), { tracker: 'jira' }));
    const cmd: Command = {
      type: 'followup_filed',
      id: 'FU-1',
      tracker: 'jira',
      issueKey: 'REL-7',
      url: 'https://acme.atlassian.net/browse/REL-7',
    };
    const r = decide(i, cmd, ctx(bot, at(2), { inRoom: false }));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.incident.followups[0]!.issue).toEqual({
      tracker: 'jira',
      key: 'REL-7',
      url: 'https://acme.atlassian.net/browse/REL-7',
      filedAt: at(2).toISOString(),
    });
    expect(r.effects).toContainEqual(
      expect.objectContaining({
        type: 'log',
        payload: expect.objectContaining({ event: 'filed', issueKey: 'REL-7' }),
      }),
    );
    const post = messages(r).find((m) => m.target.to === 'room')!;
    expect(post.body).toMatchObject({ kind: 'post', template: 'followup_tracker', data: { event: 'filed' } });
    const view = postView('followup_tracker', { id: 'FU-1', event: 'filed' }, r.incident, playbook);
    expect(plainText(view.lines.join('\n'))).toContain('Follow-up filed in Jira as REL-7');
    expect(decide(r.incident, cmd, ctx(bot, at(3)))).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });

  it('filed: an issue link that is not http(s) is refused', () => {
    const i = must(declared(), add, ctx(ic, at(1)));
    const r = decide(
      i,
      {
        type: 'followup_filed',
        id: 'FU-1',
        tracker: 'github',
        issueKey: 'a/b#1',
        url: 'javascript:alert(1)',
      },
      ctx(bot, at(2)),
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });

  it('filing failed: the reason is kept (cut to a line), posted to the room, and cleared once filed', () => {
    const i = must(declared(), add, ctx(ic, at(1), { tracker: 'jira' }));
    const failed = must(
      i,
      { type: 'followup_filing_failed', id: 'FU-1', tracker: 'jira', reason: 'HTTP 401:\n refused' },
      ctx(bot, at(2)),
    );
    expect(failed.followups[0]!.filingFailed).toEqual({
      tracker: 'jira',
      reason: 'HTTP 401: refused',
      at: at(2).toISOString(),
    });
    expect(plainText(followupList(failed).lines.join('\n'))).toContain(
      'not filed in Jira: HTTP 401: refused',
    );
    const filed = must(
      failed,
      {
        type: 'followup_filed',
        id: 'FU-1',
        tracker: 'jira',
        issueKey: 'REL-1',
        url: 'https://x.example/REL-1',
      },
      ctx(bot, at(3)),
    );
    expect(filed.followups[0]!.filingFailed).toBeUndefined();
  });

  it('status: a change is recorded; done there marks it done (by the tracker); reopened there reopens it', () => {
    let i = must(declared(), add, ctx(ic, at(1), { tracker: 'jira' }));
    i = must(
      i,
      {
        type: 'followup_filed',
        id: 'FU-1',
        tracker: 'jira',
        issueKey: 'REL-1',
        url: 'https://x.example/REL-1',
      },
      ctx(bot, at(2)),
    );
    i = must(i, { type: 'followup_status', id: 'FU-1', status: 'In Progress', done: false }, ctx(bot, at(3)));
    expect(i.followups[0]).toMatchObject({ state: 'open', issue: { status: 'In Progress' } });
    // the same status again is no change
    expect(
      decide(i, { type: 'followup_status', id: 'FU-1', status: 'In Progress', done: false }, ctx(bot, at(4))),
    ).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const done = decide(
      i,
      { type: 'followup_status', id: 'FU-1', status: 'Done', done: true },
      ctx(bot, at(5)),
    );
    if (!done.ok) throw new Error(done.error.message);
    expect(done.incident.followups[0]).toMatchObject({
      state: 'done',
      doneBy: 'tracker',
      doneAt: at(5).toISOString(),
    });
    expect(messages(done)[0]?.body).toMatchObject({ template: 'followup_tracker', data: { event: 'done' } });
    expect(plainText(followupList(done.incident).lines.join('\n'))).toContain('(closed in Jira)');
    const reopened = must(
      done.incident,
      { type: 'followup_status', id: 'FU-1', status: 'Reopened', done: false },
      ctx(bot, at(6)),
    );
    expect(reopened.followups[0]).toMatchObject({ state: 'open', doneAt: null });
    expect(reopened.followups[0]!.doneBy).toBeUndefined();
  });

  it("status: a follow-up a person marked done stays done when the tracker's issue is still open", () => {
    let i = must(declared(), add, ctx(ic, at(1), { tracker: 'jira' }));
    i = must(
      i,
      {
        type: 'followup_filed',
        id: 'FU-1',
        tracker: 'jira',
        issueKey: 'REL-1',
        url: 'https://x.example/REL-1',
      },
      ctx(bot, at(2)),
    );
    i = must(i, { type: 'complete_followup', id: 'FU-1' }, ctx(bob, at(3)));
    i = must(i, { type: 'followup_status', id: 'FU-1', status: 'To Do', done: false }, ctx(bot, at(4)));
    expect(i.followups[0]!.state).toBe('done');
  });

  it('status of a follow-up not filed, or of no such follow-up, is refused', () => {
    const i = must(declared(), add, ctx(ic, at(1)));
    expect(
      decide(i, { type: 'followup_status', id: 'FU-1', status: 'Done', done: true }, ctx(bot, at(2))),
    ).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(
      decide(i, { type: 'followup_status', id: 'nope', status: 'Done', done: true }, ctx(bot, at(2))),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it("are the platform's commands (the bot issues them, nobody types them)", () => {
    expect([
      PERMISSIONS.followup_filed,
      PERMISSIONS.followup_filing_failed,
      PERMISSIONS.followup_status,
    ]).toEqual(['platform', 'platform', 'platform']);
  });
});
