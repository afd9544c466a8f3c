// The bad-input corpus (test/faults/corpus/*.json) through the real endpoint: every case gets a clear
// answer or a rejection, never a 500 or a listener error, and (unless the case is accepted input such as
// injected markup) changes nothing. Plus property tests over the shared form schemas.
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareSchema as declareFormSchema } from '../../src/app/forms/declare.js';
import type { TemplateId } from '../../src/domain/playbook.js';
import { validateTemplateFields } from '../../src/domain/template-fields.js';
import { VIEW } from '../../src/platforms/slack/ids.js';
import { loadPlaybook } from '../../src/storage/playbook-file.js';
import { bootSlackBot, SIGNING_SECRET, type SlackBot } from '../support/boot-slack-bot.js';
import { type SendOptions, signSlack } from '../support/slack-request.js';
import {
  closeValues,
  declare,
  declareValues,
  freshViewId,
  IC,
  mentionLeaks,
  outboxRows,
  phaseValues,
  sleep,
  updateValues,
  waitFor,
} from './fault-helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: corpus cases are free-form JSON
type Json = any;

interface Case {
  name: string;
  kind: string;
  expect?: {
    status?: number;
    statusIn?: number[];
    text?: string;
    fieldError?: string;
    ephemeral?: string;
  };
  accepted?: boolean;
  noMentionLeak?: boolean;
  [k: string]: Json;
}

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.json'))
  .sort();
const tried = { corpus: 0, properties: 0 };

let bot: SlackBot;
const vars: Record<string, string> = {};

beforeAll(async () => {
  bot = await bootSlackBot();
  const open = await declare(bot, { title: 'Open incident for the corpus' });
  vars.key = open.key;
  vars.room = open.room!.id;
  const closed = await declare(bot, { title: 'Closed incident for the corpus' });
  const meta = JSON.stringify({ k: closed.key, c: closed.room!.id });
  for (const [cb, values] of [
    [VIEW.phase, phaseValues('detection', 'containment')],
    [VIEW.phase, phaseValues('containment', 'mitigation')],
    [VIEW.phase, phaseValues('mitigation', 'closure')],
    [VIEW.close, closeValues()],
  ] as const) {
    const r = await bot.sim.viewSubmission({
      callbackId: cb,
      userId: IC,
      values,
      privateMetadata: meta,
      viewId: freshViewId(),
    });
    expect(r.body).toBe('');
  }
  expect(bot.store.get(closed.key)!.closedAt).not.toBeNull();
  vars.closedKey = closed.key;
  vars.closedRoom = closed.room!.id;
  await bot.dispatcher.drain(5000);
});
afterAll(async () => {
  await bot?.close();
});

function fill(v: Json): Json {
  if (typeof v === 'string')
    return v
      .replace(/\{\{(.)\*(\d+)\}\}/g, (_, ch: string, n: string) => ch.repeat(Number(n)))
      .replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? `{{${k}}}`);
  if (Array.isArray(v)) return v.map(fill);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
  return v;
}

function values(v: Json): Json {
  if (v === 'declare') return declareValues({});
  if (v === 'update') return updateValues();
  if (v === 'close') return closeValues();
  if (v && typeof v === 'object' && 'declare' in v) return declareValues(v.declare);
  if (v && typeof v === 'object' && 'update' in v) return updateValues(v.update.developments);
  return v ?? {};
}

/** Signature headers per the case's `sign` mode; returns the body actually sent (tampered) too. */
function signing(mode: string | undefined, body: string): { opts: SendOptions; body: string } {
  const now = Math.floor(Date.now() / 1000);
  const sig = (ts: string, b = body, prefix = 'v0=') =>
    prefix + createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${b}`).digest('hex');
  switch (mode) {
    case undefined:
      return { opts: {}, body };
    case 'wrong-secret':
      return { opts: { signingSecret: 'not-the-secret' }, body };
    case 'stale':
      return { opts: { timestamp: now - 600 }, body };
    case 'future':
      return { opts: { timestamp: now + 600 }, body };
    case 'none':
      return { opts: { unsigned: true }, body };
    case 'no-timestamp':
      return { opts: { unsigned: true, headers: { 'x-slack-signature': sig(String(now)) } }, body };
    case 'no-signature':
      return { opts: { unsigned: true, headers: { 'x-slack-request-timestamp': String(now) } }, body };
    case 'garbage-timestamp':
      return {
        opts: {
          unsigned: true,
          headers: { 'x-slack-request-timestamp': 'abc', 'x-slack-signature': sig('abc') },
        },
        body,
      };
    case 'tampered':
      return {
        opts: { unsigned: true, headers: signSlack(SIGNING_SECRET, body) },
        body: `${body}%20tampered`,
      };
    case 'v1':
      return {
        opts: {
          unsigned: true,
          headers: {
            'x-slack-request-timestamp': String(now),
            'x-slack-signature': sig(String(now), body, 'v1='),
          },
        },
        body,
      };
    default:
      throw new Error(`unknown sign mode ${mode}`);
  }
}

const FORM = 'application/x-www-form-urlencoded';

function build(c: Case, user: string): { body: string; contentType: string } {
  const sim = bot.sim;
  const team = (p: Json) => {
    if (c.team) {
      if (p.team) p.team.id = c.team;
      if (p.view) p.view.team_id = c.team;
      if (p.user) p.user.team_id = c.team;
    }
    if (c.userTeam && p.user) p.user.team_id = c.userTeam;
    return p;
  };
  const payloadBody = (p: Json) => new URLSearchParams({ payload: JSON.stringify(team(p)) }).toString();
  switch (c.kind) {
    case 'slash': {
      const form = sim.slashForm(c.text, {
        userId: user,
        channelId: c.channel ?? 'C0GENERAL',
        ...(c.command ? { command: c.command } : {}),
      });
      if (c.team) form.team_id = c.team;
      return { body: new URLSearchParams(form).toString(), contentType: FORM };
    }
    case 'rawSlash': {
      const form = sim.slashForm('', { userId: user, channelId: c.channel ?? 'C0GENERAL' });
      delete form.text;
      return { body: `${new URLSearchParams(form).toString()}&text=${c.rawText}`, contentType: FORM };
    }
    case 'viewSubmission':
    case 'viewClosed':
      return {
        body: payloadBody(
          sim.viewSubmissionPayload({
            callbackId: c.callbackId,
            userId: user,
            values: values(c.values),
            privateMetadata: c.privateMetadata ?? '',
            viewId: freshViewId(),
            closed: c.kind === 'viewClosed',
          }),
        ),
        contentType: FORM,
      };
    case 'blockAction':
      return {
        body: payloadBody(
          sim.blockActionPayload({
            actionId: c.actionId,
            userId: user,
            channelId: c.channel,
            ...(c.value !== undefined ? { value: c.value } : {}),
            ...(c.type ? { type: c.type } : {}),
            ...(c.selectedOptions
              ? { selectedOptions: c.selectedOptions.map((value: string) => ({ value })) }
              : {}),
          }),
        ),
        contentType: FORM,
      };
    case 'rawPayload':
      return { body: payloadBody(c.payload), contentType: FORM };
    case 'raw':
      return { body: c.body, contentType: c.contentType };
    default:
      throw new Error(`unknown case kind ${c.kind}`);
  }
}

function snapshot() {
  const db = bot.store.db;
  return {
    incidents: db.prepare('SELECT key, version, state FROM incidents ORDER BY key').all(),
    log: (db.prepare('SELECT COUNT(*) n FROM decision_log').get() as { n: number }).n,
    outbox: outboxRows(db).length,
    refs: db.prepare('SELECT * FROM message_refs ORDER BY incident_key, name').all(),
  };
}

let caseNo = 0;
for (const file of files) {
  const corpus = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as { about: string; cases: Case[] };
  describe(`corpus ${file}: ${corpus.about.slice(0, 80)}`, () => {
    for (const raw of corpus.cases) {
      it(raw.name, async () => {
        const c = fill(raw) as Case;
        tried.corpus++;
        const user = c.user ?? `U0CASE${++caseNo}`;
        const errorsBefore = bot.errors.length;
        const callsBefore = bot.fake.calls.length;
        const before = snapshot();
        const built = build(c, user);
        const { opts, body } = signing(c.sign, built.body);
        const res = await bot.sim.send(body, built.contentType, opts);
        const e = c.expect ?? {};
        expect(res.status, `status; body ${res.text.slice(0, 200)}`).not.toBe(500);
        if (e.statusIn) expect(e.statusIn).toContain(res.status);
        else expect(res.status).toBe(e.status ?? 200);
        if (e.text) expect(String(res.body?.text ?? res.text)).toMatch(new RegExp(e.text, 's'));
        if (e.fieldError) {
          expect(res.body?.response_action, res.text.slice(0, 300)).toBe('errors');
          expect(Object.values(res.body.errors).join(' | ')).toMatch(new RegExp(e.fieldError, 's'));
        }
        if (e.ephemeral) {
          const told = await waitFor(
            () => bot.fake.ephemerals.find((x) => x.user === user),
            `an answer to ${user}`,
          );
          expect(told.text).toMatch(new RegExp(e.ephemeral, 's'));
          expect(told.text).not.toMatch(/Error:|\bat .+\.[tj]s:\d+/);
        }
        // Answers never carry stack traces.
        expect(res.text).not.toMatch(/\bat .+\.[tj]s:\d+|SqliteError|TypeError/);
        await sleep(30);
        expect(await bot.dispatcher.drain(5000)).toBe(true);
        if (e.status === 401)
          expect(bot.fake.calls.length, 'no Slack call for a refused request').toBe(callsBefore);
        if (!c.accepted) expect(snapshot(), 'nothing changed').toEqual(before);
        if (c.noMentionLeak) {
          expect(mentionLeaks(bot.fake)).toEqual([]);
          expect(String(res.body?.text ?? '')).not.toMatch(/<!(channel|here|everyone)>/);
        }
        const errs = bot.errors.slice(errorsBefore);
        expect(errs, JSON.stringify(errs).slice(0, 500)).toEqual([]);
        expect(bot.outbox.pending()).toEqual([]);
        expect(outboxRows(bot.store.db).filter((r) => r.failed_at)).toEqual([]);
      });
    }
  });
}

describe('injected text is stored verbatim and rendered as text', () => {
  it('the injection title round-trips and no recorded Slack call pings anyone', async () => {
    const i = bot.store.listOpen().find((x) => x.title.startsWith('<!channel>'));
    expect(i?.title).toBe('<!channel> <!here> <@U123> *bold* <!subteam^S1|@oncall> & done');
    expect(mentionLeaks(bot.fake)).toEqual([]);
    const calls = bot.fake.calls.filter((c) => JSON.stringify(c.args).includes('*bold*'));
    // "*bold*" in a title is shown literally (escaped or wrapped), never as the bot's own formatting of the title
    for (const c of calls) expect(JSON.stringify(c.args)).not.toContain('<@U123>');
    const sqlTitle = bot.store.listOpen().find((x) => x.title.includes('DROP TABLE'));
    expect(sqlTitle?.title).toBe("x'); DROP TABLE incidents; --");
    expect(
      (bot.store.db.prepare('SELECT COUNT(*) n FROM incidents').get() as { n: number }).n,
    ).toBeGreaterThan(2);
  });
});

describe('form schemas never throw (fast-check, seed 42)', () => {
  const pb = loadPlaybook().playbook;
  const anyText = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.constantFrom('', ' ', '\u0000', '<!channel>', "'; DROP TABLE x; --", 'x'.repeat(3001), '\ud800'),
  );
  const anyValue = fc.oneof(
    anyText,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(fc.string(), { maxLength: 3 }),
  );

  it('declareFormSchema: parses or gives field errors', () => {
    const schema = declareFormSchema(pb);
    fc.assert(
      fc.property(
        fc.record(
          {
            title: anyValue,
            triggerClass: fc.oneof(anyValue, fc.constantFrom(...pb.triggers.map((t) => t.id))),
            impact: anyValue,
            severeImpact: anyValue,
            drill: anyValue,
            commander: anyValue,
          },
          { requiredKeys: [] },
        ),
        (raw) => {
          tried.properties++;
          const r = schema.safeParse(raw);
          if (r.success) {
            expect(r.data.title.length).toBeGreaterThan(0);
            expect(r.data.title.length).toBeLessThanOrEqual(150);
            expect(r.data.title).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/);
          } else {
            expect(r.error.issues.length).toBeGreaterThan(0);
            for (const i of r.error.issues) expect(typeof i.message).toBe('string');
          }
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('validateTemplateFields: fields or field errors, for every template', () => {
    const ids: TemplateId[] = ['initial_alert', 'status_update', 'closure_notice'];
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.dictionary(
          fc.oneof(
            fc.constantFrom(
              'system',
              'summary',
              'status',
              'developments',
              'risks',
              'help',
              'next_update',
              'resolved_at',
              'impact_summary',
              'followups',
              'review',
              'impact',
              'actions',
              'commander',
              'start_time',
            ),
            fc.string({ maxLength: 10 }),
          ),
          anyValue,
          { maxKeys: 12 },
        ),
        (id, raw) => {
          tried.properties++;
          const r = validateTemplateFields(pb, id, raw);
          if (r.ok) for (const v of Object.values(r.fields)) expect(typeof v).toBe('string');
          else {
            expect(Object.keys(r.errors).length).toBeGreaterThan(0);
            for (const m of Object.values(r.errors)) expect(m.length).toBeGreaterThan(0);
          }
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

afterAll(() => {
  if (process.env.FAULTS_VERBOSE) console.log('FAULTS bad-input', JSON.stringify(tried));
});
