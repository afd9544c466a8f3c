// The room's post about a playbook action (template `action`): requested, a failed attempt being retried,
// done, or failed for good. Data is `ActionPostData` (src/domain/decide/actions.ts).
import type { ActionPostData } from '../domain/decide/actions.js';
import type { Incident } from '../domain/incident.js';
import { command, mention, strong, type Text, userText } from '../domain/text.js';
import { type PostView, simplePost } from './post.js';

type Data = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** "HTTP 503", or the error ("timed out after 10 s"). */
function answerText(d: Partial<ActionPostData>): string {
  return userText(d.error || (d.status ? `HTTP ${d.status}` : 'no answer'));
}

export function actionPost(i: Incident, data: Data): PostView {
  const d = data as Partial<ActionPostData>;
  const title = userText(str(d.title) || str(d.action));
  const by = str(d.by);
  const attempt = num(d.attempt);
  const ms = num(d.latencyMs);
  const lines: Text[] = [];
  let heading: string;
  switch (d.state) {
    case 'requested':
      heading = `${title} requested`;
      lines.push(
        `⚙️ ${strong(title)} requested by ${mention(by)}: ${userText(str(d.reason))}`,
        'The system is being called; its answer follows here.',
      );
      if (d.drill) lines.push('DRILL: the call says so (drill: true); the system decides what a drill does.');
      break;
    case 'retrying':
      heading = `${title}: attempt ${attempt ?? 1} failed`;
      lines.push(
        `⚠️ ${strong(title)}: attempt ${attempt ?? 1} failed (${answerText(d)}). It is retried until the system answers; the room hears the outcome.`,
      );
      break;
    case 'succeeded':
      heading = `${title} done`;
      lines.push(
        `✅ ${strong(title)} done${d.status ? ` (HTTP ${d.status}` : ' ('}${ms !== undefined ? `${d.status ? ', ' : ''}${ms} ms` : ''}${attempt && attempt > 1 ? `, attempt ${attempt}` : ''}), requested by ${mention(by)}.`,
      );
      if (d.completed) lines.push(`Checklist: ${strong(userText(d.completed))} is done.`);
      break;
    default:
      heading = `${title} failed`;
      lines.push(
        `❌ ${strong(title)} failed: ${answerText(d)}${attempt ? ` after ${attempt} attempt${attempt > 1 ? 's' : ''}` : ''}. Nothing more is tried.`,
        `${mention(by)}: do it by hand (see the guide) and tick the checklist item, or fix the settings and run it again (${command(`action ${str(d.action)}`)}).`,
      );
  }
  return simplePost(i, 'action', heading, lines, `${i.key}: ${heading}`);
}
