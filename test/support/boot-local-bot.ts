// The bot in local mode for tests: the real composition root (startBot with `local`), a temp folder for
// the local database, the outbox delivered at once (no pacing), and a client that holds the console's
// cookies per person, as a browser would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bot, startBot } from '../../src/bot.js';
import { localMode, readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

export interface LocalBot {
  bot: Bot;
  /** http://127.0.0.1:PORT */
  base: string;
  key: string;
  dbPath: string;
  /** Delivers everything owed now. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function bootLocalBot(
  env: Record<string, string> = {},
  o: { drillPauseMs?: number } = {},
): Promise<LocalBot> {
  const dir = mkdtempSync(join(tmpdir(), 'incident-bot-local-'));
  const dbPath = join(dir, 'local.db');
  const config = localMode(
    readConfig({ PORT: '0', LOCAL_DATABASE_PATH: dbPath, OUTBOX_PACE_MS: '0', LOG_LEVEL: 'silent', ...env }),
    { LOG_LEVEL: 'silent', ...env },
  );
  if (!config) throw new Error('not local mode');
  const bot = await startBot(config, createLogger({ level: 'silent', pretty: false }), {
    local: true,
    scheduler: false,
    dispatchIntervalMs: 50,
    drillPauseMs: o.drillPauseMs ?? 0,
  });
  const url = new URL(bot.console!.url);
  return {
    bot,
    base: url.origin,
    key: url.searchParams.get('key')!,
    dbPath,
    settle: async () => {
      await bot.dispatcher.drain(5000);
    },
    close: async () => {
      await bot.shutdown(1);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Page {
  status: number;
  html: string;
  location: string | null;
  headers: Headers;
}

/** One browser: its cookies (the console key, who it is), pages fetched and forms posted. */
export class ConsoleClient {
  private readonly jar = new Map<string, string>();

  constructor(private readonly local: LocalBot) {}

  /** The Cookie header this browser sends. */
  cookies(): string {
    return this.cookie();
  }

  private cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  }

  async request(path: string, init: RequestInit = {}): Promise<Page> {
    const res = await fetch(`${this.local.base}${path}`, {
      redirect: 'manual',
      ...init,
      headers: { cookie: this.cookie(), ...(init.headers as Record<string, string>) },
    });
    this.keep(res);
    return {
      status: res.status,
      html: await res.text(),
      location: res.headers.get('location'),
      headers: res.headers,
    };
  }

  /** Opens the printed address (the key is exchanged for a cookie) and picks who this browser is. */
  async enter(person = 'alice'): Promise<this> {
    const first = await this.request(`/?key=${encodeURIComponent(this.local.key)}`);
    if (first.status !== 303) throw new Error(`entering the console: ${first.status}`);
    await this.post('/who', { person, back: '/' });
    return this;
  }

  get(path: string): Promise<Page> {
    return this.request(path);
  }

  /** Posts a form as the console's own page does (same Origin); arrays repeat the field. */
  post(path: string, fields: Record<string, string | string[]>): Promise<Page> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields))
      for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return this.request(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.local.base },
    });
  }
}
