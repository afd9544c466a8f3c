// The room's post about a monitoring alert (template `alert`): attached from its prompt, firing again after
// it resolved (added by the bot), or resolved ("Alert ALERT-3 (summary) resolved at 14:02 UTC"). Data is `AlertPostData` (src/domain/decide/alerts.ts).
import type { AlertPostData } from '../domain/decide/alerts.js';
import type { Incident } from '../domain/incident.js';
import { link, mention, strong, type Text, time, userText } from '../domain/text.js';
import { type PostView, simplePost } from './post.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function alertPost(i: Incident, data: Record<string, unknown>): PostView {
  const d = data as Partial<AlertPostData>;
  const id = userText(str(d.alert));
  const summary = userText(str(d.summary));
  const where = d.link ? [link('Open in monitoring', str(d.link))] : [];
  if (d.kind === 'resolved') {
    const when = str(d.resolvedAt);
    return simplePost(
      i,
      'alert',
      `alert ${id} resolved`,
      [`✅ Alert ${strong(id)} (${summary}) resolved at ${when ? time(when) : 'an unknown time'}.`, ...where],
      `${i.key}: alert ${id} resolved`,
    );
  }
  if (d.kind === 'firing_again') {
    const before = d.previous ? ` (it fired before as ${strong(userText(str(d.previous)))})` : '';
    return simplePost(
      i,
      'alert',
      `alert ${id} firing again`,
      [
        `🚨 Alert ${strong(id)} is firing again${before}: ${summary}`,
        `Firing since ${time(str(d.startsAt))}; the bot added it to this incident, and this room hears when it resolves.`,
        ...where,
      ],
      `${i.key}: alert ${id} firing again`,
    );
  }
  const lines: Text[] = [
    `🚨 ${d.by ? mention(str(d.by)) : 'Someone'} added alert ${strong(id)} to this incident: ${summary}`,
    d.status === 'resolved'
      ? `It fired at ${time(str(d.startsAt))} and has resolved${d.resolvedAt ? ` (${time(str(d.resolvedAt))})` : ''}.`
      : `Firing since ${time(str(d.startsAt))}; this room hears when it resolves.`,
    ...where,
  ];
  return simplePost(i, 'alert', `alert ${id} added`, lines, `${i.key}: alert ${id} added`);
}
