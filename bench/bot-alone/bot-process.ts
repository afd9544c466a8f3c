// The bot in its own process, started as an operator does (NODE_ENV=production, a signing key file,
// LOG_LEVEL=info, the reminder scheduler on), and what the kernel says about its memory.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const PROBE = pathToFileURL(join(import.meta.dirname, 'probe.mjs')).href;

/**
 * How the bot runs: `tsx` src/main.ts (no build; the tsx loader adds ~25 MiB and ~1.5 s), `dist`
 * (dist/src/main.js as built: may be stale), `build` (compiled now into a temp folder, ~10 s once: what
 * production runs, of the current source).
 */
export type Entry = 'tsx' | 'dist' | 'build';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ProcStatus {
  rss: number;
  hwm: number;
  /** Anonymous memory (heaps, malloc, stacks) and file-backed pages (the node binary, .so files) in RSS. */
  anon: number;
  file: number;
  threads: number;
}

/** /proc/<pid>/status in bytes: VmHWM is the peak RSS over the process's life, VmRSS the RSS now. */
export function procStatus(pid: number): ProcStatus {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? Number.NaN);
  return {
    rss: kb('VmRSS') * 1024,
    hwm: kb('VmHWM') * 1024,
    anon: kb('RssAnon') * 1024,
    file: kb('RssFile') * 1024,
    threads: kb('Threads'),
  };
}

/**
 * The bot compiled as production runs it (`tsc -p tsconfig.build.json`, ~10 s), into a temp folder beside
 * links to this checkout's package.json, migrations, playbooks and node_modules; once per bench process.
 * tsc's type errors (work in progress elsewhere) do not stop it: what it emitted runs.
 */
let built: string | null = null;
export function buildDist(root = ROOT): string {
  if (built) return built;
  const out = mkdtempSync(join(tmpdir(), 'incident-bot-alone-dist-'));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(
      process.execPath,
      [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(out, 'dist')],
      {
        stdio: 'ignore',
      },
    );
  } catch {
    // type errors: the files were emitted all the same (checked below)
  }
  for (const name of ['package.json', 'migrations', 'playbooks', 'node_modules'])
    symlinkSync(join(root, name), join(out, name));
  if (!existsSync(join(out, 'dist', 'src', 'main.js'))) throw new Error('tsc emitted no dist/src/main.js');
  built = out;
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  return out;
}

export interface BotOptions {
  entry: Entry;
  /** The bot's working directory (the probe's file goes there too). */
  dir: string;
  databaseFile: string;
  signingKeyFile: string;
  slackApiUrl: string;
  slackSigningSecret: string;
  /** The bot's package root (default: this checkout; tsx is always this checkout's). */
  root?: string;
  nodeFlags: string[];
  /** Preload probe.mjs; `probe()` then asks it for a memory breakdown. */
  probe: boolean;
}

export interface Bot {
  pid: number;
  /** http://127.0.0.1:<port> */
  base: string;
  /** spawn -> first /readyz 200. */
  startupMs: number;
  /** spawn -> the "listening" log line (modules loaded, database opened and migrated). */
  listeningMs: number;
  /** Asks the probe for one line (SIGUSR2) and waits for it (no-op without the probe). */
  probe(): Promise<void>;
  /** The probe's lines so far. */
  probed: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Spawns the bot and waits (up to 60 s) for its first /readyz 200. */
export async function startBot(o: BotOptions): Promise<Bot> {
  const probeFile = join(o.dir, 'probe.jsonl');
  const nodeFlags = [...o.nodeFlags, ...(o.probe ? ['--import', PROBE] : [])];
  const checkout = o.root ?? ROOT;
  const root = o.entry === 'build' ? buildDist(checkout) : checkout;
  const args =
    o.entry !== 'tsx'
      ? [...nodeFlags, join(root, 'dist', 'src', 'main.js')]
      : [...nodeFlags, '--import', TSX, join(root, 'src', 'main.ts')];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: o.dir,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_PATH: o.databaseFile,
      AUDIT_SIGNING_KEY_FILE: o.signingKeyFile,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: o.slackSigningSecret,
      SLACK_API_URL: o.slackApiUrl,
      SLACK_STAKEHOLDER_CHANNEL: 'C0STAKE',
      ...(o.probe ? { BOT_ALONE_PROBE_FILE: probeFile } : {}),
      ...(process.env.BOT_ALONE_SNAPSHOT ? { BOT_ALONE_SNAPSHOT: process.env.BOT_ALONE_SNAPSHOT } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid as number;
  let out = '';
  let listeningMs = Number.NaN;
  let port = 0;
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    if (!port) {
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        port = Number(m[1]);
        listeningMs = performance.now() - t0;
      }
    }
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString('utf8');
  });
  try {
    const startupMs = await untilReady(
      child,
      () => port,
      t0,
      () => `${err}${out}`,
    );
    const probed: Record<string, unknown>[] = [];
    return {
      pid,
      base: `http://127.0.0.1:${port}`,
      startupMs,
      listeningMs,
      probed,
      probe: () => (o.probe ? readProbe(pid, probeFile, probed) : Promise.resolve()),
      stop: () => stopChild(child),
    };
  } catch (e) {
    await stopChild(child);
    throw e;
  }
}

/** Polls /readyz every 5 ms once the port is known; the time from t0 to the first 200. */
async function untilReady(child: ChildProcess, port: () => number, t0: number, logs: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}): ${logs()}`);
    if (port()) {
      const r = await fetch(`http://127.0.0.1:${port()}/readyz`).catch(() => null);
      if (r?.status === 200) {
        const ms = performance.now() - t0;
        await r.arrayBuffer();
        return ms;
      }
      await r?.arrayBuffer();
    }
    await sleep(5);
  }
  throw new Error(`the bot was not ready within 60 s: ${logs()}`);
}

/** SIGUSR2 makes the probe append one JSON line to its file; waits up to 4 s for it. */
async function readProbe(pid: number, file: string, probed: Record<string, unknown>[]): Promise<void> {
  process.kill(pid, 'SIGUSR2');
  for (let k = 0; k < 200; k++) {
    await sleep(20);
    const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
    if (lines.length > probed.length) {
      probed.push(JSON.parse(lines[probed.length] as string));
      return;
    }
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}
