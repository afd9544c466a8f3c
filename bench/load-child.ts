// The open-loop load generator in its own process (forked by bench/run.ts, IPC channel), so building,
// signing and sending requests and timing their answers costs the server under test nothing.
// Message in:  { id, url, secret, kind: 'slash'|'button'|'view'|'alert', rate, seconds, rooms, keysByRoom }
// Message out: { id, lat: number[] (ms, sorted), errors, lagMs } where lagMs is how late the last send went
// out against its schedule (the generator keeping up is a precondition for the numbers to mean anything).
import { performance } from 'node:perf_hooks';
import { encodeMeta } from '../src/platforms/slack/render/modal-kit.js';
import { SlackClientSim } from '../test/support/slack-request.js';
import { alertBody, type Kind, updateValues } from './payloads.js';

export interface LoadRequest {
  id: number;
  url: string;
  secret: string;
  kind: Kind;
  rate: number;
  seconds: number;
  userPrefix: string;
  ic: string;
  rooms: string[];
  keysByRoom: Record<string, string>;
}

export interface LoadResult {
  id: number;
  lat: number[];
  errors: number;
  lagMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let uniq = 0;
const sims = new Map<string, SlackClientSim>();

function send(q: LoadRequest, sim: SlackClientSim, n: number): Promise<{ status: number }> {
  // The alert webhook: Alertmanager's POST with its bearer token (`secret`), to `url` as given.
  if (q.kind === 'alert')
    return fetch(q.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${q.secret}`, 'content-type': 'application/json' },
      body: alertBody(n),
    }).then(async (r) => {
      await r.arrayBuffer();
      return r;
    });
  const room = q.rooms[n % q.rooms.length] as string;
  const u = ++uniq;
  if (q.kind === 'slash') return sim.slash(`log bench note ${u}`, { userId: q.ic, channelId: room });
  if (q.kind === 'button')
    return sim.blockAction({
      actionId: 'role_claim',
      value: 'specialist',
      userId: `${q.userPrefix}${u}`,
      channelId: room,
      messageTs: '1700000001.000001',
    });
  return sim.viewSubmission({
    callbackId: 'incident_status_update',
    userId: q.ic,
    viewId: `V${u}`,
    hash: `h${u}`,
    privateMetadata: encodeMeta({ k: q.keysByRoom[room] ?? '', c: room }),
    values: updateValues(),
  });
}

async function fixedRate(q: LoadRequest): Promise<LoadResult> {
  let sim = sims.get(q.url);
  if (!sim) {
    sim = new SlackClientSim({ url: q.url, signingSecret: q.secret });
    sims.set(q.url, sim);
  }
  const total = Math.round(q.rate * q.seconds);
  const interval = 1000 / q.rate;
  const lat: number[] = [];
  let errors = 0;
  let lagMs = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  for (let n = 0; n < total; n++) {
    const due = start + n * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const t0 = performance.now();
    lagMs = Math.max(0, t0 - due);
    inflight.push(
      send(q, sim, n).then(
        (r) => {
          lat.push(performance.now() - t0);
          if (r.status !== 200) errors++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inflight);
  lat.sort((a, b) => a - b);
  return { id: q.id, lat, errors, lagMs };
}

process.on('message', (q: LoadRequest) => {
  fixedRate(q).then(
    (r) => process.send?.(r),
    (e) => process.send?.({ id: q.id, lat: [], errors: -1, lagMs: 0, error: String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
