// One renderer per PostTemplate (src/domain/effects.ts), and `renderPost` to pick one.

import type { PostTemplate } from '../../../domain/effects.js';
import type { Incident } from '../../../domain/incident.js';
import { describeNudge, type NudgePayload } from '../../../domain/nudge-text.js';
import type { Playbook, TemplateId } from '../../../domain/playbook.js';
import { ACTION } from '../ids.js';
import { renderAnnouncement } from './announcement-message.js';
import { actions, type Block, button, context, finalize, type SlackMessage, section } from './blocks.js';
import { bid, drillNote, drillPrefix, phaseName, roleName, severityText, triggerName } from './common.js';
import { renderCommunication } from './communication-message.js';
import { channelLink, escapeMrkdwn, mention, truncate, userText } from './escape.js';
import { slackDate } from './time.js';

type Data = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Footer on every post: the incident it is about, and DRILL when it is one. */
function footer(i: Incident): string {
  return `${i.drill ? '*DRILL* · ' : ''}${escapeMrkdwn(i.key)}: ${truncate(escapeMrkdwn(i.title), 200)}`;
}

/** A one-section post with the footer; `text` is the fallback, `body` the mrkdwn. */
function simple(i: Incident, name: string, text: string, body: string, extra: Block[] = []): SlackMessage {
  const blocks: Block[] = [];
  if (i.drill) blocks.push(context(drillNote(i), bid(i, `${name}_drill`)));
  blocks.push(
    section(body, { blockId: bid(i, name) }),
    ...extra,
    context([footer(i)], bid(i, `${name}_footer`)),
  );
  return finalize({ text: `${drillPrefix(i)}${text}`, blocks });
}

export function renderRoleChange(i: Incident, pb: Playbook, d: Data): SlackMessage {
  const role = roleName(pb, String(d.role ?? ''));
  const from = str(d.from);
  const to = str(d.to);
  let body: string;
  switch (d.kind) {
    case 'handover':
      body = `:arrows_counterclockwise: *${role}* handed over from ${mention(from)} to ${mention(to)}.`;
      break;
    case 'release':
      body = `:wave: ${mention(from)} released the *${role}* role.`;
      break;
    default:
      body = `:bust_in_silhouette: ${mention(to)} is now *${role}*.`;
  }
  return simple(i, 'role_change', `${i.key}: ${role} changed hands`, body);
}

export function renderRoleBrief(i: Incident, pb: Playbook, d: Data): SlackMessage {
  const roleId = String(d.role ?? '');
  const role = roleName(pb, roleId);
  const description = str(d.description) ?? pb.roles.find((r) => r.id === roleId)?.description ?? '';
  const where = i.room ? ` in ${channelLink(i.room.id)}` : '';
  const body = [
    `You are now *${role}* for *${escapeMrkdwn(i.key)}*: ${userText(i.title, 500)}${where}.`,
    description ? `>${escapeMrkdwn(description).replace(/\n/g, '\n>')}` : '',
    'Release or hand the role over from the pinned summary in the incident channel.',
  ]
    .filter(Boolean)
    .join('\n');
  return simple(i, 'role_brief', `You are now ${role} for ${i.key}`, body);
}

export function renderOverload(i: Incident, pb: Playbook, d: Data): SlackMessage {
  const roles = Array.isArray(d.roles) ? (d.roles as unknown[]).map((r) => roleName(pb, String(r))) : [];
  const user = str(d.user);
  const text = str(d.text);
  const body = `:warning: ${user ? mention(user) : 'Someone'} holds ${roles.length ? roles.map((r) => `*${r}*`).join(' and ') : 'several roles'}. ${text ? escapeMrkdwn(text) : 'Avoid overloading the incident commander: hand a role over.'}`;
  return simple(i, 'overload', `${i.key}: role overload`, body);
}

export function renderPhaseChanged(i: Incident, pb: Playbook, d: Data): SlackMessage {
  const from = phaseName(pb, String(d.from ?? ''));
  const to = phaseName(pb, String(d.to ?? i.phase));
  const back = d.move === 'back';
  const reason = str(d.reason);
  const next = pb.phases.find((p) => p.id === String(d.to ?? i.phase));
  const criteria = next?.exitCriteria.length
    ? `\n_To leave ${escapeMrkdwn(next.name)}:_ ${next.exitCriteria.map((c) => escapeMrkdwn(c.text)).join('; ')}`
    : '';
  const body = back
    ? `:leftwards_arrow_with_hook: Moved back from *${from}* to *${to}*${reason ? `: ${userText(reason, 1000)}` : ''}${criteria}`
    : `:arrow_right: Phase: *${from}* → *${to}*${criteria}`;
  return simple(i, 'phase_changed', `${i.key} is now in ${to}`, body);
}

export function renderReclassified(i: Incident, pb: Playbook, d: Data): SlackMessage {
  const f = (d.from ?? {}) as { triggerClass?: string; severeImpact?: boolean };
  const t = (d.to ?? {}) as { triggerClass?: string; severeImpact?: boolean };
  const lines: string[] = [];
  if (f.triggerClass !== t.triggerClass)
    lines.push(
      `*Trigger*: ${triggerName(pb, f.triggerClass ?? '')} → ${triggerName(pb, t.triggerClass ?? '')}`,
    );
  if (f.severeImpact !== t.severeImpact)
    lines.push(`*Severity*: ${severityText(!!f.severeImpact)} → ${severityText(!!t.severeImpact)}`);
  const reason = str(d.reason);
  const body = `:label: *Re-classified*\n${lines.join('\n')}${reason ? `\n*Why*: ${userText(reason, 1000)}` : ''}`;
  return simple(i, 'reclassified', `${i.key} was re-classified`, body);
}

export function renderClosed(i: Incident, _pb: Playbook, d: Data): SlackMessage {
  const due = str(d.reviewDueOn) ?? i.reviewDueOn;
  const facilitator = str(d.facilitator) ?? i.reviewFacilitator;
  const body = [
    `:white_check_mark: *${escapeMrkdwn(i.key)} is resolved and closed*${i.closedAt ? ` (${slackDate(i.closedAt)})` : ''}.`,
    due
      ? `Post-incident review due by *${escapeMrkdwn(due)}*${facilitator ? `, facilitated by ${mention(facilitator)}` : ''}.`
      : '',
    'Record it with `/incident review`; file follow-ups with `/incident followup`.',
  ]
    .filter(Boolean)
    .join('\n');
  return simple(i, 'closed', `${i.key} is closed`, body);
}

/** The all-clear for a false alarm: to the room and to the stakeholders who saw the announcement. */
export function renderStoodDown(i: Incident, _pb: Playbook, d: Data): SlackMessage {
  const reason = str(d.reason) ?? i.standDown?.reason ?? '';
  const by = i.standDown?.by;
  const due = str(d.reviewDueOn);
  const body = [
    `:large_green_circle: *${escapeMrkdwn(i.key)} is stood down: false alarm*${i.closedAt ? ` (${slackDate(i.closedAt)})` : ''}${by ? ` by ${mention(by)}` : ''}.`,
    `*Incident*: ${userText(i.title, 300)}`,
    `*Why*: ${userText(reason, 1000)}`,
    due
      ? `Post-incident review due by *${escapeMrkdwn(due)}*.`
      : 'No post-incident review is owed; the record stays in the log (`/incident export`).',
  ].join('\n');
  return simple(i, 'stood_down', `${i.key} is stood down: false alarm`, body);
}

export function renderReviewRecorded(i: Incident, _pb: Playbook, _d: Data): SlackMessage {
  const r = i.review;
  const body = r
    ? [
        `:memo: *Post-incident review recorded* by ${mention(r.by)} ${slackDate(r.at)}`,
        `*Summary*: ${userText(r.summary, 1200)}`,
        r.whys.length
          ? `*Five whys*:\n${r.whys.map((w, n) => `${n + 1}. ${userText(w, 300)}`).join('\n')}`
          : '',
        r.factors ? `*Contributing factors*: ${userText(r.factors, 600)}` : '',
        r.lessons ? `*Lessons*: ${userText(r.lessons, 600)}` : '',
      ]
        .filter(Boolean)
        .join('\n')
    : ':memo: *Post-incident review recorded.*';
  // Corrective actions and verification plans in a section of their own (each section holds 3000 chars).
  const actionsBody = r
    ? [
        r.correctiveActions ? `*Corrective actions*: ${userText(r.correctiveActions, 1200)}` : '',
        r.verificationPlan ? `*Verification plans*: ${userText(r.verificationPlan, 1200)}` : '',
        r.noFollowups && i.followups.length === 0 ? '_No follow-up tasks are needed._' : '',
      ]
        .filter(Boolean)
        .join('\n')
    : '';
  const extra = actionsBody ? [section(actionsBody, { blockId: bid(i, 'review_recorded_actions') })] : [];
  return simple(i, 'review_recorded', `Post-incident review recorded for ${i.key}`, body, extra);
}

export function renderRoomFallback(i: Incident, _pb: Playbook, d: Data): SlackMessage {
  const reason = str(d.reason) ?? 'unknown error';
  const body = `:warning: I could not create a channel for *${escapeMrkdwn(i.key)}* (\`${userText(reason, 200)}\`). This channel is used for the incident instead.`;
  return simple(i, 'room_fallback', `${i.key}: using this channel for the incident`, body);
}

export function renderFollowup(i: Incident, _pb: Playbook, d: Data): SlackMessage {
  const id = String(d.id ?? '');
  const f = i.followups.find((x) => x.id === id);
  if (!f)
    return simple(i, 'followup', `${i.key}: follow-up ${id}`, `:pushpin: Follow-up ${escapeMrkdwn(id)}`);
  const done = f.state === 'done';
  const body = `${done ? ':white_check_mark:' : ':pushpin:'} *Follow-up* (${escapeMrkdwn(f.objective)}): ${userText(f.what, 1500)}\nOwner ${mention(f.owner)} · due ${escapeMrkdwn(f.due)}`;
  const extra = done
    ? []
    : [
        actions(bid(i, `followup_actions:${id}`), [
          button({ text: 'Mark done', actionId: ACTION.followupDone, value: id }),
        ]),
      ];
  return simple(i, 'followup', `${i.key}: follow-up for ${f.owner}`, body, extra);
}

/** Snooze button value: `{kind}:{minutes}`. */
export function snoozeValue(kind: string, minutes: number): string {
  return `${kind}:${minutes}`;
}

export function parseSnoozeValue(v: string): { kind: string; minutes: number } | null {
  const at = v.lastIndexOf(':');
  if (at <= 0) return null;
  const minutes = Number(v.slice(at + 1));
  return Number.isInteger(minutes) && minutes > 0 ? { kind: v.slice(0, at), minutes } : null;
}

export function renderNudge(i: Incident, _pb: Playbook, d: Data): SlackMessage {
  const v = describeNudge(d as unknown as NudgePayload);
  const who = v.mention.length ? `${v.mention.map((u) => mention(u)).join(' ')} ` : '';
  const lines = v.lines.map((l) => `• ${escapeMrkdwn(l).replace(/@(U[A-Z0-9]+)/g, '<@$1>')}`);
  const body = truncate(
    `:bell: ${who}${escapeMrkdwn(v.headline)}${lines.length ? `\n${lines.join('\n')}` : ''}`,
    2900,
  );
  const buttons = [];
  if (v.actions.includes('status_update'))
    buttons.push(
      button({ text: 'Post status update', actionId: ACTION.openUpdate, value: i.key, style: 'primary' }),
    );
  if (v.actions.includes('initial_alert'))
    buttons.push(
      button({ text: 'Send initial alert', actionId: ACTION.openAlert, value: i.key, style: 'primary' }),
    );
  if (v.actions.includes('snooze')) {
    buttons.push(
      button({
        text: 'Snooze 15 min',
        actionId: `${ACTION.snooze}:15`,
        value: snoozeValue(v.snoozeKind, 15),
      }),
    );
    buttons.push(
      button({
        text: 'Snooze 30 min',
        actionId: `${ACTION.snooze}:30`,
        value: snoozeValue(v.snoozeKind, 30),
      }),
    );
  }
  const kind = String(d.kind ?? 'reminder');
  const extra = buttons.length ? [actions(bid(i, `nudge_actions:${kind}`), buttons)] : [];
  return simple(i, 'nudge', `${i.key}: ${truncate(v.headline, 200)}`, body, extra);
}

export function renderExport(i: Incident, _pb: Playbook, d: Data): SlackMessage {
  const format = str(d.format) ?? 'json';
  const url = str(d.url);
  const body = `:package: The record of *${escapeMrkdwn(i.key)}* was exported as \`${escapeMrkdwn(format)}\`${url && /^https?:\/\//.test(url) ? `: <${url}|download>` : '.'}`;
  return simple(i, 'export', `${i.key} exported as ${format}`, body);
}

export function renderPost(
  template: PostTemplate,
  data: Data,
  incident: Incident,
  playbook: Playbook,
): SlackMessage {
  switch (template) {
    case 'announcement':
      return renderAnnouncement(incident, playbook);
    case 'communication':
      return renderCommunication(incident, playbook, {
        template: String(data.template) as TemplateId,
        fields: (data.fields ?? {}) as Record<string, string>,
        ...(typeof data.index === 'number' ? { index: data.index } : {}),
      });
    case 'role_change':
      return renderRoleChange(incident, playbook, data);
    case 'role_brief':
      return renderRoleBrief(incident, playbook, data);
    case 'overload':
      return renderOverload(incident, playbook, data);
    case 'phase_changed':
      return renderPhaseChanged(incident, playbook, data);
    case 'reclassified':
      return renderReclassified(incident, playbook, data);
    case 'closed':
      return renderClosed(incident, playbook, data);
    case 'stood_down':
      return renderStoodDown(incident, playbook, data);
    case 'review_recorded':
      return renderReviewRecorded(incident, playbook, data);
    case 'room_fallback':
      return renderRoomFallback(incident, playbook, data);
    case 'followup':
      return renderFollowup(incident, playbook, data);
    case 'nudge':
      return renderNudge(incident, playbook, data);
    case 'export':
      return renderExport(incident, playbook, data);
    default: {
      const never: never = template;
      return simple(incident, 'post', `${incident.key}: ${String(never)}`, escapeMrkdwn(String(never)));
    }
  }
}
