// An ack (the HTTP answer to Slack or Teams) leaves only after what the request wrote is synced to disk;
// when the sync fails, no answer at all (the platform retries; the idempotency key makes that safe).
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { durableAcks, noteCommit } from '../../src/ops/durable-acks.js';
import { VIEW } from '../../src/platforms/slack/ids.js';
import { declareValues, freshViewId, IC, waitFor } from '../faults/fault-helpers.js';
import { type RealBot, startRealBot } from '../faults/real-bot.js';
import {
  cardOf,
  executeClick,
  findAction,
  GENERAL_CHANNEL,
  mentionMessage,
} from '../platforms/teams/activities.js';
import { type BootedTeamsBot, bootTeamsBot } from '../support/boot-teams-bot.js';

let real: RealBot | null = null;
let teams: BootedTeamsBot | null = null;
let closeServer: (() => void) | null = null;
afterEach(async () => {
  await real?.close();
  real = null;
  await teams?.close();
  teams = null;
  closeServer?.();
  closeServer = null;
});

/** An express app whose one route answers at once, behind durableAcks with a sync the test controls. */
async function heldApp() {
  const waiting: { release: () => void; fail: (e: Error) => void }[] = [];
  const failures: unknown[] = [];
  const app = express();
  app.use(
    '/slack/events',
    durableAcks(
      {
        durable: () =>
          new Promise<void>((release, fail) => {
            waiting.push({ release, fail });
          }),
      },
      (e) => failures.push(e),
    ),
  );
  app.post('/slack/events', (req, res) => {
    // As the store reports a commit made while handling this request (after an await: still its context).
    if (req.query.store)
      void Promise.resolve()
        .then(() => noteCommit())
        .then(() => res.json({ ok: true }));
    else res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  closeServer = () => server.close();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  return { url, waiting, failures };
}

describe('durable acks', () => {
  it('holds the answer of a request that stored something until the sync completes', async () => {
    const h = await heldApp();
    let answered = false;
    const res = fetch(`${h.url}?store=1`, { method: 'POST' }).then((r) => {
      answered = true;
      return r;
    });
    await waitFor(() => h.waiting.length === 1 || undefined, 'the sync to be asked for');
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    h.waiting[0]!.release();
    const r = await res;
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });

  it('answers a request that stored nothing at once (a button acks before it works)', async () => {
    const h = await heldApp();
    const r = await fetch(h.url, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(h.waiting).toHaveLength(0);
  });

  it('answers nothing when the sync fails (the connection is dropped)', async () => {
    const h = await heldApp();
    const res = fetch(`${h.url}?store=1`, { method: 'POST' });
    await waitFor(() => h.waiting.length === 1 || undefined, 'the sync to be asked for');
    h.waiting[0]!.fail(new Error('EIO'));
    await expect(res).rejects.toThrow();
    expect(String(h.failures[0])).toContain('EIO');
  });

  it('on Teams: the declaring submission is held for a sync, a help message is not', async () => {
    let asked = 0;
    teams = await bootTeamsBot({
      durability: {
        durable: async () => {
          asked++;
        },
      },
    });
    const t = teams;
    const where = (conversationId?: string) => ({
      serviceUrl: t.connector.serviceUrl,
      ...(conversationId ? { conversationId } : {}),
    });
    await t.sendActivity(mentionMessage('incident help', where()));
    expect(asked).toBe(0);
    const thread = `${GENERAL_CHANNEL};messageid=1760000088888`;
    const before = t.connector.activities.length;
    await t.sendActivity(mentionMessage('incident declare Ingest down', where(thread)));
    const [formMsg] = (await t.connector.waitForActivities(before + 1)).slice(before);
    const submit = findAction(
      cardOf(formMsg?.body),
      (x) => x.type === 'Action.Execute' && x.data.form === 'declare',
    );
    const values = {
      title: 'Held on Teams',
      triggerClass: 'service_outage',
      impact: 'x',
      severeImpact: 'false',
      drill: 'false',
    };
    const r = await t.sendActivity(
      executeClick(submit, values, { ...where(thread), replyToId: formMsg?.responseId }),
    );
    expect(r.status).toBe(200);
    expect(t.store.listOpen().map((i) => i.title)).toEqual(['Held on Teams']);
    // The command was stored in the request's own async context: its answer waited for the sync.
    expect(asked).toBeGreaterThan(0);
  });

  it('in the real bot: a declaration is synced before its ack, and the sync is on /metrics', async () => {
    real = await startRealBot();
    const r = real;
    const metric = async () => {
      const text = await (await fetch(`${r.bot.url}/metrics`)).text();
      const m = /^incident_bot_wal_sync_seconds_count\{result="ok"\} (\d+)$/m.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const before = await metric();
    const res = await r.sim.viewSubmission({
      callbackId: VIEW.declare,
      userId: IC,
      values: declareValues({ title: 'Synced before the ack' }),
      privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
      viewId: freshViewId(),
    });
    expect(res.status).toBe(200);
    // Counted when the sync completed, which was before the ack went out.
    expect(await metric()).toBeGreaterThan(before);
    expect(r.bot.store.listOpen().map((i) => i.title)).toContain('Synced before the ack');
    expect(
      /wal_sync_seconds_count\{result="failed"\}/.test(await (await fetch(`${r.bot.url}/metrics`)).text()),
    ).toBe(false);
  });
});
