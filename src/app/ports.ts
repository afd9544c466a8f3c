// What the application layer needs from the world, as interfaces: storage implements them
// (src/storage/sqlite), platforms implement Sender, the composition root (src/bot.ts) connects them.
import type { SignedCheckpoint } from '../domain/audit/checkpoint.js';
import type { Command } from '../domain/commands.js';
import type { Decision } from '../domain/decide.js';
import type { LogEffect, NoticeEffect, Outgoing, Target } from '../domain/effects.js';
import type { DomainError } from '../domain/errors.js';
import type { Actor, Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import type { ExportFiles, ExportFilesOptions } from '../export/export-files.js';
import type { IncidentRecord } from '../export/incident-record.js';

export interface CommandRequest {
  /** Idempotency key: the same key twice yields one effect and the same answer. */
  key: string;
  /** The incident it is about; null for a declaration (the store allocates the key). */
  incidentKey: string | null;
  command: Command;
  actor: Actor;
  now: Date;
  /**
   * The inbound delivery that carried the command (processed_events id): recorded in the command's own
   * transaction with its idempotency record, so a delivery is never seen without its command (app/inbound.ts).
   */
  sighting?: string;
}

export type CommandOutcome =
  | {
      ok: true;
      incident: Incident;
      notices: NoticeEffect[];
      replay: boolean;
      logEntries: number;
      outbox: number;
    }
  | { ok: false; error: DomainError; replay: boolean; incident: Incident | null };

/** A concurrent writer changed the incident between read and write: decide again on the new state. */
export class ConflictError extends Error {
  constructor(key: string) {
    super(`incident ${key} was changed concurrently`);
  }
}

/** A decision-log row as stored. */
export interface LogRow {
  id: number;
  incident_key: string;
  seq: number;
  at: string;
  recorded_at: string;
  actor: string;
  kind: string;
  payload: string;
  source: string | null;
  command_key: string | null;
  prev_hash: string;
  hash: string;
  /** The global chain (null only on a database not migrated to the ledger). */
  gseq: number | null;
  gprev_hash: string | null;
  ghash: string | null;
  /** The digest of the incident's state after this entry's command. */
  state_hash: string | null;
}

/** Incidents, their playbooks and their decision log: one transaction per command. */
export interface IncidentRepo {
  get(key: string): Incident | null;
  /** The incident worked in a room (its own, or the fallback room), newest first. */
  findByRoom(platform: string, roomId: string): Incident | null;
  /** Incidents not closed, oldest first. */
  listOpen(): Incident[];
  /** Incidents not done (open, or closed and awaiting review), oldest first. */
  listActive(): Incident[];
  /** Incidents `user` declared at or after `since`, newest first (the declare limits). */
  declaredBy(user: string, since: Date): Incident[];
  logEntries(incidentKey: string): LogRow[];
  /**
   * The entries of `kinds` (a forward phase move left out): the newest `recent` rows whole, and the time of
   * every one (the room's timeline counts them all and shows the newest, without reading the whole log).
   */
  keyLogEntries(
    incidentKey: string,
    kinds: readonly string[],
    recent: number,
  ): { recent: LogRow[]; times: string[] };
  savePlaybook(pb: Playbook, sha256: string, now: Date): void;
  playbookBySha(sha256: string): Playbook | null;
  /** Runs one command in one transaction: state, log entries, outbox rows, idempotency record. */
  run(
    req: CommandRequest,
    decide: (incident: Incident | null, nextKey: () => string) => Decision,
  ): CommandOutcome;
  /**
   * Appends entries to an incident's chain outside a command (e.g. "message sent"), or to an alert group's
   * own chain (ALERT-<n>) with `state`, the decision its entries record (its digest is what audit holds).
   */
  appendSystemLog(
    incidentKey: string,
    entries: LogEffect[],
    now: Date,
    commandKey?: string | null,
    state?: object,
  ): void;
}

/** Loads one incident's record for an export (the playbook it ran under; `fallback` when that is missing). */
export type RecordLoader = (key: string, fallback?: () => Playbook) => IncidentRecord | null;

/**
 * Loads, verifies and renders one incident's export files, off the event loop where it can; null when there
 * is no such incident, rejected with a RecordError when the record does not verify.
 */
export type ExportRenderer = (
  key: string,
  o: { opts: ExportFilesOptions; fallbackPlaybook?: Playbook },
) => Promise<ExportFiles | null>;

/** One owed message in the outbox. */
export interface OutboxRow {
  id: number;
  key: string;
  incidentKey: string;
  platform: string;
  /** One channel: delivery is in order per lane. */
  lane: string;
  target: Target;
  body: Outgoing;
  createdAt: string;
  attempts: number;
  /** A delivery was started and never finished (the process died): the platform may already have it. */
  inDoubt: boolean;
}

/** What one claim of the outbox asks for (see OutboxQueue.claim). */
export interface OutboxClaim {
  /** The claiming process (hostname, pid and a random part: replicaId() in outbox-lease.ts). */
  owner: string;
  /** How long the rows are this process's before another replica may take them over (renewed meanwhile). */
  leaseMs: number;
  /** A lane whose last delivery attempt, by any replica, is more recent than this waits. */
  paceMs: number;
  limit: number;
  /** Lanes this process holds back itself (an outside call in flight, a lane held after an error). */
  skipLanes: readonly string[];
}

export interface OutboxQueue {
  /**
   * Leases the first undelivered row of each lane that is due by `now`, paced, and not leased to another
   * live process: one commit. `inDoubt` is true for a row already in flight before this claim (its owner
   * died mid-send, or this process could not record it). One lane owner at a time: delivery in order.
   */
  claim(now: Date, o: OutboxClaim): OutboxRow[];
  /** Extends this owner's leases on rows still being delivered; returns how many it still holds. */
  renewLeases(owner: string, ids: readonly number[], until: Date): number;
  pending(): OutboxRow[];
  /**
   * How many undelivered rows `owner` could still deliver: all of them but the lanes another live replica
   * holds a lease in (one lane owner at a time: those are that replica's to deliver). What a shutdown drains.
   */
  owedTo(owner: string, now: Date): number;
  /** True when a later undelivered refresh of the same live view waits in the row's lane. */
  hasLaterView(row: OutboxRow): boolean;
  /**
   * The outcome of a delivery, recorded only while `owner` holds the row's lease (false: another replica
   * took the row over and records it; nothing was written). Each clears the lease.
   */
  markSent(id: number, owner: string, now: Date, result: unknown): boolean;
  /** Settled without a call: a later refresh of the same view waits behind it (it paces nothing). */
  markSuperseded(id: number, owner: string, now: Date): boolean;
  markRetry(id: number, owner: string, now: Date, nextAt: Date, error: string): boolean;
  markFailed(id: number, owner: string, now: Date, error: string): boolean;
  backlog(now: Date): { count: number; oldestSeconds: number };
}

/** Where a platform keeps ids of what it posted (the summary message, the room, the declaring channel). */
export interface MessageRefs {
  getMessageRef(incidentKey: string, platform: string, name: string): { channel: string; ref: string } | null;
  setMessageRef(incidentKey: string, platform: string, name: string, channel: string, ref: string): void;
}

/** Inbound de-duplication of platform deliveries (retries, redeliveries). */
export interface InboundDedupe {
  /** True the first time an id is seen. */
  firstSighting(id: string, now: Date): boolean;
  /** Whether an id was seen AND the command it carries (its idempotency key) is recorded (read only). */
  seenWithCommand(id: string, commandKey: string): boolean;
  /** Forgets one id (its handling failed before it committed), so a redelivery is processed. */
  forgetSighting(id: string): void;
  forgetSightingsBefore(before: Date): number;
}

/** A reminder claimed with the message it owes and its decision-log entry (one all-or-nothing write). */
export interface ReminderClaim {
  key: string;
  incidentKey: string;
  kind: string;
  dueAt: string;
  outbox: { key: string; platform: string; lane: string; target: Target; body: Outgoing };
  log: LogEffect;
}

/** What the reminder pass reads and claims. */
export interface ReminderStore {
  /**
   * Incidents that can owe a reminder: changed since they were last looked at, or whose next check is due;
   * `changedAt` is when each last changed. At most `limit` (-1: all).
   */
  candidates(now: Date, limit: number): { incident: Incident; changedAt: string }[];
  /** Which of these reminder keys are already claimed (one query, whatever their number). */
  claimedAmong(keys: string[]): Set<string>;
  /**
   * Claims reminders in batches of `batch` per transaction; each claim with its outbox row and log entry
   * is all-or-nothing. `before` runs before each claim (a test seam: then one transaction per claim).
   * Returns the keys this call claimed (a key claimed by someone else meanwhile is skipped).
   */
  claim(
    claims: ReminderClaim[],
    now: Date,
    o?: { batch?: number; before?: (c: ReminderClaim) => void },
  ): string[];
  /** When to look at each incident next (unless it changed since it was read: `version`). */
  setNextChecks(checks: { key: string; version: number; next: string }[]): void;
}

/**
 * Who runs the reminder pass when several replicas share one database: the one that leads it for this pass
 * (PostgreSQL: a session advisory lock; SQLite has one process and always leads). Any replica can lead the
 * next pass. The claims in `reminders` keep each reminder single even if two passes ever ran at once.
 */
export interface ReminderLeader {
  /** True when this process leads the pass now (call release() after it); false: another replica does. */
  tryLead(): boolean;
  release(): void;
}

/** What a platform keeps to reach a conversation later (Teams: the serviceUrl it last heard from there). */
export interface ConversationRef {
  serviceUrl: string;
  conversationId: string;
  tenantId?: string;
  /** The channel a thread belongs to (a thread inherits its channel's reference). */
  channelId?: string;
  teamId?: string;
  conversationType?: string;
}

/** A person a platform has seen: the id actors carry, a name, their platform id, their 1:1 chat with the bot. */
export interface KnownPerson {
  userId: string;
  name?: string;
  platformId?: string;
  personalConversationId?: string;
}

/** Runs `fn` in one commit with everything it writes through the ports (or just runs it). */
export type Atomically = (fn: () => void) => void;

export type SendResult =
  | { status: 'sent'; result?: unknown }
  | { status: 'retry'; error: string; afterMs?: number }
  | { status: 'failed'; error: string };

/** Delivers outbox rows to one platform (implemented in src/platforms/<name>). */
/** Why a row for the incident room is given up when the incident has none (every sender says the same). */
export const NO_ROOM = 'the incident has no room';
/** Why a chat sender refuses a row addressed to an outside service (the store routes those elsewhere). */
export const NOT_A_CHAT_TARGET = 'addressed to an outside service, not a chat';

export interface Sender {
  send(row: OutboxRow, incident: Incident): Promise<SendResult>;
}

/**
 * A storage failure as people are told about it (see answers.ts). 'unavailable': the database server
 * cannot be reached (PostgreSQL's connection is down; the bot reconnects on its own). 'uncertain': the
 * connection was lost while committing, so the change may have been saved (unlike every other kind).
 */
export type StorageFailure = 'busy' | 'unwritable' | 'unavailable' | 'uncertain' | 'integrity' | 'other';

/** Structural view of a logger (pino satisfies it). */
export interface AppLogger {
  debug?(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: AppLogger = { info() {}, warn() {}, error() {} };

/** Who delivers a row: the incident's platform, or the outside service the row is addressed to. */
export function senderFor(platform: string, target: Target): string {
  return target.to === 'service' ? target.service : platform;
}

/** The outbox lane of a message: one per platform, incident and target (a channel, or a person). */
export function laneFor(incidentKey: string, platform: string, target: Target): string {
  // Checkpoint digests are about the whole log, not one incident: one lane, in order.
  if (target.to === 'audit') return `${platform}:audit`;
  // Calls to an outside service: one lane per incident and service, or per the target's own lane within it
  // (in order, paced apart from the chat).
  if (target.to === 'service')
    return `${target.service}:${incidentKey}${target.lane ? `:${target.lane}` : ''}`;
  const t = target.to === 'user' ? `user:${target.user}` : target.to;
  return `${platform}:${incidentKey}:${t}`;
}

/** A signed checkpoint as stored, with the incident whose entry it ends on. */
export interface StoredCheckpoint extends SignedCheckpoint {
  id: number;
  incidentKey: string;
}

/** The checkpoints storage signed, and the audit channel's share of the outbox. */
export interface CheckpointFeed {
  latest(): StoredCheckpoint | null;
  /** Checkpoints after number `n`, oldest first, at most `limit`. */
  after(n: number, limit: number): StoredCheckpoint[];
  /** The number of the last checkpoint queued for the audit channel on `platform`, and when. */
  lastPublished(platform: string): { n: number; at: Date } | null;
  /** Queues the checkpoint's digest for the audit channel on `platform` (once per checkpoint). */
  publish(c: StoredCheckpoint, platform: string, now: Date): void;
}

/** One message the local console delivered (it has no chat server to keep them): a post or a nudge. */
export interface ConsolePost {
  id: number;
  incidentKey: string;
  /** `room`, `stakeholders`, or `user:<id>`. */
  to: string;
  at: string;
  /** The rendered view (JSON of a PostView), as it was when delivered. */
  view: string;
}

/** Where the local console keeps what it delivered: each outbox row at most once (its key). */
export interface ConsoleFeed {
  /** False when the row was already delivered (a retry after a crash). */
  append(p: { outboxKey: string; incidentKey: string; to: string; at: Date; view: string }): boolean;
  /** The newest `limit` messages to `to` (of one incident, or of all when null), oldest first. */
  list(incidentKey: string | null, to: string, limit: number): ConsolePost[];
}
