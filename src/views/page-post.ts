// The room's post about a page (template `page`): the on-call paged, a failed attempt being retried (and how
// long the provider asked it to wait), the answer, a page that failed for good or could not be resolved, and
// a drill's page that paged nobody. Data is `PagePostData` (src/domain/decide/paging.ts). Opsgenie answers
// 202 "Request will be processed" and creates the alert later: its answer is "accepted", never "paged".
import type { PagePostData } from '../domain/decide/paging.js';
import type { Incident } from '../domain/incident.js';
import { PAGER_NAMES } from '../domain/paging.js';
import { code, command, mention, strong, type Text, userText } from '../domain/text.js';
import { type PostView, simplePost } from './post.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function pagePost(i: Incident, data: Record<string, unknown>): PostView {
  const d = data as Partial<PagePostData>;
  const who = userText(str(d.targetName) || str(d.target));
  const via = d.provider ? (PAGER_NAMES[d.provider] ?? d.provider) : 'the paging service';
  const key = code(str(d.dedupKey));
  const why = userText(d.error || (d.status ? `HTTP ${d.status}` : 'no answer'));
  const lines: Text[] = [];
  let heading: string;
  switch (d.state) {
    case 'requested':
      heading = `Paging ${who}`;
      lines.push(
        `📟 ${mention(str(d.by))} is paging the ${strong(who)} through ${via} (dedup key ${key}). The answer follows here.`,
      );
      if (d.previousKey)
        lines.push(
          `The earlier page failed: this one is a new alert with a new dedup key (the earlier one, ${code(d.previousKey)}, is resolved when the incident closes if it reached ${via}).`,
        );
      break;
    case 'retrying':
      heading = `Page of ${who}: attempt ${d.attempt ?? 1} failed`;
      lines.push(
        d.waitSeconds
          ? `⚠️ Paging the ${strong(who)}: attempt ${d.attempt ?? 1} failed (${why}) and ${via} asked to wait: it is tried again in ${d.waitSeconds} s, with the same dedup key, so nobody is paged twice.`
          : `⚠️ Paging the ${strong(who)}: attempt ${d.attempt ?? 1} failed (${why}). It is retried with the same dedup key, so nobody is paged twice.`,
      );
      break;
    case 'paged': {
      const attempt = d.attempt && d.attempt > 1 ? ` (attempt ${d.attempt})` : '';
      if (d.provider === 'opsgenie') {
        heading = `Page of ${who} accepted by Opsgenie`;
        lines.push(
          `📨 The page of the ${strong(who)} was accepted by Opsgenie${attempt}: Opsgenie creates the alert and notifies the on-call on its side (alias ${key}). If nobody answers, check the alert in Opsgenie. It is closed when the incident closes.`,
        );
      } else {
        heading = `${who} paged`;
        lines.push(
          `✅ The ${strong(who)} is paged: ${via} accepted the page${attempt}. It is resolved when the incident closes.`,
        );
      }
      break;
    }
    case 'failed':
      heading = `Page of ${who} failed`;
      lines.push(
        `❌ Paging the ${strong(who)} failed: ${why}${d.attempt ? ` after ${d.attempt} attempt${d.attempt > 1 ? 's' : ''}` : ''}. Nothing more is tried.`,
        `Call them another way, or fix the settings and page again (${command(`page ${str(d.target)}`)}): a new page is a new alert, with a new dedup key.`,
      );
      break;
    case 'resolve_failed':
      heading = `Page of ${who} not resolved`;
      lines.push(
        `⚠️ The page of the ${strong(who)} could not be resolved in ${via} (${why}). Resolve the alert with dedup key ${key} there by hand.`,
      );
      break;
    default:
      heading = `${who} would be paged`;
      lines.push(
        d.drill
          ? `📟 DRILL: ${mention(str(d.by))} would page the ${strong(who)} now (dedup key ${key}). A drill pages nobody.`
          : `📟 ${mention(str(d.by))} would page the ${strong(who)} now (dedup key ${key}). The local console pages nobody: this is a rehearsal.`,
      );
  }
  return simplePost(i, 'page', heading, lines, `${i.key}: ${heading}`);
}
