// One delivery of an alert group's prompt (the dispatcher decides when, and records the outcome): the group as
// the prompt may show it now, and a prompt that cannot be posted said loudly, since an alert nobody sees is lost.
import type { AlertGroup } from '../domain/alert-group.js';
import type { Incident } from '../domain/incident.js';
import type { AlertPromptSender } from './alert-ports.js';
import type { AppLogger, OutboxRow, SendResult } from './ports.js';

/**
 * The group as its prompt may show it now: an incident made confidential after the decision is no longer
 * named (the decision recorded the confidentiality it had then).
 */
export function asSeenNow(group: AlertGroup, get: (key: string) => Incident | null): AlertGroup {
  const d = group.decision;
  if ((d.kind !== 'declared' && d.kind !== 'attached') || d.confidential) return group;
  return get(d.incident)?.confidential ? { ...group, decision: { ...d, confidential: true } } : group;
}

export async function sendAlertPrompt(
  row: OutboxRow,
  group: AlertGroup,
  sender: AlertPromptSender,
  o: { incident: (key: string) => Incident | null; lastAttempt: boolean; logger?: AppLogger },
): Promise<SendResult> {
  let result: SendResult;
  try {
    result = await sender.send(row, asSeenNow(group, o.incident));
  } catch (e) {
    result = { status: 'retry', error: e instanceof Error ? e.message : String(e) };
  }
  // Where (a wrong channel id, a private channel the bot is not in), at error level; the metrics count it as a
  // failed delivery.
  if (result.status === 'failed' || (result.status === 'retry' && o.lastAttempt))
    o.logger?.error(
      { alert: group.id, platform: row.platform, channel: group.channel, error: result.error },
      'alert prompt could not be posted in its channel: check ALERTS_CHANNEL (or the rule’s channel) and that the bot is in it',
    );
  return result;
}
