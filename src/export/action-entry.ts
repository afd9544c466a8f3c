// A playbook action's decision-log entry (kind `action`) as one line of the record: the request with its
// reason, each failed attempt, and the answer (status, latency, where it went: host and path only).
import type { RecordEntry } from './incident-record.js';

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export function actionEntryLine(e: RecordEntry): string {
  const p = e.payload;
  const title = str(p.title) || str(p.action);
  const answer = `${p.status ? `HTTP ${str(p.status)}` : str(p.error) || 'no answer'}${p.latencyMs !== undefined ? `, ${str(p.latencyMs)} ms` : ''}${p.attempt ? `, attempt ${str(p.attempt)}` : ''}${p.target ? `, ${str(p.target)}` : ''}`;
  switch (p.state) {
    case 'requested':
      return `Action requested: ${title} (${str(p.request)}); reason: ${str(p.reason)}${p.drill ? ' (drill)' : ''}`;
    case 'succeeded':
      return `Action done: ${title} (${str(p.request)}; ${answer})`;
    case 'attempt_failed':
      return `Action attempt failed, retried: ${title} (${str(p.request)}; ${answer}${p.status && p.error ? `: ${str(p.error)}` : ''})`;
    default:
      return `Action failed: ${title} (${str(p.request)}; ${answer}${p.status && p.error ? `: ${str(p.error)}` : ''})`;
  }
}
