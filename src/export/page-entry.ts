// A page's decision-log entry (kind `page`, decide/paging.ts) as one line of the record: the on-call paged
// (with its dedup key), each failed attempt, the answer (Opsgenie's: accepted, it creates the alert later),
// a trigger not sent because the incident closed first, the resolve at close, and a drill's page that paged
// nobody. Never a key: the playbook's routing key reference is a name.
import type { RecordEntry } from './incident-record.js';

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export function pageEntryLine(e: RecordEntry): string {
  const p = e.payload;
  const who = `${str(p.target)} (dedup key ${str(p.dedupKey)})`;
  const via = p.provider === 'opsgenie' ? 'Opsgenie' : p.provider === 'pagerduty' ? 'PagerDuty' : 'the pager';
  const answer = `${p.status ? `HTTP ${str(p.status)}` : str(p.error) || 'no answer'}${p.attempt ? `, attempt ${str(p.attempt)}` : ''}${p.status && p.error ? `: ${str(p.error)}` : ''}`;
  if (p.state === 'not_paged')
    return `Page of ${who} not sent: ${p.drill ? 'a drill pages nobody' : 'the local console pages nobody'}`;
  const resolve = p.action === 'resolve';
  switch (p.state) {
    case 'requested':
      return resolve
        ? `Page resolve requested: ${who} (incident closed${p.afterFailed ? '; the failed page may have reached the pager' : ''})`
        : `Page requested through ${via}: ${who}: ${str(p.summary)}`;
    case 'paged':
      return p.provider === 'opsgenie'
        ? `Page accepted by Opsgenie: ${who} (${answer})`
        : `Paged through ${via}: ${who} (${answer})`;
    case 'skipped':
      return `Page not sent: ${who}: the incident closed first`;
    case 'done':
      return `Page resolved in ${via}: ${who} (${answer})`;
    case 'attempt_failed':
      return `Page ${resolve ? 'resolve ' : ''}attempt failed, retried: ${who} (${answer})`;
    default:
      return `Page ${resolve ? 'resolve ' : ''}failed: ${who} (${answer})`;
  }
}
