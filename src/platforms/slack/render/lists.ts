// Help and lists (open incidents, status, follow-ups) as Slack answers: mrkdwn text for the ack, and the
// follow-ups as blocks with a "Mark done" button per open one.
import type { HelpView } from '../../../views/help.js';
import type { ListView } from '../../../views/lists.js';
import { actionButton } from './actions.js';
import { type Block, section } from './blocks.js';
import { truncate } from './escape.js';
import { mrkdwnOf } from './text.js';

/** Longest answer in an ack (Slack shows up to 4,000 characters; keep room). */
export const MAX_ANSWER = 3500;

export function helpText(v: HelpView): string {
  const lines = [
    ...(v.lead ? [mrkdwnOf(v.lead), ''] : []),
    `*${mrkdwnOf(v.title)}*`,
    ...v.sections.flatMap((s) => [`*${mrkdwnOf(s.heading)}*`, ...s.lines.map((l) => `• ${mrkdwnOf(l)}`)]),
    ...v.footer.map(mrkdwnOf),
  ];
  return truncate(lines.join('\n'), MAX_ANSWER);
}

export function listText(v: ListView): string {
  if (v.lines.length === 0 && v.empty) return mrkdwnOf(v.empty);
  return truncate(
    [`*${mrkdwnOf(v.title)}*`, ...v.lines.map((l) => `• ${mrkdwnOf(l)}`)].join('\n'),
    MAX_ANSWER,
  );
}

/** A list whose lines have buttons: one section per line, the button as its accessory. */
export function listBlocks(v: ListView, incidentKey: string): { text: string; blocks: Block[] } {
  if (v.lines.length === 0 && v.empty)
    return { text: mrkdwnOf(v.empty), blocks: [section(mrkdwnOf(v.empty))] };
  const blocks: Block[] = [section(`*${mrkdwnOf(v.title)}*`)];
  v.lines.forEach((l, n) => {
    const a = v.actions?.[n];
    const text = mrkdwnOf(l);
    blocks.push(section(text, a ? { accessory: actionButton(a, incidentKey) } : {}));
  });
  return { text: mrkdwnOf(v.title), blocks: blocks.slice(0, 50) };
}
