// The incident a reminder's snooze button is about, for buttons rendered before they carried the incident
// key: the channel's incident, else the one active incident whose key the message names.
import type { Incident } from '../../../domain/incident.js';
import type { SlackContext } from '../context.js';

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON from the payload
type AnyJson = any;

/** Every mrkdwn/plain text in a message (its fallback text and blocks). */
function textsOf(message: AnyJson): string {
  const out: string[] = [];
  const visit = (v: AnyJson): void => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v && typeof v === 'object') {
      if (typeof v.text === 'string') out.push(v.text);
      for (const x of Object.values(v)) if (typeof x === 'object') visit(x);
    }
  };
  if (typeof message?.text === 'string') out.push(message.text);
  visit(message?.blocks);
  return out.join('\n');
}

export function incidentOfNudge(
  ctx: SlackContext,
  channelId: string | undefined,
  message: AnyJson,
): Incident | null {
  const inChannel = ctx.app.incidentInRoom('slack', channelId);
  if (inChannel) return inChannel;
  const text = textsOf(message);
  if (!text) return null;
  const named = ctx.app
    .activeIncidents()
    .filter((i) =>
      new RegExp(`(^|[^A-Z0-9-])${i.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9])`).test(text),
    );
  return named.length === 1 ? named[0]! : null;
}
