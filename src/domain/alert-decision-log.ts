// Decisions on alert groups (declared, added to an incident, dismissed) are kept in the ONE ledger: each
// group has its own chain in decision_log, keyed by its id (ALERT-<n>), extended by the global chain the
// signed checkpoints cover. Each entry's state digest is the digest of the decision it records, so
// `audit verify` holds alert_groups.state's decision against its chain as it holds an incident's state
// against its log: a rewritten, deleted or reverted decision shows.
import type { AlertDecision, AlertGroup } from './alert-group.js';
import { stateDigest } from './audit/ledger.js';
import type { LogEffect } from './effects.js';

export const ALERT_DECISION_KIND = 'alert_decision';

/** A decision-log chain that belongs to an alert group, not an incident. */
export const isAlertChain = (key: string): boolean => /^ALERT-\d+$/.test(key);

/** What the ledger records of a group's decision (null: nothing decided yet). */
export function decisionPayload(
  g: Pick<AlertGroup, 'occurrence'> & { decision: AlertDecision },
): Record<string, unknown> | null {
  const d = g.decision;
  if (d.kind === 'open') return null;
  return {
    kind: d.kind,
    by: d.by,
    at: d.at,
    reason: d.kind === 'dismissed' ? d.reason : null,
    incident: d.kind === 'dismissed' ? null : d.incident,
    confidential: d.kind !== 'dismissed' && !!d.confidential,
    again: d.kind === 'attached' && !!d.again,
    occurrence: g.occurrence,
  };
}

/** The log entry of a decision. */
export function decisionEntry(payload: Record<string, unknown>): LogEffect {
  return { type: 'log', kind: ALERT_DECISION_KIND, payload };
}

/** The digest a group's chain must end with for its stored decision (null: open, no decision). */
export function decisionDigest(g: Pick<AlertGroup, 'occurrence'> & { decision: AlertDecision }) {
  const p = decisionPayload(g);
  return p ? stateDigest(p).hash : null;
}

/**
 * Holds each stored group's decision against its chain's last recorded digest (`chains`, by key). Returns
 * the first problem as a sentence, or null.
 */
export function checkAlertDecisions(
  groups: { id: string; state: string }[],
  chains: Map<string, { stateHash: string | null }>,
): string | null {
  const ids = new Set(groups.map((g) => g.id));
  for (const key of chains.keys())
    if (isAlertChain(key) && !ids.has(key))
      return `the log has decisions for ${key}, which is not in the alert_groups table (the group was deleted)`;
  for (const row of groups) {
    let g: AlertGroup;
    try {
      g = JSON.parse(row.state) as AlertGroup;
    } catch {
      return `${row.id}: its stored state is not valid JSON (it was edited)`;
    }
    if (!g || typeof g !== 'object' || !g.decision)
      return `${row.id}: its stored state has no decision (it was edited)`;
    const want = decisionDigest(g);
    const chain = chains.get(row.id);
    if (!chain) {
      if (want)
        return `${row.id}: its stored decision (${g.decision.kind}) is not in the decision log (added or edited in the database)`;
      continue;
    }
    if (want !== chain.stateHash)
      return `${row.id}: its stored decision (${g.decision.kind}) is not the one its decision log recorded (edited in the database)`;
  }
  return null;
}
