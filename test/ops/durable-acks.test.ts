// An ack (the HTTP answer to Slack or Teams) leaves only after what the request wrote is synced to disk;
// when the sync fails, no answer at all (the platform retries; the idempotency key makes that safe).
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { durableAcks } from '../../src/ops/durable-acks.js';
import { VIEW } from '../../src/platforms/slack/ids.js';
import { declareValues, freshViewId, IC, waitFor } from '../faults/fault-helpers.js';
import { type RealBot, startRealBot } from '../faults/real-bot.js';

let real: RealBot | null = null;
let closeServer: (() => void) | null = null;
afterEach(async () => {
  await real?.close();
  real = null;
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
  app.post('/slack/events', (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  closeServer = () => server.close();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  return { url, waiting, failures };
}

describe('durable acks', () => {
  it('holds the answer until the sync completes', async () => {
    const h = await heldApp();
    let answered = false;
    const res = fetch(h.url, { method: 'POST' }).then((r) => {
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

  it('answers nothing when the sync fails (the connection is dropped)', async () => {
    const h = await heldApp();
    const res = fetch(h.url, { method: 'POST' });
    await waitFor(() => h.waiting.length === 1 || undefined, 'the sync to be asked for');
    h.waiting[0]!.fail(new Error('EIO'));
    await expect(res).rejects.toThrow();
    expect(String(h.failures[0])).toContain('EIO');
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
