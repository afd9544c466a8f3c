// A stakeholder communication (initial alert, status update, closure notice) rendered from its fields.

import { renderSubject, renderTemplateLines } from '../../../domain/forms.js';
import type { Communication, Incident } from '../../../domain/incident.js';
import type { Playbook, TemplateId } from '../../../domain/playbook.js';
import { type Block, context, finalize, header, type SlackMessage, section, sections } from './blocks.js';
import { bid, drillNote, drillPrefix } from './common.js';
import { escapeMrkdwn, mention, truncate } from './escape.js';
import { slackDate } from './time.js';

export interface CommunicationData {
  template: TemplateId;
  fields: Record<string, string>;
  index?: number;
}

function escapeFields(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, escapeMrkdwn(v)]));
}

export function renderCommunication(i: Incident, pb: Playbook, data: CommunicationData): SlackMessage {
  const def = pb.templates.find((t) => t.id === data.template);
  const comm: Communication | undefined =
    data.index !== undefined
      ? i.communications[data.index]
      : [...i.communications].reverse().find((c) => c.template === data.template);
  const fields = escapeFields(data.fields ?? comm?.fields ?? {});
  const name = def?.name ?? data.template;
  const subject = def ? renderSubject(def, fields) : undefined;
  const lines = def ? renderTemplateLines(def, fields) : Object.entries(fields).map(([k, v]) => `${k}: ${v}`);
  const blocks: Block[] = [
    header(`${drillPrefix(i)}${name}: ${i.key}`, bid(i, `comm_header:${data.index ?? 0}`)),
  ];
  if (i.drill) blocks.push(context(drillNote(i), bid(i, `comm_drill:${data.index ?? 0}`)));
  if (subject)
    blocks.push(
      section(`*${truncate(subject, 2900)}*`, { blockId: bid(i, `comm_subject:${data.index ?? 0}`) }),
    );
  blocks.push(...sections(lines.join('\n'), bid(i, `comm_body:${data.index ?? 0}`)));
  const sentBy = comm ? `Sent by ${mention(comm.by)} ${slackDate(comm.at)}` : 'Sent';
  blocks.push(
    context(
      [`${sentBy} · ${escapeMrkdwn(i.key)}: ${truncate(escapeMrkdwn(i.title), 200)}`],
      bid(i, `comm_footer:${data.index ?? 0}`),
    ),
  );
  const head = subject ?? lines[0] ?? name;
  const text = `${drillPrefix(i)}${name} for ${i.key}: ${truncate(head, 300)}\n${truncate(lines.join('\n'), 2500)}`;
  return finalize({ text, blocks });
}
