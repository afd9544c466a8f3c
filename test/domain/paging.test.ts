// The core of paging (src/domain/decide/paging.ts): who may page, one page per incident and target (its
// dedup key), "not configured", drills and the console paging nobody, a confidential incident's page, each
// answer of the paging service, and closing resolving the pages still standing. Review fixes: dedup keys
// unique across installs, failed-but-maybe-applied pages resolved at close, nothing told after the close,
// Retry-After waits said, one target resolver for the app and the core.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the playbook's variable syntax, not a template
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Command } from '../../src/domain/commands.js';
import { decide } from '../../src/domain/decide.js';
import type { MessageEffect } from '../../src/domain/effects.js';
import type { Incident } from '../../src/domain/incident.js';
import { dedupKeyOf, matchPageTarget } from '../../src/domain/paging.js';
import type { Playbook } from '../../src/domain/playbook.js';
import { validatePlaybook } from '../../src/domain/playbook-schema.js';
import { BOT_ID, plainText } from '../../src/domain/text.js';
import { DEFAULT_PLAYBOOK_PATH } from '../../src/storage/playbook-file.js';
import { alice, at, bob, ctx, declared, ic, must, playbook, T0 } from '../helpers/scenario.js';

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

/** The dedup key of the technical lead's first page of the incident declared at T0. */
const TL_KEY = 'INC-2026-0001.20261126T100000Z.technical_lead';

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
        dedupKey: TL_KEY,
        status: 'requested',
        provider: 'pagerduty',
        requestedBy: ic.id,
        requestedAt: at(1).toISOString(),
        attempts: 0,
      },
    ]);
    const [row] = rows(r.effects);
    expect(rows(r.effects)).toHaveLength(1);
    expect(row!.target).toEqual({ to: 'service', service: 'pager', lane: 'technical_lead' });
    expect(row!.body).toMatchObject({
      kind: 'page',
      action: 'trigger',
      dedupKey: TL_KEY,
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
    expect(plainText(r.error.message)).toContain(TL_KEY);
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
      dedupKey: 'INC-2026-0001.20261126T100000Z.ingest_pipeline',
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

  it('a final refusal marks the page failed; paged again, it is a new alert: a fresh dedup key, said in the room', () => {
    const failed = must(paged(), answered({ ok: false, status: 400, error: 'HTTP 400' }), ctx(bot, at(2)));
    expect(failed.pages![0]!.status).toBe('failed');
    const again = decide(failed, pageTl, ctx(ic, at(3), PD));
    expect(again.ok && again.incident.pages![1]).toMatchObject({
      request: 'technical_lead.2',
      dedupKey: `${TL_KEY}.2`,
    });
    expect(again.ok && rows(again.effects)[0]!.body).toMatchObject({ dedupKey: `${TL_KEY}.2` });
    const [post] = again.ok ? posts(again.effects) : [];
    expect(post!.body).toMatchObject({ data: { dedupKey: `${TL_KEY}.2`, previousKey: TL_KEY } });
  });

  it('paged again after a failed page whose attempts may have applied: the same dedup key (one alert)', () => {
    const failed = must(
      paged(),
      answered({ ok: false, status: 0, error: 'timed out', final: true, mayHaveApplied: true }),
      ctx(bot, at(2)),
    );
    expect(failed.pages![0]).toMatchObject({ status: 'failed', mayHaveApplied: true });
    const again = decide(failed, pageTl, ctx(ic, at(3), PD));
    expect(again.ok && again.incident.pages![1]).toMatchObject({
      request: 'technical_lead.2',
      dedupKey: TL_KEY,
    });
    expect(again.ok && rows(again.effects)[0]!.body).toMatchObject({ dedupKey: TL_KEY });
    const [post] = again.ok ? posts(again.effects) : [];
    expect(post!.body).toMatchObject({ data: { dedupKey: TL_KEY } });
    expect((post!.body as { data: object }).data).not.toHaveProperty('previousKey');
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
      expect.objectContaining({ kind: 'page', action: 'resolve', dedupKey: TL_KEY }),
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

describe('review fixes', () => {
  it('dedup keys carry the incident key and its declaration instant (unique across installs), no "/", at most 255', () => {
    expect(paged().pages![0]!.dedupKey).toBe(TL_KEY);
    // the same number on another install or a rebuilt database, declared at another instant: another alert
    const rebuilt = declaredAt(at(60));
    expect(must(rebuilt, pageTl, ctx(ic, at(61), PD)).pages![0]!.dedupKey).toBe(
      'INC-2026-0001.20261126T110000Z.technical_lead',
    );
    const long = dedupKeyOf({ key: 'INC-2026-0001', declaredAt: T0.toISOString() }, 'x'.repeat(300), 12);
    expect(long).toHaveLength(255);
    expect(long.endsWith('.12')).toBe(true);
    expect(long).not.toContain('/');
  });

  it('a page that failed after an attempt that may have reached the provider is resolved at close too', () => {
    const retried = must(
      paged(),
      answered({ ok: false, status: 500, final: false, mayHaveApplied: true }),
      ctx(bot, at(2)),
    );
    const failed = must(
      retried,
      answered({ ok: false, status: 0, error: 'timed out', attempt: 2, final: true, mayHaveApplied: true }),
      ctx(bot, at(3)),
    );
    expect(failed.pages![0]).toMatchObject({ status: 'failed', mayHaveApplied: true });
    const r = decide(failed, { type: 'stand_down', reason: 'false alarm' }, ctx(ic, at(5), PD));
    expect(r.ok && rows(r.effects).map((e) => e.body)).toEqual([
      expect.objectContaining({ kind: 'page', action: 'resolve', dedupKey: TL_KEY }),
    ]);
    expect(r.ok && r.incident.pages![0]).toMatchObject({ status: 'failed', resolve: { state: 'requested' } });
    // a resolve answer is taken for it; the failed page is not resolved twice
    if (!r.ok) return;
    const done = must(r.incident, answered({ action: 'resolve' }), ctx(bot, at(6)));
    expect(done.pages![0]!.resolve).toMatchObject({ state: 'done' });
  });

  it("a trigger's answer once the incident closed posts nothing (the on-call is not told to come)", () => {
    const retrying = must(
      paged(),
      answered({ ok: false, status: 429, final: false, mayHaveApplied: true }),
      ctx(bot, at(2)),
    );
    const closed = must(retrying, { type: 'stand_down', reason: 'false alarm' }, ctx(ic, at(3), PD));
    expect(closed.pages![0]).toMatchObject({ status: 'resolved', resolve: { state: 'requested' } });
    const skipped = decide(
      closed,
      answered({
        ok: false,
        status: 0,
        attempt: 2,
        final: true,
        skipped: true,
        error: 'not sent: the incident closed first',
      }),
      ctx(bot, at(4)),
    );
    expect(skipped.ok && posts(skipped.effects)).toEqual([]);
    expect(skipped.ok && skipped.incident.pages![0]).toMatchObject({
      status: 'resolved',
      answer: { final: true, error: 'not sent: the incident closed first' },
    });
    expect(skipped.ok && skipped.effects).toContainEqual(
      expect.objectContaining({ kind: 'page', payload: expect.objectContaining({ state: 'skipped' }) }),
    );
    // an answer that raced the close (the call was under way) posts nothing either
    const raced = decide(closed, answered({ attempt: 2 }), ctx(bot, at(4)));
    expect(raced.ok && posts(raced.effects)).toEqual([]);
  });

  it('a page waiting on Retry-After says in the room how long, on any attempt', () => {
    const first = decide(
      paged(),
      answered({ ok: false, status: 429, final: false, retryInMs: 60_000 }),
      ctx(bot, at(2)),
    );
    expect(first.ok && posts(first.effects).map((p) => p.body)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ state: 'retrying', waitSeconds: 60 }) }),
    ]);
    if (!first.ok) return;
    const second = decide(
      first.incident,
      answered({ ok: false, status: 429, final: false, attempt: 2, retryInMs: 30_000 }),
      ctx(bot, at(3)),
    );
    expect(second.ok && posts(second.effects).map((p) => stateOf(p))).toEqual(['retrying']);
    // a plain 5xx after the first is only logged
    const third = decide(
      first.incident,
      answered({ ok: false, status: 500, final: false, attempt: 2 }),
      ctx(bot, at(3)),
    );
    expect(third.ok && posts(third.effects)).toEqual([]);
  });

  it('one resolver for the app and the core: roles first, a service by name, a unique prefix of 3+, else the choices', () => {
    expect(matchPageTarget(playbook, 'Technical lead')).toEqual({ kind: 'role', id: 'technical_lead' });
    expect(matchPageTarget(playbook, 'tl', () => 'technical_lead')).toEqual({
      kind: 'role',
      id: 'technical_lead',
    });
    expect(matchPageTarget(playbook, 'market-data')).toEqual({ kind: 'service', id: 'market_data' });
    expect(matchPageTarget(playbook, 'ing')).toEqual({ kind: 'service', id: 'ingest_pipeline' });
    expect(matchPageTarget(playbook, 'm')).toMatchObject({ error: 'unknown' });
    expect(matchPageTarget(playbook, 'in')).toMatchObject({ error: 'unknown' });
    expect(matchPageTarget(playbook, 'com')).toEqual({
      error: 'ambiguous',
      choices: ['commander', 'comms_lead', 'compliance_lead'],
    });
    const m = decide(declared(), { type: 'page', target: 'm' }, ctx(ic, at(1), PD));
    expect(!m.ok && m.error.code).toBe('not_found');
    expect(!m.ok && plainText(m.error.message)).toContain('market_data');
    const com = decide(declared(), { type: 'page', target: 'com' }, ctx(ic, at(1), PD));
    expect(!com.ok && plainText(com.error.message)).toContain(
      'could mean commander, comms_lead, compliance_lead',
    );
  });

  it("the playbook refuses a service whose name, normalised, is a role's name", () => {
    const pb = parse(readFileSync(DEFAULT_PLAYBOOK_PATH, 'utf8')) as Playbook;
    pb.paging = {
      ...pb.paging!,
      services: {
        incident_commander: { description: 'The IC rota' },
        'technical-lead': { description: 'TL rota' },
      },
    };
    const r = validatePlaybook(pb);
    expect(r.ok ? [] : r.errors).toEqual([
      expect.stringContaining('"incident_commander" is also a role'),
      expect.stringContaining('"technical-lead" is also a role'),
    ]);
  });
});

function declaredAt(when: Date): Incident {
  return must(
    null,
    {
      type: 'declare',
      key: 'INC-2026-0001',
      title: 'Ingest down',
      triggerClass: 'service_outage',
      impact: 'No market data',
      severeImpact: false,
      drill: false,
    },
    ctx(ic, when),
  );
}
