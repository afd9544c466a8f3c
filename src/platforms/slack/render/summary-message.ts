// The pinned summary in the incident channel: posted once, then updated in place on every change.

import type { Incident } from '../../../domain/incident.js';
import { holders, isClosed } from '../../../domain/incident.js';
import type { Playbook } from '../../../domain/playbook.js';
import { findTrigger } from '../../../domain/playbook.js';
import { requiredRoles } from '../../../domain/roles.js';
import { ACTION } from '../ids.js';
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
import {
  bid,
  closedPrefix,
  drillNote,
  drillPrefix,
  nextStatusUpdateDue,
  phaseName,
  severityText,
  triggerName,
} from './common.js';
import { escapeMrkdwn, link, mention, truncate, userText } from './escape.js';
import { slackDate } from './time.js';

/** block_id of a role's actions: `role:{roleId}:v{version}`. The hand-over select carries the role only here. */
export function roleBlockId(roleId: string, version: number): string {
  return `role:${roleId}:v${version}`;
}

/** The role id from a role block_id (see roleBlockId), or null. */
export function roleFromBlockId(blockId: string | undefined): string | null {
  const m = /^role:(.+):v\d+$/.exec(blockId ?? '');
  return m ? m[1]! : null;
}

function roleBlocks(i: Incident, pb: Playbook): Block[] {
  const required = new Set(requiredRoles(pb, i.triggerClass));
  const closed = isClosed(i);
  const out: Block[] = [section('*Roles*', { blockId: bid(i, 'summary_roles') })];
  for (const role of pb.roles) {
    const held = holders(i, role.id);
    const who = held.length
      ? held.map(mention).join(', ')
      : required.has(role.id)
        ? ':warning: _open_'
        : '_open_';
    const req = required.has(role.id) ? ' (required)' : '';
    out.push(
      section(`*${escapeMrkdwn(role.name)}*${req}: ${who}`, { blockId: `roletext:${role.id}:v${i.version}` }),
    );
    if (closed) continue;
    const els: Element[] = [];
    if (held.length === 0 || role.multiple) {
      els.push(
        button({
          text: 'Claim',
          actionId: ACTION.claimRole,
          value: role.id,
          ...(required.has(role.id) && !held.length ? { style: 'primary' as const } : {}),
        }),
      );
    }
    if (held.length > 0) {
      if (role.id !== pb.commanderRole)
        els.push(button({ text: 'Release', actionId: ACTION.releaseRole, value: role.id }));
      els.push(usersSelect({ actionId: ACTION.handoverRole, placeholder: 'Hand over to…' }));
    }
    if (els.length) out.push(actions(roleBlockId(role.id, i.version), els));
  }
  return out;
}

function linkLines(i: Incident, pb: Playbook): string[] {
  const trigger = findTrigger(pb, i.triggerClass);
  const lines: string[] = [];
  if (trigger?.runbooks.length)
    lines.push(`*Runbooks*: ${trigger.runbooks.map((r) => link(r.title, r.url)).join(' · ')}`);
  const handbook = ['masterSwitch', 'promotionGate']
    .map((k) => pb.links[k])
    .filter((l): l is NonNullable<typeof l> => !!l)
    .map((l) => link(l.title, l.url));
  if (handbook.length) lines.push(`*Handbook*: ${handbook.join(' · ')}`);
  return lines;
}

/**
 * The pinned summary. It is re-rendered only when the incident changes, so it shows nothing that depends on
 * when it was rendered: due times are Slack date tokens, never "in N min" (that would go stale in a quiet
 * incident; the nudges say when something is overdue).
 */
export function renderSummary(i: Incident, pb: Playbook): SlackMessage {
  const closed = isClosed(i);
  const ic = holders(i, pb.commanderRole);
  const title = truncate(escapeMrkdwn(i.title), 3000);
  const blocks: Block[] = [
    header(`${drillPrefix(i)}${closedPrefix(i)}${i.key}: ${escapeMrkdwn(i.title)}`, bid(i, 'summary_header')),
  ];
  if (i.drill) blocks.push(context(drillNote(i), bid(i, 'summary_drill')));
  const fields = [
    `*Incident*\n${escapeMrkdwn(i.key)}`,
    `*Trigger*\n${triggerName(pb, i.triggerClass)}`,
    `*Severity*\n${severityText(i.severeImpact)}`,
    `*Phase*\n${phaseName(pb, i.phase)}${closed ? ' (closed)' : ''}`,
    `*Incident commander*\n${ic.length ? ic.map(mention).join(', ') : '_open_'}`,
    `*Declared*\n${slackDate(i.declaredAt)} by ${mention(i.declaredBy)}`,
    `*Playbook*\n${escapeMrkdwn(pb.title)} v${escapeMrkdwn(i.playbook.version)}`,
  ];
  if (closed && i.closedAt)
    fields.push(
      i.standDown
        ? `*Stood down (false alarm)*\n${slackDate(i.closedAt)} by ${mention(i.standDown.by)}: ${userText(i.standDown.reason, 300)}`
        : `*Closed*\n${slackDate(i.closedAt)}`,
    );
  if (i.reviewDueOn && !i.reviewedAt) fields.push(`*Review due*\n${escapeMrkdwn(i.reviewDueOn)}`);
  blocks.push(section(`*${title}*`, { blockId: bid(i, 'summary_title') }));
  blocks.push(section('', { blockId: bid(i, 'summary_fields'), fields }));
  blocks.push(section(`*Impact*\n${userText(i.impact, 1500)}`, { blockId: bid(i, 'summary_impact') }));
  blocks.push(divider());
  blocks.push(...roleBlocks(i, pb));
  const links = linkLines(i, pb);
  if (links.length) {
    blocks.push(divider());
    blocks.push(section(links.join('\n'), { blockId: bid(i, 'summary_links') }));
  }
  if (!closed) {
    const els: Element[] = [];
    if (!i.initialAlertAt)
      els.push(
        button({ text: 'Send initial alert', actionId: ACTION.openAlert, value: i.key, style: 'primary' }),
      );
    els.push(button({ text: 'Status update', actionId: ACTION.openUpdate, value: i.key }));
    els.push(button({ text: 'Next phase', actionId: ACTION.openPhase, value: i.key }));
    els.push(button({ text: 'Close', actionId: ACTION.openClose, value: i.key, style: 'danger' }));
    blocks.push(actions(bid(i, 'summary_actions'), els));
    const due = nextStatusUpdateDue(i, pb);
    const alert = i.initialAlertAt
      ? `Initial alert sent ${slackDate(i.initialAlertAt)}`
      : ':warning: Initial stakeholder alert not sent yet';
    blocks.push(context([`Next status update due ${slackDate(due)}`, alert], bid(i, 'summary_due')));
  } else {
    blocks.push(
      context(
        [`Closed ${i.closedAt ? slackDate(i.closedAt) : ''}. Log and follow-ups stay open.`],
        bid(i, 'summary_closed'),
      ),
    );
  }
  const text = `${drillPrefix(i)}${closedPrefix(i)}${i.key}: ${truncate(escapeMrkdwn(i.title), 300)} (${phaseName(pb, i.phase)})`;
  return finalize({ text, blocks });
}
