// What the alert intake and the alert prompt need from storage and the platforms (see domain/alert-group.ts).
import type { AlertGroup, AlertNotification, AlertSource } from '../domain/alert-group.js';
import type { OutboxRow, SendResult } from './ports.js';

export interface AlertStore {
  get(id: string): AlertGroup | null;
  /** The group's latest occurrence (by its own key, or one it took in: `groupKeys`). */
  byGroupKey(source: AlertSource, groupKey: string): AlertGroup | null;
  /** Groups (each its key's latest occurrence) with an alert of these fingerprints, newest first. */
  byFingerprints?(source: AlertSource, fingerprints: string[]): AlertGroup[];
  /**
   * How many groups (or occurrences) were created since `at` that the intake's flood limit counts: not
   * those of a `declare` or severe rule, nor those the bot added to an open incident.
   */
  createdSince?(at: Date): number;
  /**
   * In one transaction: inserts the group (`id: ''` allocates ALERT-<n>) or updates it (its `version` must be
   * the stored one, else ConflictError; the stored version is incremented), keeps the keys and fingerprints
   * it is found by, records its decision once in the append-only, hash-chained decision record, appends
   * `notification` (raw, size-limited) to the group's intake record when given, and queues a refresh of its
   * prompt (an outbox row to `{ to: 'alerts' }` with body `{ kind: 'alert_prompt', alert: id }`) unless
   * `refreshPrompt` is false. Returns the group as stored.
   */
  save(
    group: AlertGroup,
    now: Date,
    o?: { notification?: AlertNotification; refreshPrompt?: boolean },
  ): AlertGroup;
  /** The raw notifications of a group, oldest first (the evidence an incident keeps of it). */
  notifications?(id: string): { receivedAt: string; status: string; raw: string }[];
  /** The latest raw notification of a group. */
  latestNotification?(id: string): { receivedAt: string; status: string; raw: string } | null;
}

/** Posts a group's prompt, then updates it in place (implemented by each platform). */
export interface AlertPromptSender {
  send(row: OutboxRow, group: AlertGroup): Promise<SendResult>;
  /** At start-up: why prompts cannot be posted in `channel` (null: nothing known against it). Never throws. */
  checkChannel?(channel: string): Promise<string | null>;
}
