// The summary's workstreams as Block Kit: one line per workstream with its lead (or "no lead") and a
// people picker to name or hand over its lead, then one row of "Lead …" / "Release …" buttons.
import { mention } from '../../../domain/text.js';
import type { SummaryView } from '../../../views/summary.js';
import { ACTION } from '../ids.js';
import { actions, type Block, button, type Element, section, usersSelect } from './blocks.js';
import { mrkdwnOf } from './text.js';

/** block_id of a workstream's line: `ws:{id}:v{version}` (the picker's workstream is read from it). */
export function workstreamBlockId(id: string, version: number): string {
  return `ws:${id}:v${version}`;
}

export function workstreamFromBlockId(blockId: string | undefined): string | null {
  const m = /^ws:(.+):v\d+$/.exec(blockId ?? '');
  return m ? m[1]! : null;
}

export function workstreamBlocks(v: SummaryView): Block[] {
  if (!v.workstreams.length) return [];
  const out: Block[] = [section('*Workstreams*', { blockId: `summary_workstreams:v${v.version}` })];
  for (const w of v.workstreams) {
    const who = w.lead ? mrkdwnOf(mention(w.lead)) : ':warning: _no lead_';
    out.push(
      section(`*${mrkdwnOf(w.name)}*: ${who}`, {
        blockId: workstreamBlockId(w.id, v.version),
        ...(v.closed
          ? {}
          : {
              accessory: usersSelect({
                actionId: ACTION.assignWorkstream,
                placeholder: w.lead ? 'Hand over to…' : 'Name the lead…',
              }),
            }),
      }),
    );
  }
  if (v.closed) return out;
  const els: Element[] = v.workstreams.map((w) =>
    w.lead
      ? button({ text: `Release ${w.name}`, actionId: `${ACTION.releaseWorkstream}:${w.id}`, value: w.id })
      : button({ text: `Lead ${w.name}`, actionId: `${ACTION.leadWorkstream}:${w.id}`, value: w.id }),
  );
  out.push(actions(`summary_ws_actions:v${v.version}`, els));
  return out;
}
