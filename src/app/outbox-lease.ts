// Outbox leases across replicas: who this process is (its owner id), and the renewal that keeps its claimed
// rows its own while their sends last. A send has no upper bound of its own (Slack's Web API client has no
// timeout by default, a webhook may take ACTION_TIMEOUT_SECONDS, a tracker TRACKER_TIMEOUT_SECONDS), so
// the lease is not sized to outlast one: the owner renews it every third of its length while the row is in
// flight, and it only runs out when the owner is gone (dead, or cut off from the database that long).
// Leases and pacing compare times written by each replica's own clock: keep the hosts' clocks in sync (NTP);
// a skew of a few milliseconds is nothing beside a lease, and shortens the pace across replicas by as much.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { OutboxQueue } from './ports.js';

/** This process among the replicas: host, pid and a random part (a restarted container reuses its pid). */
export function replicaId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** The default lease (OUTBOX_LEASE_SECONDS): how long a dead replica's rows wait before another takes them. */
export const DEFAULT_LEASE_MS = 30_000;

export interface LeaseKeeperOptions {
  outbox: Pick<OutboxQueue, 'renewLeases'>;
  owner: string;
  leaseMs: number;
  now: () => Date;
  onError?: (e: unknown) => void;
}

/** The rows this process is delivering, their leases renewed on a timer while there are any. */
export class LeaseKeeper {
  private readonly held = new Set<number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: LeaseKeeperOptions) {}

  hold(ids: readonly number[]): void {
    for (const id of ids) this.held.add(id);
    if (this.held.size > 0 && !this.timer) {
      this.timer = setInterval(() => this.renew(), Math.max(this.o.leaseMs / 3, 10));
      this.timer.unref();
    }
  }

  /** The row is settled (or given back): no more renewals for it. */
  drop(id: number): void {
    this.held.delete(id);
    if (this.held.size === 0) this.stop();
  }

  /** Extends every held lease by a whole lease from now (the timer's work; callable by tests). */
  renew(): void {
    if (this.held.size === 0) return;
    try {
      const until = new Date(this.o.now().getTime() + this.o.leaseMs);
      this.o.outbox.renewLeases(this.o.owner, [...this.held], until);
    } catch (e) {
      // The database is unreachable: the next tick tries again; a lease that runs out meanwhile is taken
      // over in doubt, and this process's late outcome is then refused (the store checks the owner).
      this.o.onError?.(e);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
