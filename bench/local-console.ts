// Local mode as a newcomer meets it (issue 18): the production build started with `npm start`'s node
// flags and nothing configured, in an empty folder. Measures spawn -> the printed address, and spawn ->
// the console's first page served (200); then the page weight of a room mid-incident (the HTML, its one
// stylesheet and one script, raw and gzip) and how many requests a room page makes.
//   npx tsx bench/local-console.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { buildDist } from './bot-alone/bot-process.js';

export interface LocalConsoleResult {
  /** spawn -> the line with the console's address on stdout. */
  addressMs: number;
  /** spawn -> the first console page answered 200. */
  servedMs: number;
  /** The room page, console.css and console.js: bytes, raw and gzip. */
  weight: { html: number; css: number; js: number; total: number; gzip: number };
  /** Requests one room page makes (itself, the stylesheet, the script, the event stream). */
  requests: number;
}

export async function benchLocalConsole(
  o: { root?: string; nodeFlags?: string[] } = {},
): Promise<LocalConsoleResult> {
  const root = o.root ?? buildDist();
  const dir = mkdtempSync(join(tmpdir(), 'incident-bot-local-bench-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...(o.nodeFlags ?? []), join(root, 'dist', 'src', 'main.js')], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PORT: '0' },
  });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address within 30 s: ${out}`)), 30_000);
      child.stdout.on('data', (c) => {
        out += c;
        const m = /open (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const addressMs = performance.now() - t0;
    const entered = await fetch(url, { redirect: 'manual' });
    const cookie = entered.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const base = new URL(url).origin;
    const home = await fetch(`${base}/`, { headers: { cookie } });
    if (home.status !== 200) throw new Error(`console answered ${home.status}`);
    const servedMs = performance.now() - t0;
    const form = new URLSearchParams({
      _key: 'bench-declare-1',
      title: 'Ingest pipeline down',
      triggerClass: 'service_outage',
      impact: 'No market data since 09:00',
      severeImpact: 'yes',
      drill: 'yes',
      visibility: 'default',
      commander: 'me',
    });
    const declared = await fetch(`${base}/declare`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
      headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    });
    const room = declared.headers.get('location')!;
    await new Promise((r) => setTimeout(r, 500));
    const get = async (p: string) =>
      Buffer.from(await (await fetch(`${base}${p}`, { headers: { cookie } })).arrayBuffer());
    const html = await get(room);
    const css = await get('/assets/console.css');
    const js = await get('/assets/console.js');
    const page = html.toString();
    const requests = 1 + (page.match(/<link rel="stylesheet"|<script src=|<img /g)?.length ?? 0) + 1;
    return {
      addressMs,
      servedMs,
      weight: {
        html: html.length,
        css: css.length,
        js: js.length,
        total: html.length + css.length + js.length,
        gzip: gzipSync(html).length + gzipSync(css).length + gzipSync(js).length,
      },
      requests,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchLocalConsole({ nodeFlags: ['--max-semi-space-size=8'] });
  console.log(JSON.stringify(r, null, 2));
}
