// The append-only record of decisions on alert groups (declared, added to an incident, dismissed), as one
// hash chain over all groups: each row is hashed like a decision-log entry (audit/hash-chain.ts), under
// the chain name `alert-decisions`, so `audit verify` checks it with the same verifier. The group's JSON
// state says what was decided; this record is what cannot be changed without it showing.
import type { AlertDecision, AlertGroup } from './alert-group.js';
import { type ChainEntry, entryHash, GENESIS, type VerifyRow } from './audit/hash-chain.js';

export const ALERT_DECISIONS_CHAIN = 'alert-decisions';

/** One decision as stored (table alert_decisions). */
export interface AlertDecisionRow {
  seq: number;
  alert_id: string;
  occurrence: number;
  kind: string;
  actor: string;
  at: string;
  recorded_at: string;
  reason: string | null;
  incident: string | null;
  confidential: number;
  prev_hash: string;
  hash: string;
}

/** The row as a chain entry (what the hash covers). */
export function decisionEntry(r: Omit<AlertDecisionRow, 'prev_hash' | 'hash'>): ChainEntry {
  return {
    incident_key: ALERT_DECISIONS_CHAIN,
    seq: r.seq,
    at: r.at,
    recorded_at: r.recorded_at,
    actor: r.actor,
    kind: r.kind,
    payload: {
      alert: r.alert_id,
      occurrence: r.occurrence,
      reason: r.reason,
      incident: r.incident,
      confidential: r.confidential === 1,
    },
    source: null,
    command_key: null,
  };
}

/** The next row of the chain for a group's decision (null: nothing decided yet). */
export function decisionRow(
  g: Pick<AlertGroup, 'id' | 'occurrence'> & { decision: AlertDecision },
  prev: { seq: number; hash: string } | null,
  recordedAt: string,
): AlertDecisionRow | null {
  const d = g.decision;
  if (d.kind === 'open') return null;
  const row = {
    seq: (prev?.seq ?? 0) + 1,
    alert_id: g.id,
    occurrence: g.occurrence,
    kind: d.kind,
    actor: d.by,
    at: d.at,
    recorded_at: recordedAt,
    reason: d.kind === 'dismissed' ? d.reason : null,
    incident: d.kind === 'dismissed' ? null : d.incident,
    confidential: d.kind !== 'dismissed' && d.confidential ? 1 : 0,
  };
  const prevHash = prev?.hash ?? GENESIS;
  return { ...row, prev_hash: prevHash, hash: entryHash(prevHash, decisionEntry(row)) };
}

/** The rows as the chain verifier reads them (in seq order). */
export function decisionVerifyRows(rows: Iterable<AlertDecisionRow>): Iterable<VerifyRow> {
  return (function* () {
    for (const r of rows) yield { ...decisionEntry(r), prev_hash: r.prev_hash, hash: r.hash };
  })();
}
