// The core of actions with a record (src/domain/decide/actions.ts): who may run one, "not configured",
// the confirmation, the request with its one outbox row to the actions service, and each answer: logged,
// posted to the room, and on success the checklist item done (once) and the undo offered.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the playbook's variable syntax, not a template
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/domain/commands.js';
import { decide } from '../../src/domain/decide.js';
import type { Incident } from '../../src/domain/incident.js';
import { offeredActions, urlTarget } from '../../src/domain/playbook-actions.js';
import { refusalOf } from '../../src/domain/queries.js';
import { BOT_ID, plainText } from '../../src/domain/text.js';
import { summaryView } from '../../src/views/summary.js';
import { alice, at, bob, ctx, declared, ic, must, playbook } from '../helpers/scenario.js';

const ALL_SET = (n: string) => n.length > 0;
const bot = { platform: 'slack' as const, id: BOT_ID };

const freeze = (over: Partial<Extract<Command, { type: 'run_action' }>> = {}): Command => ({
  type: 'run_action',
  action: 'freeze_deployments',
  reason: 'a bad deploy is rolling out',
  confirmed: true,
  ...over,
});

function answered(over: Partial<Extract<Command, { type: 'action_answered' }>> = {}): Command {
  return {
    type: 'action_answered',
    action: 'freeze_deployments',
    request: 'freeze_deployments.1',
    ok: true,
    status: 200,
    excerpt: '{"frozen":true}',
    latencyMs: 42,
    attempt: 1,
    final: true,
    target: 'gate.example.com/freeze',
    ...over,
  };
}

function requested(): Incident {
  return must(declared(), freeze(), ctx(ic, at(1), { isSet: ALL_SET }));
}

describe('run_action', () => {
  it('the IC runs it: one request logged, one call owed to the actions service, the room told', () => {
    const r = decide(declared(), freeze(), ctx(ic, at(1), { isSet: ALL_SET }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.actionRuns).toEqual([
      {
        request: 'freeze_deployments.1',
        action: 'freeze_deployments',
        by: ic.id,
        at: at(1).toISOString(),
        reason: 'a bad deploy is rolling out',
        state: 'requested',
        attempts: 0,
      },
    ]);
    const calls = r.effects.filter((e) => e.type === 'message' && e.target.to === 'service');
    expect(calls).toEqual([
      {
        type: 'message',
        key: 'action:freeze_deployments.1',
        target: { to: 'service', service: 'actions' },
        body: expect.objectContaining({
          kind: 'action',
          action: 'freeze_deployments',
          request: 'freeze_deployments.1',
          data: expect.objectContaining({
            incident: 'INC-2026-0001',
            drill: false,
            reason: 'a bad deploy is rolling out',
          }),
        }),
      },
    ]);
    const logged = r.effects.find((e) => e.type === 'log' && e.kind === 'action');
    expect(logged).toMatchObject({
      payload: {
        state: 'requested',
        webhook: 'POST ${PROMOTION_GATE_URL}/freeze',
        reason: 'a bad deploy is rolling out',
      },
    });
    expect(
      r.effects.some((e) => e.type === 'message' && e.body.kind === 'post' && e.body.template === 'action'),
    ).toBe(true);
    // a second request while the first awaits its answer is refused
    const again = decide(r.incident, freeze(), ctx(ic, at(2), { isSet: ALL_SET }));
    expect(again.ok ? '' : again.error.message).toMatch(/already requested/);
  });

  it('refuses the unconfirmed, the unconfigured, the wrong role, and a missing reason; nothing changes', () => {
    const i = declared();
    const NONE = (_n: string) => false;
    const msg = (c: Command, actor = ic, isSet: (n: string) => boolean = ALL_SET) => {
      const r = decide(i, c, ctx(actor, at(1), { isSet }));
      return r.ok ? 'ok' : `${r.error.code}: ${plainText(r.error.message)}`;
    };
    expect(msg(freeze({ confirmed: false }))).toBe(
      'invalid: Confirm first: The promotion gate stops every deployment to production, for every team, until deployments are unfrozen.',
    );
    expect(msg(freeze(), ic, NONE)).toBe(
      'not_configured: "Freeze deployments" is not configured: set PROMOTION_GATE_URL, PROMOTION_GATE_TOKEN in the bot\'s environment (see docs/configuration.md, "Playbook actions"). Nothing was called.',
    );
    expect(msg(freeze(), ic, (n) => n === 'PROMOTION_GATE_URL')).toMatch(/set PROMOTION_GATE_TOKEN in/);
    expect(msg(freeze({ reason: '  ' }))).toBe('invalid: Say why: the reason is kept in the decision log.');
    expect(msg(freeze({ action: 'nuke' }))).toMatch(/^not_found: There is no action "nuke"/);
    // a member with no role, and the scribe, may not; the technical lead may freeze but not switch off
    expect(msg(freeze(), alice)).toBe(
      'forbidden: Only the Incident commander or Technical lead can run "Freeze deployments".',
    );
    const tl = must(i, { type: 'claim_role', role: 'technical_lead' }, ctx(bob, at(1)));
    const asTl = (c: Command) => decide(tl, c, ctx(bob, at(2), { isSet: ALL_SET }));
    expect(asTl(freeze()).ok).toBe(true);
    const off = asTl(freeze({ action: 'master_switch_off' }));
    expect(off.ok ? '' : plainText(off.error.message)).toBe(
      'Only the Incident commander can run "Master switch off".',
    );
    // before a form opens: the wrong role and "not configured" are refusals, the missing confirmation is not
    const probe = freeze({ reason: '', confirmed: false });
    expect(refusalOf(i, probe, ctx(alice, at(1), { isSet: ALL_SET }))?.code).toBe('forbidden');
    expect(refusalOf(i, probe, ctx(ic, at(1)))?.code).toBe('not_configured');
    expect(refusalOf(i, probe, ctx(ic, at(1), { isSet: ALL_SET }))).toBeNull();
  });
});

describe('action_answered', () => {
  it('success: logged with status and latency, the checklist item done once, the undo offered', () => {
    const i = requested();
    expect(offeredActions(playbook, i).map((a) => a.id)).toEqual(['master_switch_off']);
    const r = decide(i, answered(), ctx(bot, at(2)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.actionRuns?.[0]).toMatchObject({ state: 'succeeded', status: 200, attempts: 1 });
    expect(r.incident.checklist['stabilize.freeze_deploys']).toEqual({
      state: 'done',
      by: ic.id,
      at: at(2).toISOString(),
    });
    expect(
      r.effects.filter((e) => e.type === 'log').map((e) => e.type === 'log' && [e.kind, e.payload.state]),
    ).toEqual([
      ['action', 'succeeded'],
      ['checklist', 'done'],
    ]);
    expect(r.effects.find((e) => e.type === 'log' && e.kind === 'action')).toMatchObject({
      payload: { status: 200, latencyMs: 42, excerpt: '{"frozen":true}', target: 'gate.example.com/freeze' },
    });
    expect(offeredActions(playbook, r.incident).map((a) => a.id)).toEqual([
      'unfreeze_deployments',
      'master_switch_off',
    ]);
    const summary = summaryView(r.incident, playbook);
    expect(summary.actions.filter((a) => a.kind === 'open_form' && a.form === 'action')).toEqual([
      {
        kind: 'open_form',
        form: 'action',
        label: 'Unfreeze deployments',
        prefill: { action_id: 'unfreeze_deployments' },
      },
      {
        kind: 'open_form',
        form: 'action',
        label: 'Master switch off',
        prefill: { action_id: 'master_switch_off' },
        style: 'danger',
      },
    ]);
    expect(summary.status.map(plainText).join('\n')).toMatch(/Freeze deployments: in effect since/);
    // a late report for the same request changes nothing
    const late = decide(r.incident, answered({ attempt: 2 }), ctx(bot, at(3)));
    expect(late.ok).toBe(false);
    // the undo: unfreezing leaves the checklist as it is and offers the freeze again
    const unfrozen = must(
      must(
        r.incident,
        freeze({ action: 'unfreeze_deployments', reason: 'fix deployed' }),
        ctx(ic, at(4), { isSet: ALL_SET }),
      ),
      answered({ action: 'unfreeze_deployments', request: 'unfreeze_deployments.1' }),
      ctx(bot, at(5)),
    );
    expect(unfrozen.checklist['stabilize.freeze_deploys']?.state).toBe('done');
    expect(offeredActions(playbook, unfrozen).map((a) => a.id)).toEqual([
      'freeze_deployments',
      'master_switch_off',
    ]);
  });

  it('a failed attempt stays requested and is posted once; a final failure ticks nothing', () => {
    const i = requested();
    const first = decide(
      i,
      answered({ ok: false, status: 503, final: false, error: 'HTTP 503' }),
      ctx(bot, at(2)),
    );
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.incident.actionRuns?.[0]).toMatchObject({
      state: 'requested',
      attempts: 1,
      error: 'HTTP 503',
    });
    const posts = (effects: typeof first.effects) =>
      effects.filter((e) => e.type === 'message' && e.body.kind === 'post').length;
    expect(posts(first.effects)).toBe(1);
    const second = decide(
      first.incident,
      answered({ ok: false, status: 503, final: false, attempt: 2 }),
      ctx(bot, at(3)),
    );
    expect(second.ok && posts(second.effects)).toBe(0);
    if (!second.ok) return;
    const gaveUp = must(
      second.incident,
      answered({ ok: false, status: 401, final: true, attempt: 3, error: 'HTTP 401 Unauthorized' }),
      ctx(bot, at(4)),
    );
    expect(gaveUp.actionRuns?.[0]).toMatchObject({ state: 'failed', status: 401, attempts: 3 });
    expect(gaveUp.checklist['stabilize.freeze_deploys']).toBeUndefined();
    // it may be run again
    expect(decide(gaveUp, freeze(), ctx(ic, at(5), { isSet: ALL_SET })).ok).toBe(true);
  });

  it('only the bot reports answers; a closed incident takes undos and answers, not new actions', () => {
    const i = requested();
    expect(decide(i, answered(), ctx(ic, at(2))).ok).toBe(false);
    const done = must(i, answered(), ctx(bot, at(2)));
    const closed = { ...done, closedAt: at(3).toISOString() };
    const off = decide(closed, freeze({ action: 'master_switch_off' }), ctx(ic, at(4), { isSet: ALL_SET }));
    expect(off.ok ? '' : off.error.code).toBe('closed');
    expect(
      decide(closed, freeze({ action: 'unfreeze_deployments' }), ctx(ic, at(4), { isSet: ALL_SET })).ok,
    ).toBe(true);
  });

  it('a drill calls too, and says so in the body; a confidential title stays in the incident', () => {
    const drill = must(declared({ drill: true }), freeze(), ctx(ic, at(1), { isSet: ALL_SET }));
    const r = decide(declared({ drill: true }), freeze(), ctx(ic, at(1), { isSet: ALL_SET }));
    const call = r.ok ? r.effects.find((e) => e.type === 'message' && e.body.kind === 'action') : undefined;
    expect(call?.type === 'message' && call.body.kind === 'action' && call.body.data.drill).toBe(true);
    expect(drill.actionRuns).toHaveLength(1);
    // a confidential incident's title is not sent
    const secret = decide(declared({ confidential: true }), freeze(), ctx(ic, at(1), { isSet: ALL_SET }));
    const sent = secret.ok
      ? secret.effects.find((e) => e.type === 'message' && e.body.kind === 'action')
      : undefined;
    expect(sent?.type === 'message' && sent.body.kind === 'action' && sent.body.data.title).toBe(
      'INC-2026-0001 (confidential)',
    );
  });

  it('the log keeps the url as the playbook writes it: variables by name, no user, password, query or fragment', () => {
    expect(urlTarget('${SLACK_HOOK_URL}')).toBe('${SLACK_HOOK_URL}');
    expect(urlTarget('${PROMOTION_GATE_URL}/freeze?token=${T}')).toBe('${PROMOTION_GATE_URL}/freeze');
    expect(urlTarget('https://ops:${PW}@gate.example.com:8443/api/freeze?x=1#frag')).toBe(
      'gate.example.com:8443/api/freeze',
    );
  });
});
