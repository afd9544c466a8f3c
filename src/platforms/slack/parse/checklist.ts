// A click on the checklist's checkboxes read into presses: only the items this click changed (selected
// vs. the element's `initial_options` in the message the payload carries) that the incident does not
// already agree with. A message rendered before someone else ticked an item must not untick it.
import type { Press } from '../../../app/buttons.js';
import type { Incident } from '../../../domain/incident.js';

type Opt = { value: string };
// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON from the payload
type AnyBlock = any;

function findElement(
  blocks: AnyBlock[] | undefined,
  blockId: string | undefined,
  actionId: string,
): AnyBlock {
  const block = (blocks ?? []).find((b) => b?.block_id === blockId);
  if (!block) return null;
  const els: AnyBlock[] = [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])];
  return els.find((e) => e?.action_id === actionId) ?? null;
}

/** Option values of the checkbox element that fired, read from the message the payload carries. */
export function elementOptions(
  blocks: AnyBlock[] | undefined,
  blockId: string | undefined,
  actionId: string,
): string[] | null {
  const el = findElement(blocks, blockId, actionId);
  return el?.options ? (el.options as Opt[]).map((o) => o.value) : null;
}

/** What the element showed ticked before this click (absent means none), or null when it is not in the message. */
export function elementInitial(
  blocks: AnyBlock[] | undefined,
  blockId: string | undefined,
  actionId: string,
): string[] | null {
  const el = findElement(blocks, blockId, actionId);
  if (!el) return null;
  return ((el.initial_options ?? []) as Opt[]).map((o) => o.value);
}

/** Without `initial` (element not found), every option is compared with the incident. */
export function checklistChanges(
  incident: Incident,
  options: string[],
  selected: string[],
  initial: string[] | null = null,
): Extract<Press, { kind: 'check_item' | 'uncheck_item' }>[] {
  const out: Extract<Press, { kind: 'check_item' | 'uncheck_item' }>[] = [];
  for (const item of options) {
    const ticked = selected.includes(item);
    if (initial && ticked === initial.includes(item)) continue; // not what this click changed
    const done = incident.checklist[item]?.state === 'done';
    if (ticked && !done) out.push({ kind: 'check_item', item });
    else if (!ticked && done) out.push({ kind: 'uncheck_item', item });
  }
  return out;
}
