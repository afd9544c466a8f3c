// What a user and a scraper wait for: signed `/incident list` slash commands (answered in the ack, so the
// HTTP response is the whole wait) and GET /metrics (send -> whole body), each timed after one warm-up.
import { performance } from 'node:perf_hooks';
import { SlackClientSim } from '../../test/support/slack-request.js';

export interface Timing {
  p50: number;
  max: number;
  runs: number;
}

function timing(ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  return {
    p50: s[Math.floor((s.length - 1) / 2)] ?? Number.NaN,
    max: s.at(-1) ?? Number.NaN,
    runs: s.length,
  };
}

/** `runs` timed `/incident list` commands by `userId`; the answer's first line. */
export async function timeList(
  base: string,
  signingSecret: string,
  userId: string,
  runs: number,
): Promise<{ ms: Timing; answer: string }> {
  const sim = new SlackClientSim({ url: `${base}/slack/events`, signingSecret });
  const list: number[] = [];
  let answer = '';
  for (let k = 0; k <= runs; k++) {
    const t = performance.now();
    const r = await sim.slash('list', { userId, channelId: 'C0GENERAL' });
    const ms = performance.now() - t;
    if (r.status !== 200) throw new Error(`/incident list: HTTP ${r.status} ${r.text}`);
    const text = typeof r.body === 'object' && r.body ? String(r.body.text ?? '') : r.text;
    if (!/Open incidents/.test(text))
      throw new Error(`/incident list answered in the ack with: ${r.text.slice(0, 300)}`);
    answer = text.split('\n')[0] ?? '';
    if (k > 0) list.push(ms);
  }
  return { ms: timing(list), answer };
}

/** `runs` timed /metrics scrapes; the last body. */
export async function timeMetrics(base: string, runs: number): Promise<{ ms: Timing; text: string }> {
  const metrics: number[] = [];
  let text = '';
  for (let k = 0; k <= runs; k++) {
    const t = performance.now();
    const r = await fetch(`${base}/metrics`);
    text = await r.text();
    const ms = performance.now() - t;
    if (r.status !== 200) throw new Error(`/metrics: HTTP ${r.status}`);
    if (k > 0) metrics.push(ms);
  }
  return { ms: timing(metrics), text };
}

/** One sample of a Prometheus text exposition (the first, whatever its labels). */
export function metricValue(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}
