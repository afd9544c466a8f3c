// The posts that carry the incident to stakeholders: the announcement of a new incident, and each
// communication (initial alert, status update, closure notice) rendered from the playbook's template.
import type { StakeholderItems } from '../domain/commitments.js';
import { type Communication, holders, type Incident } from '../domain/incident.js';
import type { Playbook, TemplateId } from '../domain/playbook.js';
import { renderSubject, renderTemplateLines } from '../domain/template-fields.js';
import { mention, room, strong, type Text, time, userText } from '../domain/text.js';
import { stakeholderItemLines } from './commitments.js';
import { drillPrefix, phaseName, severityText, triggerName } from './format.js';
import { incidentFooter, type PostView } from './post.js';

export function announcementView(i: Incident, pb: Playbook): PostView {
  const ic = holders(i, pb.commanderRole);
  const where: Text = i.room ? room(i.room.id) : 'no room yet';
  return {
    name: 'announce',
    drill: i.drill,
    version: i.version,
    header: true,
    title: `${drillPrefix(i)}🚨 New incident ${i.key}`,
    lines: [strong(userText(i.title)), `${strong('Impact')}: ${userText(i.impact)}`],
    fields: [
      { label: 'Trigger', value: userText(triggerName(pb, i.triggerClass)) },
      { label: 'Severity', value: severityText(i.severeImpact) },
      { label: 'Incident commander', value: ic.length ? ic.map(mention).join(', ') : 'open' },
      { label: 'Room', value: where },
      { label: 'Declared', value: time(i.declaredAt) },
      { label: 'Phase', value: userText(phaseName(pb, i.phase)) },
    ],
    actions: [],
    ...(i.room ? { footer: `Follow along in ${where}. Updates will be posted here.` } : {}),
    fallback: `${drillPrefix(i)}New incident ${i.key}: ${userText(i.title)}${i.room ? ` in ${where}` : ''}`,
  };
}

export interface CommunicationData {
  template: TemplateId;
  fields: Record<string, string>;
  index?: number;
  /** A status update's open commitments and questions, as they were when it was sent. */
  items?: StakeholderItems;
}

export function communicationView(i: Incident, pb: Playbook, data: CommunicationData): PostView {
  const def = pb.templates.find((t) => t.id === data.template);
  const comm: Communication | undefined =
    data.index !== undefined
      ? i.communications[data.index]
      : [...i.communications].reverse().find((c) => c.template === data.template);
  const fields = Object.fromEntries(
    Object.entries(data.fields ?? comm?.fields ?? {}).map(([k, v]) => [k, userText(String(v))]),
  );
  const name = def?.name ?? data.template;
  const subject = def ? renderSubject(def, fields) : undefined;
  const lines = def ? renderTemplateLines(def, fields) : Object.entries(fields).map(([k, v]) => `${k}: ${v}`);
  const sentBy = comm ? `Sent by ${mention(comm.by)} ${time(comm.at)}` : 'Sent';
  return {
    name: `comm:${data.index ?? 0}`,
    drill: i.drill,
    version: i.version,
    header: true,
    title: `${drillPrefix(i)}${userText(name)}: ${i.key}`,
    lines: [
      ...(subject ? [strong(subject)] : []),
      ...lines,
      ...(data.items ? stakeholderItemLines(data.items) : []),
    ],
    actions: [],
    footer: `${sentBy} · ${incidentFooter(i)}`,
    fallback: `${drillPrefix(i)}${userText(name)} for ${i.key}: ${subject ?? lines[0] ?? name}\n${lines.join('\n')}`,
  };
}
