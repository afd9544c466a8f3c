// The bot alone, in its own process, on a database holding years of incidents (issue 17, goal 3):
//   RSS ≤ 150 MB with 10,000 incidents, and flat at 100,000: start-up ≤ 2 s, `/incident list` and a
//   `/metrics` scrape ≤ 50 ms.
// benchBotAlone(n) fills a fresh SQLite file with n incidents (bot-alone/fill.ts: what the bot would have
// written over years, history growing while what is open stays fixed), starts the real entry point against
// a fake Slack Web API in this process, times start-up, `/incident list` and /metrics, and reads the bot's
// RSS from /proc. BOT_ALONE_ENTRY picks how the bot runs (tsx, build, dist: see bot-process.ts).
//   npx tsx bench/bot-alone.ts 10000 100000        a small table
//   BOT_ALONE_ENTRY=build BOT_ALONE_PROBE=1 ...    production build; memory breakdown from inside the bot
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { writeKeyPair } from '../src/ops/audit-key.js';
import { startFakeSlackApi } from '../test/support/fake-slack-api.js';
import { type Bot, type Entry, procStatus, startBot } from './bot-alone/bot-process.js';
import { fillDatabase } from './bot-alone/fill.js';
import { IC } from './bot-alone/lifecycle.js';
import { metricValue, type Timing, timeList, timeMetrics } from './bot-alone/requests.js';

export { buildDist } from './bot-alone/bot-process.js';
export type { Timing };

const SECRET = 'bench-signing-secret';

export interface BotAloneResult {
  incidents: number;
  open: number;
  awaitingReview: number;
  /** Incidents whose decision log, outbox rows, ... are in the database (the others: the incidents row). */
  withHistory: number;
  dbMiB: number;
  fillMs: number;
  /** spawn -> first /readyz 200. */
  startupMs: number;
  /** spawn -> the "listening" log line (modules loaded, database opened and migrated). */
  listeningMs: number;
  /** One /readyz once ready. */
  readyzMs: number;
  /** `/incident list`: answered in the ack (the user waits for the HTTP response, nothing after it). */
  listMs: Timing;
  listAnswer: string;
  metricsMs: Timing;
  metricsBytes: number;
  /** Peak RSS (VmHWM) of the bot process after the requests. */
  rssMiB: number;
  /** VmRSS at the first /readyz 200, and after the requests. */
  rssAfterStartMiB: number;
  rssAfterRequestsMiB: number;
  /** RSS after the requests: anonymous (heaps, malloc) and file-backed (node binary, native addons). */
  rssAnonMiB: number;
  rssFileMiB: number;
  threads: number;
  /** From the bot's last /metrics scrape (prom-client's default process metrics). */
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  entry: Entry;
  /** The probe's lines (process.memoryUsage, V8 heap spaces, malloc, native contexts), when asked for. */
  probe?: { afterStart: Record<string, unknown>; afterRequests: Record<string, unknown> };
}

export interface BotAloneOptions {
  /** Incidents not closed (default 20). */
  open?: number;
  /** Closed, review not recorded yet (default 30). */
  awaitingReview?: number;
  /**
   * Finished clones that also get their rows in the other tables (decision_log, outbox, commands, ...),
   * the newest ones; the others are an incidents row only (default 2,000: the full history of 100,000
   * incidents would be ~6 GB and take minutes to write).
   */
  history?: number;
  /** Timed runs of each request (after one warm-up; default 10). */
  runs?: number;
  /** How the bot runs (default BOT_ALONE_ENTRY, else `tsx`): see Entry in bot-alone/bot-process.ts. */
  entry?: Entry;
  /** The bot's package root (default: this checkout), e.g. buildDist()'s folder with entry `dist`. */
  root?: string;
  /** Extra node flags for the bot (e.g. `npm start`'s). */
  nodeFlags?: string[];
  /**
   * Preload bench/bot-alone/probe.mjs into the bot and read its memory breakdown after start and after the
   * requests (BOT_ALONE_PROBE=1; BOT_ALONE_SNAPSHOT=<dir> also writes a heap snapshot each time).
   */
  probe?: boolean;
}

const mib = (b: number) => b / 2 ** 20;

export async function benchBotAlone(n: number, o: BotAloneOptions = {}): Promise<BotAloneResult> {
  const dir = mkdtempSync(join(tmpdir(), 'incident-bot-alone-'));
  const file = join(dir, 'data', 'bot.db');
  const { privateFile } = writeKeyPair(join(dir, 'keys'));
  const entry = o.entry ?? ((process.env.BOT_ALONE_ENTRY as Entry) || 'tsx');
  const probe = o.probe ?? process.env.BOT_ALONE_PROBE === '1';
  const runs = o.runs ?? 10;
  const filled = fillDatabase(file, privateFile, n, o);
  const slack = await startFakeSlackApi({ botUserId: 'U0BOT', botId: 'B0BOT' });
  let bot: Bot | null = null;
  try {
    bot = await startBot({
      entry,
      dir,
      databaseFile: file,
      signingKeyFile: privateFile,
      slackApiUrl: slack.url,
      slackSigningSecret: SECRET,
      root: o.root,
      nodeFlags: o.nodeFlags ?? [],
      probe,
    });
    const afterStart = procStatus(bot.pid);
    await bot.probe();
    const t = performance.now();
    await (await fetch(`${bot.base}/readyz`)).arrayBuffer();
    const readyzMs = performance.now() - t;
    const list = await timeList(bot.base, SECRET, IC.id, runs);
    const metrics = await timeMetrics(bot.base, runs);
    const after = procStatus(bot.pid);
    await bot.probe();
    return {
      incidents: n,
      open: filled.open,
      awaitingReview: filled.awaitingReview,
      withHistory: filled.withHistory,
      dbMiB: mib(filled.bytes),
      fillMs: filled.ms,
      startupMs: bot.startupMs,
      listeningMs: bot.listeningMs,
      readyzMs,
      listMs: list.ms,
      listAnswer: list.answer,
      metricsMs: metrics.ms,
      metricsBytes: metrics.text.length,
      rssMiB: mib(after.hwm),
      rssAfterStartMiB: mib(afterStart.rss),
      rssAfterRequestsMiB: mib(after.rss),
      rssAnonMiB: mib(after.anon),
      rssFileMiB: mib(after.file),
      threads: after.threads,
      heapUsedMiB: mib(metricValue(metrics.text, 'nodejs_heap_size_used_bytes')),
      heapTotalMiB: mib(metricValue(metrics.text, 'nodejs_heap_size_total_bytes')),
      externalMiB: mib(metricValue(metrics.text, 'nodejs_external_memory_bytes')),
      entry,
      ...(bot.probed.length === 2
        ? {
            probe: {
              afterStart: bot.probed[0] as Record<string, unknown>,
              afterRequests: bot.probed[1] as Record<string, unknown>,
            },
          }
        : {}),
    };
  } finally {
    if (bot) await bot.stop();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly: the table on stdout; per size, what it does not show on stderr.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((x) => x > 0);
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const rows: string[][] = [];
  for (const n of sizes.length ? sizes : [10_000, 100_000]) {
    const r = await benchBotAlone(n);
    rows.push([
      n.toLocaleString('en'),
      `${r.open} / ${r.awaitingReview}`,
      `${f(r.dbMiB, 0)} MiB, ${f(r.fillMs / 1000, 1)} s`,
      `${f(r.startupMs, 0)} ms (listening ${f(r.listeningMs, 0)})`,
      `${f(r.listMs.p50, 1)} / ${f(r.listMs.max, 1)} ms`,
      `${f(r.metricsMs.p50, 1)} / ${f(r.metricsMs.max, 1)} ms`,
      `${f(r.rssMiB, 0)} MiB`,
      `${f(r.rssAfterStartMiB, 0)} / ${f(r.rssAfterRequestsMiB, 0)} MiB`,
      `${f(r.heapUsedMiB, 0)} / ${f(r.heapTotalMiB, 0)} / ${f(r.externalMiB, 0)} MiB`,
    ]);
    console.error(
      `${n}: ${r.listAnswer}; entry ${r.entry}; RSS anon ${f(r.rssAnonMiB, 0)} MiB, file ${f(r.rssFileMiB, 0)} MiB, ${r.threads} threads`,
    );
    if (r.probe) console.error(JSON.stringify(r.probe, null, 1));
  }
  const header = [
    'incidents',
    'open / awaiting review',
    'database, fill',
    'start-up (spawn → /readyz 200)',
    '`/incident list` p50 / max',
    '`/metrics` p50 / max',
    'peak RSS (VmHWM)',
    'RSS after start / after requests',
    'heap used / heap total / external',
  ];
  console.log(
    [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n'),
  );
}
