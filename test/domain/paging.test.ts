// The core of paging (src/domain/decide/paging.ts): who may page, one page per incident and target (its
// dedup key), "not configured", drills and the console paging nobody, a confidential incident's page, each
// answer of the paging service, and closing resolving the pages still standing.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the playbook's variable syntax, not a template
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/domain/commands.js';
import { decide } from '../../src/domain/decide.js';
import type { MessageEffect } from '../../src/domain/effects.js';
import type { Incident } from '../../src/domain/incident.js';
import { BOT_ID, plainText } from '../../src/domain/text.js';
import { alice, at, bob, ctx, declared, ic, must, playbook } from '../helpers/scenario.js';

const bot = { platform: 'slack' as const, id: BOT_ID };
const PD = { paging: 'pagerduty' as const, isSet: (n: string) => n === 'PAGERDUTY_ROUTING_KEY_INGEST' };
const pageTl: Command = { type: 'page', target: 'technical_lead' };

function answered(over: Partial<Extract<Command, { type: 'page_answered' }>> = {}): Command {
  return {
    type: 'page_answered',
    request: 'technical_lead.1',
    action: 'trigger',
    ok: true,
    status: 202,
    excerpt: '{"status":"success"}',
    latencyMs: 12,
    attempt: 1,
    final: true,
    ...over,
  };
}

const rows = (effects: { type: string }[]) =>
  effects.filter(
    (e): e is MessageEffect => e.type === 'message' && (e as MessageEffect).target.to === 'service',
  );
const posts = (effects: { type: string }[]) =>
  effects.filter(
    (e): e is MessageEffect => e.type === 'message' && (e as MessageEffect).body.kind === 'post',
  );

/** The state a room post about a page shows. */
const stateOf = (e: MessageEffect) => (e.body as unknown as { data: { state: string } }).data.state;

function paged(): Incident {
  return must(declared(), pageTl, ctx(ic, at(1), PD));
}

describe('page', () => {
  it('the IC pages a role: one page with its dedup key, logged, one call owed to the pager, the room told', () => {
    const r = decide(declared(), pageTl, ctx(ic, at(1), PD));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.pages).toEqual([
      {
        request: 'technical_lead.1',
        target: 'technical_lead',
        kind: 'role',
        dedupKey: 'INC-2026-0001/technical_lead',
        status: 'requested',
        provider: 'pagerduty',
        requestedBy: ic.id,
        requestedAt: at(1).toISOString(),
        attempts: 0,
      },
    ]);
    const [row] = rows(r.effects);
    expect(rows(r.effects)).toHaveLength(1);
    expect(row!.target).toEqual({ to: 'service', service: 'pager' });
    expect(row!.body).toMatchObject({
      kind: 'page',
      action: 'trigger',
      dedupKey: 'INC-2026-0001/technical_lead',
      provider: 'pagerduty',
      data: { summary: '[INC-2026-0001] Technical lead needed: Ingest down', severity: 'error' },
    });
    expect(r.effects).toContainEqual(
      expect.objectContaining({
        type: 'log',
        kind: 'page',
        payload: expect.objectContaining({ state: 'requested' }),
      }),
    );
    expect(posts(r.effects).map((p) => stateOf(p))).toEqual(['requested']);
  });

  it('a second page of the same target is refused, naming when and the dedup key; nothing is owed', () => {
    const r = decide(paged(), { type: 'page', target: 'technical_lead' }, ctx(ic, at(2), PD));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid');
    expect(plainText(r.error.message)).toContain('already paged');
    expect(plainText(r.error.message)).toContain('INC-2026-0001/technical_lead');
  });

  it('the comms lead may page; another member is told only the IC or the comms lead can', () => {
    const withComms = must(declared(), { type: 'claim_role', role: 'comms_lead' }, ctx(alice, at(1)));
    expect(decide(withComms, pageTl, ctx(alice, at(2), PD)).ok).toBe(true);
    const withScribe = must(withComms, { type: 'claim_role', role: 'scribe' }, ctx(bob, at(1)));
    const r = decide(withScribe, pageTl, ctx(bob, at(2), PD));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('forbidden');
    expect(r.error.message).toBe(
      'Only the incident commander or the Communications lead can page the on-call.',
    );
  });

  it('without a paging service it says so and pages nobody; an unknown target lists who can be paged', () => {
    const r = decide(declared(), pageTl, ctx(ic, at(1)));
    expect(!r.ok && r.error.code).toBe('not_configured');
    expect(!r.ok && r.error.message).toContain('PAGERDUTY_ROUTING_KEY');
    const u = decide(declared(), { type: 'page', target: 'janitor' }, ctx(ic, at(1), PD));
    expect(!u.ok && u.error.code).toBe('not_found');
    expect(!u.ok && plainText(u.error.message)).toContain('ingest_pipeline');
  });

  it("a service pages with its own routing key's reference; unset, it is refused naming the variable", () => {
    const s = decide(declared(), { type: 'page', target: 'ingest_pipeline' }, ctx(ic, at(1), PD));
    expect(s.ok && rows(s.effects)[0]!.body).toMatchObject({
      dedupKey: 'INC-2026-0001/ingest_pipeline',
      data: { routingKey: '${PAGERDUTY_ROUTING_KEY_INGEST}', team: 'ingest-pipeline', targetKind: 'service' },
    });
    const m = decide(declared(), { type: 'page', target: 'market_data' }, ctx(ic, at(1), PD));
    expect(!m.ok && m.error.message).toContain('PAGERDUTY_ROUTING_KEY_MARKET_DATA');
  });

  it('a drill, and the local console, page nobody: logged and said in the room as a rehearsal', () => {
    for (const [i, c] of [
      [declared({ drill: true }), ctx(ic, at(1), PD)],
      [declared(), ctx(ic, at(1), { paging: 'rehearsal' })],
    ] as const) {
      const r = decide(i, pageTl, c);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(rows(r.effects)).toEqual([]);
      expect(r.incident.pages).toBeUndefined();
      expect(posts(r.effects).map((p) => stateOf(p))).toEqual(['rehearsed']);
    }
  });

  it("a confidential incident's page names its key and the role, never the title or impact", () => {
    const i = declared({ confidential: true, title: 'Credential leak in the vault' });
    const r = decide(i, pageTl, ctx(ic, at(1), PD));
    const data = JSON.stringify(r.ok && rows(r.effects)[0]!.body);
    expect(data).toContain('[INC-2026-0001] Technical lead needed (confidential incident)');
    expect(data).not.toContain('Credential leak');
    expect(data).not.toContain('No market data');
  });
});

describe('page_answered', () => {
  it('a 429 is logged and the room hears of the first failure; the 202 after it marks the role paged', () => {
    const retry = decide(
      paged(),
      answered({ ok: false, status: 429, final: false, error: 'HTTP 429' }),
      ctx(bot, at(2)),
    );
    expect(retry.ok).toBe(true);
    if (!retry.ok) return;
    expect(retry.incident.pages![0]).toMatchObject({ status: 'requested', attempts: 1 });
    expect(posts(retry.effects).map((p) => stateOf(p))).toEqual(['retrying']);
    const done = decide(retry.incident, answered({ attempt: 2 }), ctx(bot, at(3)));
    expect(done.ok && done.incident.pages![0]).toMatchObject({
      status: 'paged',
      attempts: 2,
      answer: { status: 202, final: true },
    });
    if (!done.ok) return;
    // an answer replayed after it is refused: the page has its answer
    const again = decide(done.incident, answered({ attempt: 3 }), ctx(bot, at(4)));
    expect(!again.ok && again.error.code).toBe('invalid');
  });

  it('only the bot reports answers', () => {
    const r = decide(paged(), answered(), ctx(ic, at(2)));
    expect(!r.ok && r.error.code).toBe('forbidden');
  });

  it('a final refusal marks the page failed; it may be paged again, with the same dedup key', () => {
    const failed = must(paged(), answered({ ok: false, status: 400, error: 'HTTP 400' }), ctx(bot, at(2)));
    expect(failed.pages![0]!.status).toBe('failed');
    const again = decide(failed, pageTl, ctx(ic, at(3), PD));
    expect(again.ok && again.incident.pages![1]).toMatchObject({
      request: 'technical_lead.2',
      dedupKey: 'INC-2026-0001/technical_lead',
    });
  });
});

describe('closing resolves the pages', () => {
  it('standing the incident down owes a resolve for each page standing, logged; the answer is logged only', () => {
    const p = must(paged(), answered(), ctx(bot, at(2)));
    const r = decide(p, { type: 'stand_down', reason: 'false alarm' }, ctx(ic, at(5), PD));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.pages![0]).toMatchObject({
      status: 'resolved',
      resolve: { state: 'requested', by: ic.id },
    });
    expect(rows(r.effects).map((e) => e.body)).toEqual([
      expect.objectContaining({ kind: 'page', action: 'resolve', dedupKey: 'INC-2026-0001/technical_lead' }),
    ]);
    expect(r.effects).toContainEqual(
      expect.objectContaining({
        kind: 'page',
        payload: expect.objectContaining({ action: 'resolve', state: 'requested' }),
      }),
    );
    const resolved = decide(r.incident, answered({ action: 'resolve' }), ctx(bot, at(6)));
    expect(resolved.ok && resolved.incident.pages![0]!.resolve).toMatchObject({ state: 'done' });
    expect(resolved.ok && posts(resolved.effects)).toEqual([]);
    // a page that failed is not resolved: there is nothing to resolve
    const failed = must(paged(), answered({ ok: false, status: 400 }), ctx(bot, at(2)));
    const sd = decide(failed, { type: 'stand_down', reason: 'false alarm' }, ctx(ic, at(5), PD));
    expect(sd.ok && rows(sd.effects)).toEqual([]);
  });

  it('a resolve that fails for good is said in the room (resolve it by hand)', () => {
    const p = must(paged(), answered(), ctx(bot, at(2)));
    const closed = must(p, { type: 'stand_down', reason: 'false alarm' }, ctx(ic, at(5), PD));
    const r = decide(closed, answered({ action: 'resolve', ok: false, status: 403 }), ctx(bot, at(6)));
    expect(r.ok && r.incident.pages![0]!.resolve).toMatchObject({ state: 'failed', error: 'HTTP 403' });
    expect(r.ok && posts(r.effects).map((e) => stateOf(e))).toEqual(['resolve_failed']);
  });
});

it('the shipped playbook pages the activation roles and two services named after the handbook systems', () => {
  expect(playbook.paging?.pageAfterMinutes).toBeGreaterThan(playbook.clocks.requiredRolesNudgeMinutes);
  expect(Object.keys(playbook.paging?.services ?? {})).toEqual(['ingest_pipeline', 'market_data']);
});
