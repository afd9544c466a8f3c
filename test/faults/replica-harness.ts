// Bot replicas as child processes (node --import tsx src/main.ts) on one database and one fake Slack, and
// Slack's side of a load balancer in front of them: a request goes to the replica it is aimed at; when that
// one does not answer (refused, reset, 503 while starting) it is sent again, unchanged, to the other one,
// as Slack's retry would land on whichever replica the balancer picks. Used by replicas.test.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { TEST_KEY_FILE } from '../helpers/audit-key.js';
import { type FakeSlack, type Json, startFakeSlackApi } from '../support/fake-slack-api.js';
import { freePort, SlackClientSim, type SlackResponse, signSlack } from '../support/slack-request.js';
import { ROOT, TSX } from '../support/spawn-main.js';
import { sleep } from './fault-helpers.js';

export const REPLICA_SECRET = 'replica-signing-secret';

/** The one Slack both replicas talk to: #general (declarations) and #incidents (the stakeholder channel). */
export async function startReplicaFake(): Promise<FakeSlack> {
  const fake = await startFakeSlackApi({
    channels: [
      { id: 'C0GENERAL', name: 'general' },
      { id: 'C0STAKE', name: 'incidents' },
    ],
  });
  // conversations.list (the room creator looks for a free channel name): every channel, one page.
  fake.setHandler('conversations.list', () => ({
    channels: [...fake.channels.values()].map((c) => ({
      id: c.id,
      name: c.name,
      is_archived: c.is_archived,
    })),
    response_metadata: { next_cursor: '' },
  }));
  return fake;
}

export interface ReplicaSettings {
  fake: FakeSlack;
  /** DATABASE_URL: the one PostgreSQL database every replica shares. */
  databaseUrl: string;
  /** Extra environment (OUTBOX_LEASE_SECONDS, REMINDER_CRON, ...). */
  env?: Record<string, string>;
}

/** One bot process. A replica killed and started again is a new Replica (a new port, a new generation). */
export class Replica {
  private out = '';

  private constructor(
    readonly name: string,
    readonly generation: number,
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    const keep = (d: unknown) => {
      this.out = (this.out + String(d)).slice(-6000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Starts a bot process and waits until it is ready (/readyz 200: platforms answered, dispatcher running). */
  static async start(name: string, generation: number, s: ReplicaSettings): Promise<Replica> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', TSX, 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: REPLICA_SECRET,
        SLACK_API_URL: s.fake.url,
        SLACK_BOT_ID: 'B0BOT',
        SLACK_BOT_USER_ID: 'U0BOT',
        SLACK_STAKEHOLDER_CHANNEL: 'C0STAKE',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DATABASE_URL: s.databaseUrl,
        ...s.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = new Replica(name, generation, child, `http://127.0.0.1:${port}`);
    // Two processes compiling the sources (tsx) on a busy machine: starting can take tens of seconds.
    const deadline = Date.now() + 45_000;
    let said = '';
    for (;;) {
      if (!r.alive) throw new Error(`replica ${r.label} exited with ${child.exitCode}: ${r.output}`);
      try {
        const res = await fetch(`${r.url}/readyz`);
        if (res.ok) return r;
        said = await res.text();
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await r.kill9();
        throw new Error(`replica ${r.label} did not become ready (/readyz: ${said}): ${r.output}`);
      }
      await sleep(50);
    }
  }

  get label(): string {
    return `${this.name}${this.generation}`;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last few KB the process wrote (its warnings and errors), for failure messages. */
  get output(): string {
    return this.out;
  }

  /** SIGKILL: no shutdown, no drain, whatever was in flight stays in flight. */
  async kill9(): Promise<void> {
    if (!this.alive) return;
    const gone = new Promise<void>((ok) => this.child.once('exit', () => ok()));
    this.child.kill('SIGKILL');
    await gone;
  }
}

/** A Slack request, built once and sent as is to whichever replica (a retry is the same request). */
export type SlackRequest =
  | { kind: 'interaction'; payload: Json }
  | { kind: 'slash'; form: Record<string, string> }
  | { kind: 'event'; envelope: Json };

/** Builds payloads only (its URL is never used): the same bytes go to both replicas. */
export const builder = new SlackClientSim({
  url: 'http://127.0.0.1:9/unused',
  signingSecret: REPLICA_SECRET,
});

function bodyOf(r: SlackRequest): { body: string; type: string } {
  switch (r.kind) {
    case 'interaction':
      return {
        body: new URLSearchParams({ payload: JSON.stringify(r.payload) }).toString(),
        type: 'application/x-www-form-urlencoded',
      };
    case 'slash':
      return { body: new URLSearchParams(r.form).toString(), type: 'application/x-www-form-urlencoded' };
    case 'event':
      return { body: JSON.stringify(r.envelope), type: 'application/json' };
  }
}

/** One delivery to one replica: the answer, or null when the replica did not answer (down, killed, 503). */
export async function sendOnce(
  to: Replica,
  r: SlackRequest,
  retryNum?: number,
): Promise<SlackResponse | null> {
  const { body, type } = bodyOf(r);
  const headers: Record<string, string> = { 'content-type': type, ...signSlack(REPLICA_SECRET, body) };
  if (retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(retryNum);
    headers['x-slack-retry-reason'] = 'http_error';
  }
  try {
    const res = await fetch(`${to.url}/slack/events`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status === 503) return null;
    let parsed: Json = text;
    if (text.startsWith('{')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  } catch {
    return null; // refused, reset mid-request (the replica was killed), timed out
  }
}

export interface Delivered {
  res: SlackResponse;
  /** The replica that answered. */
  via: Replica;
  /** Deliveries that got no answer before this one. */
  retries: number;
}

/**
 * Two replicas behind Slack: slot 0 is A, slot 1 is B. A killed replica is started again in the background
 * on a new port; meanwhile requests go to the other one.
 */
export class Cluster {
  readonly slots: Replica[];
  private readonly restarting: (Promise<Replica> | null)[] = [null, null];
  private readonly generations = [1, 1];

  private constructor(
    private readonly settings: ReplicaSettings,
    slots: Replica[],
  ) {
    this.slots = slots;
  }

  static async start(settings: ReplicaSettings): Promise<Cluster> {
    const slots = await Promise.all(['A', 'B'].map((n) => Replica.start(n, 1, settings)));
    return new Cluster(settings, slots);
  }

  live(): Replica[] {
    return this.slots.filter((r) => r.alive);
  }

  /** Whether slot `i` is up and not being restarted. */
  up(i: number): boolean {
    return this.slots[i]!.alive && !this.restarting[i];
  }

  /** kill -9 slot `i`, then start it again in the background (awaited by settled()). */
  async kill(i: number): Promise<Replica> {
    const victim = this.slots[i]!;
    await victim.kill9();
    const gen = ++this.generations[i]!;
    this.restarting[i] = Replica.start(victim.name, gen, this.settings).then((r) => {
      this.slots[i] = r;
      this.restarting[i] = null;
      return r;
    });
    return victim;
  }

  /** Waits for every restart under way (a failed start throws here, with the process's output). */
  async settled(): Promise<void> {
    await Promise.all(this.restarting.filter(Boolean));
  }

  /** Stops every replica (SIGKILL: what is checked afterwards is in the database and the fake). */
  async stop(): Promise<void> {
    await Promise.allSettled(this.restarting.filter(Boolean));
    await Promise.all(this.slots.map((r) => r.kill9()));
  }

  /** Output of every replica process still known, for failure messages. */
  outputs(): string {
    return this.slots.map((r) => `--- ${r.label}\n${r.output}`).join('\n');
  }

  /**
   * Sends `r` to slot `first`; while no replica answers, sends it again (x-slack-retry-num) to another live
   * one, for up to `ms`. Returns the first answer; throws when nobody answered in time.
   */
  async deliver(r: SlackRequest, first: number, ms = 20_000): Promise<Delivered> {
    const deadline = Date.now() + ms;
    let retries = 0;
    let target = this.slots[first]!;
    for (;;) {
      const res = await sendOnce(target, r, retries > 0 ? retries : undefined);
      if (res) return { res, via: target, retries };
      retries++;
      if (Date.now() > deadline) throw new Error(`no replica answered after ${retries} tries`);
      const live = this.live().filter((x) => x !== target);
      if (live.length) target = live[retries % live.length]!;
      else {
        await sleep(100);
        target = this.live()[0] ?? target;
      }
    }
  }
}
