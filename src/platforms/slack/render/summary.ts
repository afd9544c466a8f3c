// The pinned summary (SummaryView) as Block Kit: header, facts, impact, roles with claim / release / hand
// over, runbook links, the form buttons and when the next update is due.
import { mention } from '../../../domain/text.js';
import type { SummaryView } from '../../../views/summary.js';
import { ACTION } from '../ids.js';
import { actionButton } from './actions.js';
import {
  actions,
  type Block,
  button,
  context,
  divider,
  type Element,
  finalize,
  header,
  type SlackMessage,
  section,
  usersSelect,
} from './blocks.js';
import { headerOf, mrkdwnOf } from './text.js';
import { workstreamBlocks } from './workstreams.js';

/** block_id of a role's actions: `role:{roleId}:v{version}`. The hand-over select carries the role only here. */
export function roleBlockId(roleId: string, version: number): string {
  return `role:${roleId}:v${version}`;
}

/** The role id from a role block_id (see roleBlockId), or null. */
export function roleFromBlockId(blockId: string | undefined): string | null {
  const m = /^role:(.+):v\d+$/.exec(blockId ?? '');
  return m ? m[1]! : null;
}

const bid = (v: SummaryView, name: string) => `${name}:v${v.version}`;

function roleBlocks(v: SummaryView): Block[] {
  const out: Block[] = [section('*Roles*', { blockId: bid(v, 'summary_roles') })];
  for (const r of v.roles) {
    const who = r.holders.length
      ? mrkdwnOf(r.holders.map((h) => mention(h)).join(', '))
      : r.required
        ? ':warning: _open_'
        : '_open_';
    out.push(
      section(`*${mrkdwnOf(r.name)}*${r.required ? ' (required)' : ''}: ${who}`, {
        blockId: `roletext:${r.id}:v${v.version}`,
      }),
    );
    if (v.closed) continue;
    const els: Element[] = [];
    if (r.holders.length === 0 || r.multiple)
      els.push(
        button({
          text: 'Claim',
          actionId: ACTION.claimRole,
          value: r.id,
          ...(r.required && !r.holders.length ? { style: 'primary' as const } : {}),
        }),
      );
    if (r.holders.length > 0) {
      if (!r.commander) els.push(button({ text: 'Release', actionId: ACTION.releaseRole, value: r.id }));
      els.push(usersSelect({ actionId: ACTION.handoverRole, placeholder: 'Hand over to…' }));
    }
    if (els.length) out.push(actions(roleBlockId(r.id, v.version), els));
  }
  return out;
}

export function renderSummary(v: SummaryView): SlackMessage {
  const blocks: Block[] = [header(headerOf(v.heading), bid(v, 'summary_header'))];
  if (v.drill)
    blocks.push(
      context([':test_tube: *DRILL*: this is an exercise, not a real incident.'], bid(v, 'summary_drill')),
    );
  blocks.push(section(`*${mrkdwnOf(v.title)}*`, { blockId: bid(v, 'summary_title') }));
  blocks.push(
    section('', {
      blockId: bid(v, 'summary_fields'),
      fields: v.facts.map((f) => `*${mrkdwnOf(f.label)}*\n${mrkdwnOf(f.value)}`),
    }),
  );
  blocks.push(section(`*Impact*\n${mrkdwnOf(v.impact)}`, { blockId: bid(v, 'summary_impact') }));
  blocks.push(divider());
  blocks.push(...roleBlocks(v));
  blocks.push(...workstreamBlocks(v));
  if (v.links.length) {
    blocks.push(divider());
    blocks.push(section(v.links.map(mrkdwnOf).join('\n'), { blockId: bid(v, 'summary_links') }));
  }
  if (v.actions.length)
    blocks.push(
      actions(
        bid(v, 'summary_actions'),
        v.actions.map((a) => actionButton(a, v.key)),
      ),
    );
  blocks.push(context(v.status.map(mrkdwnOf), bid(v, v.closed ? 'summary_closed' : 'summary_due')));
  return finalize({ text: mrkdwnOf(v.fallback), blocks });
}
