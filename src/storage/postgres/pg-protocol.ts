// What the bot's thread and the PostgreSQL bridge's thread say to each other (sync-pg.ts, pg-worker.ts).
import type { MessagePort } from 'node:worker_threads';

/** The connection's state, in the shared flags' second slot. */
export const CONNECTING = 0;
export const UP = 1;
export const DOWN = 2;

export interface PgWorkerData {
  url: string;
  /**
   * SharedArrayBuffer of 3 Int32: [0] the id of the last answered job, [1] the connection state, [2] the
   * connection's generation (one more at each connection made, by any worker this bridge ever started).
   */
  flags: SharedArrayBuffer;
  port: MessagePort;
  /** This worker's number: it writes -workerId in flags[0] as it dies, waking a query waiting on it. */
  workerId: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  applicationName: string;
}

export interface PgJob {
  id: number;
  sql: string;
  /** Absent: the simple protocol (several statements allowed, no parameters). */
  params?: unknown[];
  /** A prepared statement's name: parsed and planned once per connection. */
  name?: string;
  /**
   * The generation of the connection this job must run on (a transaction's): on any other connection the
   * worker refuses it, so the rest of a transaction never runs on a new session, outside its lock.
   */
  gen?: number;
}

/**
 * `gen`: the generation of the connection that ran the job. `sent`: the connection was lost after the job
 * reached the server (a COMMIT so answered may have been done); absent when it was refused before being sent.
 */
export type PgReply =
  | { id: number; ok: true; rows: Record<string, unknown>[]; rowCount: number; gen: number }
  | { id: number; ok: false; error: { message: string; code?: string; connection: boolean; sent?: true } };

const NODE_CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** The connection is gone (not the query at fault): class 08, the server shutting down, a socket error. */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (
    typeof code === 'string' &&
    (code.startsWith('08') || /^57P0[123]$/.test(code) || NODE_CONNECTION_CODES.has(code))
  )
    return true;
  const message = e instanceof Error ? e.message : '';
  return /Connection terminated|Client has encountered a connection error|not queryable/.test(message);
}
