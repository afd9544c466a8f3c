// Preloaded into the bot by bench/bot-alone.ts when asked (`probe: true`, or BOT_ALONE_PROBE=1): on SIGUSR2
// it appends one JSON line to $BOT_ALONE_PROBE_FILE with where the bot's memory is (process.memoryUsage, V8's
// heap spaces, malloc, native contexts: each worker thread or vm context is one) and the time since the
// process started; with BOT_ALONE_SNAPSHOT=<dir> it also writes a heap snapshot there. Plain JS, so that it
// runs under dist/ as under tsx. Not part of the bot.
import { appendFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import v8 from 'node:v8';

const file = process.env.BOT_ALONE_PROBE_FILE;

// Every module the bot loads (ESM and CommonJS), counted per package: what start-up pays for.
const loaded = new Set();
module.registerHooks?.({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    if (r.url?.startsWith('file:')) loaded.add(r.url);
    return r;
  },
});
function packages() {
  const count = {};
  for (const url of loaded) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    const name = m ? m[1] : url.includes('/src/') ? '(the bot)' : '(other)';
    count[name] = (count[name] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(count).sort((a, b) => b[1] - a[1]));
}
const mib = (b) => Math.round((b / 2 ** 20) * 10) / 10;

process.on('SIGUSR2', () => {
  if (!file) return;
  const m = process.memoryUsage();
  const h = v8.getHeapStatistics();
  const spaces = Object.fromEntries(
    v8
      .getHeapSpaceStatistics()
      .map((s) => [s.space_name, { size: mib(s.space_size), used: mib(s.space_used_size) }]),
  );
  const line = {
    uptimeMs: Math.round(process.uptime() * 1000),
    rss: mib(m.rss),
    heapTotal: mib(m.heapTotal),
    heapUsed: mib(m.heapUsed),
    external: mib(m.external),
    arrayBuffers: mib(m.arrayBuffers),
    totalPhysical: mib(h.total_physical_size),
    malloced: mib(h.malloced_memory),
    peakMalloced: mib(h.peak_malloced_memory),
    nativeContexts: h.number_of_native_contexts,
    detachedContexts: h.number_of_detached_contexts,
    spaces,
    modules: loaded.size,
    packages: packages(),
  };
  if (process.env.BOT_ALONE_SNAPSHOT)
    line.snapshot = v8.writeHeapSnapshot(
      join(process.env.BOT_ALONE_SNAPSHOT, `bot-${process.pid}.heapsnapshot`),
    );
  appendFileSync(file, `${JSON.stringify(line)}\n`);
});
