// The golden-hour checklist (ChecklistView) as Block Kit: one section per group with every item's state,
// then checkboxes for the items ticked by hand (ten per element), and "Send initial alert" while it is due.
import { command, mention, time } from '../../../domain/text.js';
import type { ChecklistRow, ChecklistView } from '../../../views/checklist.js';
import { ACTION } from '../ids.js';
import {
  actions,
  type Block,
  button,
  type CheckboxOption,
  checkboxes,
  context,
  divider,
  finalize,
  header,
  type SlackMessage,
  section,
} from './blocks.js';
import { escapeMrkdwn, link, truncate } from './escape.js';
import { headerOf, mrkdwnOf } from './text.js';
import { slackTime } from './time.js';

/** block_id of a group's checkboxes: `checklist:{groupId}:v{version}`. */
export function checklistBlockId(groupId: string, version: number): string {
  return `checklist:${groupId}:v${version}`;
}

/** The group id from a checklist block_id, or null. */
export function groupFromBlockId(blockId: string | undefined): string | null {
  const m = /^checklist:(.+):v\d+$/.exec(blockId ?? '');
  return m ? m[1]!.replace(/~\d+$/, '') : null;
}

const OPTION_TEXT = 75;

function itemLine(it: ChecklistRow): string {
  const text = escapeMrkdwn(it.text);
  const links = it.links.length ? `\n      ${it.links.map((l) => link(l.title, l.url)).join(' · ')}` : '';
  const m = it.mark;
  if (m?.state === 'done')
    return `:white_check_mark: ~${text}~ (${mrkdwnOf(mention(m.by))}, ${mrkdwnOf(time(m.at))})`;
  if (m?.state === 'na')
    return `:heavy_minus_sign: ~${text}~ _N/A: ${escapeMrkdwn(m.reason ?? 'no reason given')}_ (${mrkdwnOf(mention(m.by))})`;
  const alert = it.byAlert
    ? `\n      _Sent via ${mrkdwnOf(command('alert'))}_`
    : it.byLeads
      ? `\n      _Done when every workstream has a lead: the summary's Lead buttons, or ${mrkdwnOf(command('lead'))}_`
      : '';
  return `:white_square: ${text}\n      _${escapeMrkdwn(it.owner)}_ · due ${mrkdwnOf(time(it.due))}${alert}${links}`;
}

function option(it: ChecklistRow): CheckboxOption {
  const m = it.mark;
  const short = truncate(escapeMrkdwn(it.text), m?.state === 'na' ? OPTION_TEXT - 2 : OPTION_TEXT, '…');
  const owner = truncate(escapeMrkdwn(it.owner), 40, '…');
  let description = `${owner} · due ${slackTime(it.due)}`;
  if (description.length > OPTION_TEXT) description = owner;
  if (m?.state === 'na') description = truncate(`N/A: ${escapeMrkdwn(m.reason ?? '')}`, OPTION_TEXT, '…');
  if (m?.state === 'done') description = `Done by ${mrkdwnOf(mention(m.by))}`;
  return { text: m?.state === 'na' ? `~${short}~` : short, value: it.id, description };
}

export function renderChecklist(v: ChecklistView): SlackMessage {
  const bid = (name: string) => `${name}:v${v.version}`;
  const blocks: Block[] = [header(headerOf(v.heading), bid('checklist_header'))];
  if (v.drill)
    blocks.push(
      context([':test_tube: *DRILL*: this is an exercise, not a real incident.'], bid('checklist_drill')),
    );
  blocks.push(context([mrkdwnOf(v.progress)], bid('checklist_progress')));
  for (const group of v.groups) {
    blocks.push(divider());
    blocks.push(
      section(`*${escapeMrkdwn(group.name)}*\n${group.items.map(itemLine).join('\n')}`, {
        blockId: bid(`checklist_group:${group.id}`),
      }),
    );
    if (v.closed) continue;
    const manual = group.items.filter((it) => it.manual);
    for (let n = 0; n < manual.length; n += 10) {
      const chunk = manual.slice(n, n + 10);
      blocks.push(
        actions(checklistBlockId(n === 0 ? group.id : `${group.id}~${n / 10}`, v.version), [
          checkboxes(
            ACTION.checkItem,
            chunk.map(option),
            chunk.filter((it) => it.mark?.state === 'done').map((it) => it.id),
          ),
        ]),
      );
    }
    if (v.offerAlert && group.items.some((it) => it.byAlert && !it.mark))
      blocks.push(
        actions(bid(`checklist_alert:${group.id}`), [
          button({ text: 'Send initial alert', actionId: ACTION.openAlert, value: v.key, style: 'primary' }),
        ]),
      );
  }
  if (v.closed)
    blocks.push(context(['The incident is closed; the checklist is read-only.'], bid('checklist_closed')));
  return finalize({ text: mrkdwnOf(v.fallback), blocks });
}
