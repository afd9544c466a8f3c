// Reads the filed follow-ups' issues back from the tracker every TRACKER_POLL_MINUTES, and records a change
// as the bot (`followup_status`: closed there is done here). Passes never overlap and never hold up a
// request: calls are awaited one at a time off the request path, each with the client's timeout. One
// pass can also be run on demand (Bot.pollTracker, the test hook).
import { botActor, type IncidentApp } from '../app/incident-app.js';
import type { AppLogger } from '../app/ports.js';
import type { FollowUp, Incident } from '../domain/incident.js';
import { type TrackerClient, TrackerError } from '../integrations/tracker-client.js';

export interface TrackerPollerOptions {
  client: TrackerClient;
  app: Pick<IncidentApp, 'runForDelivery'>;
  /** The incidents to look at, and whether each is still active (see storage's trackedIncidents). */
  tracked: () => { incident: Incident; active: boolean }[];
  everyMinutes: number;
  logger?: AppLogger;
  /** At most this many issues read per pass (the rest wait for the next). */
  maxPerPass?: number;
}

export interface PollResult {
  read: number;
  changed: number;
  failed: number;
}

/** The follow-ups worth reading back: all filed ones while the incident is active, else the open ones. */
function watched(t: { incident: Incident; active: boolean }, tracker: string): FollowUp[] {
  return t.incident.followups.filter((f) => f.issue?.tracker === tracker && (t.active || f.state === 'open'));
}

/** Where an issue stands in the queue of reads: `incident/followup`. */
const readKey = (incident: Incident, f: FollowUp) => `${incident.key}/${f.id}`;

export class TrackerPoller {
  private timer: NodeJS.Timeout | null = null;
  /** The read (1, 2, 3…) at which this process last read each issue back, tried or not: see queue(). */
  private readonly lastRead = new Map<string, number>();
  private reads = 0;
  private running: Promise<PollResult> | null = null;
  /** Set by stop(): a pass under way ends after its current call (shutdown does not wait for hundreds). */
  private stopped = false;

  constructor(private readonly o: TrackerPollerOptions) {}

  start(): void {
    this.stopped = false;
    if (this.timer) return;
    this.timer = setInterval(() => void this.pollNow(), this.o.everyMinutes * 60_000);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass now (or the one under way). Never rejects: failures are logged and counted. */
  pollNow(): Promise<PollResult> {
    this.running ??= this.pass()
      .catch((e: unknown) => {
        this.o.logger?.error({ err: e }, 'tracker poll failed; next pass on the timer');
        return { read: 0, changed: 0, failed: 1 };
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /**
   * Every watched follow-up, the longest unread first, so that with more than a pass's worth each gets its
   * turn: first those this process has not read yet (after a restart: the status recorded longest ago,
   * never recorded first), then those it has, by when it last did. Ties keep the incidents' order.
   */
  private queue(): { t: { incident: Incident; active: boolean }; f: FollowUp; key: string }[] {
    const all = this.o
      .tracked()
      .flatMap((t) => watched(t, this.o.client.name).map((f) => ({ t, f, key: readKey(t.incident, f) })));
    // Forget the issues no longer watched (done, or their incident reviewed and the follow-up closed).
    const keys = new Set(all.map((x) => x.key));
    for (const k of this.lastRead.keys()) if (!keys.has(k)) this.lastRead.delete(k);
    const rank = (x: (typeof all)[number]): [number, number] => {
      const n = this.lastRead.get(x.key);
      if (n !== undefined) return [1, n];
      const at = x.f.issue?.statusAt ? Date.parse(x.f.issue.statusAt) : Number.NaN;
      return [0, Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at];
    };
    const ranked = all.map((x) => ({ x, r: rank(x) }));
    ranked.sort((a, b) => a.r[0] - b.r[0] || (a.r[1] < b.r[1] ? -1 : a.r[1] > b.r[1] ? 1 : 0));
    return ranked.map(({ x }) => x);
  }

  private async pass(): Promise<PollResult> {
    const r: PollResult = { read: 0, changed: 0, failed: 0 };
    const max = this.o.maxPerPass ?? 500;
    const { client } = this.o;
    for (const { t, f, key } of this.queue()) {
      if (r.read + r.failed >= max || this.stopped) return r;
      // Tried counts as read: an issue that always fails (deleted there) does not hold the queue's head.
      this.lastRead.set(key, ++this.reads);
      const issue = f.issue!;
      let state: Awaited<ReturnType<TrackerClient['state']>>;
      try {
        state = await client.state(issue.key);
        r.read++;
      } catch (e) {
        if (!(e instanceof TrackerError)) throw e;
        r.failed++;
        this.o.logger?.warn(
          { incident: t.incident.key, followup: f.id, issue: issue.key, error: e.message },
          'could not read a follow-up issue back from the tracker',
        );
        // Refused credentials refuse every call: the next pass tries again, this one stops here.
        if (e.httpStatus === 401) return r;
        continue;
      }
      const completes = state.done && f.state === 'open';
      const reopens = !state.done && f.state === 'done' && f.doneBy === 'tracker';
      if (state.status === issue.status && !completes && !reopens) continue;
      const outcome = this.o.app.runForDelivery({
        key: `tracker-status:${t.incident.key}:${f.id}:v${t.incident.version}`,
        incidentKey: t.incident.key,
        command: { type: 'followup_status', id: f.id, status: state.status, done: state.done },
        actor: botActor(t.incident.platform),
      });
      if (outcome.ok) r.changed++;
    }
    return r;
  }
}
