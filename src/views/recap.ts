// The post that asks for the communication recap once the review is recorded (decide/recap.ts): who sends
// it, that it is prefilled from the review, and the button that opens it to check and send.
import type { Incident } from '../domain/incident.js';
import { command, mention, strong, type Text } from '../domain/text.js';
import { type PostView, simplePost } from './post.js';

export function recapDuePost(i: Incident, data: Record<string, unknown>): PostView {
  const who = (Array.isArray(data.mention) ? data.mention : []).filter(
    (x): x is string => typeof x === 'string' && x.length > 0,
  );
  const lines: Text[] = [
    `📣 ${who.length ? `${who.map(mention).join(' ')}: ` : ''}the ${strong('communication recap')} for stakeholders is next: the final summary, lessons learned and improvements. It is prefilled from the review; check it, change what needs changing, and send it (${command('recap')}).`,
    i.confidential
      ? '🔒 This incident is confidential: the recap is posted here, and the stakeholder channel is told only that the review is complete.'
      : 'It goes to this room and to the stakeholder channel.',
  ];
  return simplePost(i, 'recap_due', 'communication recap due', lines, `${i.key}: communication recap due`, [
    { kind: 'open_form', form: 'recap', label: 'Check and send recap', style: 'primary' },
  ]);
}
