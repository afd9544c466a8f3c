// The golden-hour checklist in the incident channel: one checkboxes element per group, updated in place.

import type { Incident } from '../../../domain/incident.js';
import { isClosed } from '../../../domain/incident.js';
import type { ChecklistItemDef, Playbook } from '../../../domain/playbook.js';
import { allChecklistItems } from '../../../domain/playbook.js';
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
import { bid, drillNote, drillPrefix, roleName } from './common.js';
import { escapeMrkdwn, link, mention, truncate } from './escape.js';
import { addMinutes, slackDate, slackTime } from './time.js';

/** block_id of a group's checkboxes: `checklist:{groupId}:v{version}`. */
export function checklistBlockId(groupId: string, version: number): string {
  return `checklist:${groupId}:v${version}`;
}

/** The group id from a checklist block_id, or null. */
export function groupFromBlockId(blockId: string | undefined): string | null {
  const m = /^checklist:(.+):v\d+$/.exec(blockId ?? '');
  return m ? m[1]!.replace(/~\d+$/, '') : null;
}

/**
 * What a checkboxes action means: items of the group ticked now but not done -> check; done but no
 * longer ticked -> uncheck. `selected` are the option values of the action's `selected_options`.
 */
export function checklistChanges(
  i: Incident,
  pb: Playbook,
  blockId: string,
  selected: string[],
): { check: string[]; uncheck: string[] } {
  const group = pb.checklist.find((g) => g.id === groupFromBlockId(blockId));
  const out = { check: [] as string[], uncheck: [] as string[] };
  if (!group) return out;
  for (const it of group.items) {
    if (it.completedBy) continue;
    const isDone = i.checklist[it.id]?.state === 'done';
    const ticked = selected.includes(it.id);
    if (ticked && !isDone) out.check.push(it.id);
    if (!ticked && isDone) out.uncheck.push(it.id);
  }
  return out;
}

const OPTION_TEXT = 75;

function itemLine(i: Incident, pb: Playbook, item: ChecklistItemDef): string {
  const mark = i.checklist[item.id];
  const text = escapeMrkdwn(item.text);
  const owner = roleName(pb, item.ownerRole);
  const due = addMinutes(i.declaredAt, item.deadlineMinutes);
  const links = item.links.length ? `\n      ${item.links.map((l) => link(l.title, l.url)).join(' · ')}` : '';
  if (mark?.state === 'done')
    return `:white_check_mark: ~${text}~ (${mention(mark.by)}, ${slackDate(mark.at)})`;
  if (mark?.state === 'na')
    return `:heavy_minus_sign: ~${text}~ _N/A: ${escapeMrkdwn(mark.reason ?? 'no reason given')}_ (${mention(mark.by)})`;
  const alert = item.completedBy === 'initial_alert_sent' ? '\n      _Sent via `/incident alert`_' : '';
  return `:white_square: ${text}\n      _${owner}_ · due ${slackDate(due)}${alert}${links}`;
}

function option(i: Incident, pb: Playbook, item: ChecklistItemDef): CheckboxOption {
  const mark = i.checklist[item.id];
  const short = truncate(escapeMrkdwn(item.text), mark?.state === 'na' ? OPTION_TEXT - 2 : OPTION_TEXT, '…');
  const owner = truncate(roleName(pb, item.ownerRole), 40, '…');
  let description = `${owner} · due ${slackTime(addMinutes(i.declaredAt, item.deadlineMinutes))}`;
  if (description.length > OPTION_TEXT) description = owner;
  if (mark?.state === 'na')
    description = truncate(`N/A: ${escapeMrkdwn(mark.reason ?? '')}`, OPTION_TEXT, '…');
  if (mark?.state === 'done') description = `Done by ${mention(mark.by)}`;
  return { text: mark?.state === 'na' ? `~${short}~` : short, value: item.id, description };
}

/**
 * The checklist. Like the summary it is re-rendered only when the incident changes, so nothing in it depends
 * on when it was rendered: deadlines are Slack date tokens, with no "in N min" and no overdue marker (the
 * golden-hour nudges say what is overdue).
 */
export function renderChecklist(i: Incident, pb: Playbook): SlackMessage {
  const closed = isClosed(i);
  const items = allChecklistItems(pb);
  const done = items.filter((x) => i.checklist[x.id]).length;
  const goldenHourEnds = addMinutes(i.declaredAt, pb.clocks.goldenHourMinutes);
  const blocks: Block[] = [
    header(`${drillPrefix(i)}Golden hour checklist: ${i.key}`, bid(i, 'checklist_header')),
  ];
  if (i.drill) blocks.push(context(drillNote(i), bid(i, 'checklist_drill')));
  blocks.push(
    context(
      [
        `${done}/${items.length} done · complete within the first ${pb.clocks.goldenHourMinutes} minutes, by ${slackDate(goldenHourEnds)}`,
      ],
      bid(i, 'checklist_progress'),
    ),
  );
  for (const group of pb.checklist) {
    blocks.push(divider());
    blocks.push(
      section(`*${escapeMrkdwn(group.name)}*\n${group.items.map((it) => itemLine(i, pb, it)).join('\n')}`, {
        blockId: bid(i, `checklist_group:${group.id}`),
      }),
    );
    if (closed) continue;
    // Items ticked by an event (room created, alert sent) are not ticked by hand.
    const manual = group.items.filter((it) => !it.completedBy);
    for (let n = 0; n < manual.length; n += 10) {
      const chunk = manual.slice(n, n + 10);
      const blockId = checklistBlockId(n === 0 ? group.id : `${group.id}~${n / 10}`, i.version);
      blocks.push(
        actions(blockId, [
          checkboxes(
            ACTION.checkItem,
            chunk.map((it) => option(i, pb, it)),
            chunk.filter((it) => i.checklist[it.id]?.state === 'done').map((it) => it.id),
          ),
        ]),
      );
    }
    const alertItem = group.items.find(
      (it) => it.completedBy === 'initial_alert_sent' && !i.checklist[it.id],
    );
    if (alertItem && !i.initialAlertAt) {
      blocks.push(
        actions(bid(i, `checklist_alert:${group.id}`), [
          button({ text: 'Send initial alert', actionId: ACTION.openAlert, value: i.key, style: 'primary' }),
        ]),
      );
    }
  }
  if (closed)
    blocks.push(context(['The incident is closed; the checklist is read-only.'], bid(i, 'checklist_closed')));
  const text = `${drillPrefix(i)}Golden hour checklist for ${i.key}: ${done}/${items.length} done`;
  return finalize({ text, blocks });
}
