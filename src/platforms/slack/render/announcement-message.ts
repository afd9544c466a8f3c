// The announcement of a new incident in the stakeholder channel.
import type { Incident } from '../../../domain/incident.js';
import { holders } from '../../../domain/incident.js';
import type { Playbook } from '../../../domain/playbook.js';
import { type Block, context, finalize, header, type SlackMessage, section } from './blocks.js';
import { bid, drillNote, drillPrefix, phaseName, severityText, triggerName } from './common.js';
import { channelLink, escapeMrkdwn, mention, truncate, userText } from './escape.js';
import { slackDate } from './time.js';

function roomText(i: Incident): string {
  if (!i.room) return '_no channel yet_';
  return channelLink(i.room.id);
}

export function renderAnnouncement(i: Incident, pb: Playbook): SlackMessage {
  const ic = holders(i, pb.commanderRole);
  const blocks: Block[] = [
    header(`${drillPrefix(i)}:rotating_light: New incident ${i.key}`, bid(i, 'announce_header')),
  ];
  if (i.drill) blocks.push(context(drillNote(i), bid(i, 'announce_drill')));
  blocks.push(section(`*${userText(i.title, 2000)}*`, { blockId: bid(i, 'announce_title') }));
  blocks.push(
    section('', {
      blockId: bid(i, 'announce_fields'),
      fields: [
        `*Trigger*\n${triggerName(pb, i.triggerClass)}`,
        `*Severity*\n${severityText(i.severeImpact)}`,
        `*Incident commander*\n${ic.length ? ic.map(mention).join(', ') : '_open_'}`,
        `*Channel*\n${roomText(i)}`,
        `*Declared*\n${slackDate(i.declaredAt)}`,
        `*Phase*\n${phaseName(pb, i.phase)}`,
      ],
    }),
  );
  blocks.push(section(`*Impact*\n${userText(i.impact, 1500)}`, { blockId: bid(i, 'announce_impact') }));
  if (i.room)
    blocks.push(
      context([`Follow along in ${roomText(i)}. Updates will be posted here.`], bid(i, 'announce_follow')),
    );
  const text = `${drillPrefix(i)}New incident ${i.key}: ${truncate(escapeMrkdwn(i.title), 300)}${i.room ? ` in ${roomText(i)}` : ''}`;
  return finalize({ text, blocks });
}
