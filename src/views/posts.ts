// One view per post template the core asks for, and `postView` to pick one. Wording is shared by every
// platform; user text is sanitised (userText) and people, times and commands are tokens.
import type { StakeholderItems } from '../domain/commitments.js';
import type { PostTemplate } from '../domain/effects.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook, TemplateId } from '../domain/playbook.js';
import { code, command, link, mention, room, strong, type Text, time, userText } from '../domain/text.js';
import { actionPost } from './action-post.js';
import { alertPost } from './alert-post.js';
import { stakeholderItemPost } from './commitments.js';
import { announcementView, communicationView } from './communication-post.js';
import { debriefInvitedView, debriefInviteView } from './debrief.js';
import { followupProgress, followupTrackerPost, issueText } from './followup-tracker.js';
import { drillPrefix, phaseName, roleName, severityText, triggerName } from './format.js';
import { nudgeView } from './nudge.js';
import { pagePost } from './page-post.js';
import { type PostView, simplePost } from './post.js';
import { recapDuePost } from './recap.js';
import { workstreamChangePost } from './workstreams.js';

type Data = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const who = (id: string | null): Text => (id ? mention(id) : 'nobody');

function roleChange(i: Incident, pb: Playbook, d: Data): PostView {
  const role = strong(roleName(pb, String(d.role ?? '')));
  const from = str(d.from);
  const to = str(d.to);
  const line =
    d.kind === 'handover'
      ? `🔄 ${role} handed over from ${who(from)} to ${who(to)}.`
      : d.kind === 'release'
        ? `👋 ${who(from)} released the ${role} role.`
        : `👤 ${who(to)} is now ${role}.`;
  return simplePost(
    i,
    'role_change',
    `${roleName(pb, String(d.role ?? ''))} changed hands`,
    [line],
    `${i.key}: ${roleName(pb, String(d.role ?? ''))} changed hands`,
  );
}

function roleBrief(i: Incident, pb: Playbook, d: Data): PostView {
  const id = String(d.role ?? '');
  const name = roleName(pb, id);
  const description = str(d.description) ?? pb.roles.find((r) => r.id === id)?.description ?? '';
  const where = i.room ? ` in ${room(i.room.id)}` : '';
  return simplePost(
    i,
    'role_brief',
    `you are ${name}`,
    [
      `You are now ${strong(name)} for ${strong(i.key)}: ${userText(i.title)}${where}.`,
      ...(description ? [userText(description)] : []),
      'Release or hand the role over from the pinned summary in the incident channel.',
    ],
    `You are now ${name} for ${i.key}`,
  );
}

function overload(i: Incident, pb: Playbook, d: Data): PostView {
  const roles = Array.isArray(d.roles)
    ? (d.roles as unknown[]).map((r) => strong(roleName(pb, String(r))))
    : [];
  const text = str(d.text);
  const line = `⚠️ ${str(d.user) ? mention(str(d.user)!) : 'Someone'} holds ${roles.length ? roles.join(' and ') : 'several roles'}. ${text ? userText(text) : 'Avoid overloading the incident commander: hand a role over.'}`;
  return simplePost(i, 'overload', 'role overload', [line], `${i.key}: role overload`);
}

function phaseChanged(i: Incident, pb: Playbook, d: Data): PostView {
  const from = phaseName(pb, String(d.from ?? ''));
  const toId = String(d.to ?? i.phase);
  const to = phaseName(pb, toId);
  const reason = str(d.reason);
  const next = pb.phases.find((p) => p.id === toId);
  const criteria = next?.exitCriteria.length
    ? [`To leave ${userText(next.name)}: ${next.exitCriteria.map((c) => userText(c.text)).join('; ')}`]
    : [];
  const line =
    d.move === 'back'
      ? `↩️ Moved back from ${strong(from)} to ${strong(to)}${reason ? `: ${userText(reason)}` : ''}`
      : `➡️ Phase: ${strong(from)} → ${strong(to)}`;
  return simplePost(i, 'phase_changed', `now in ${to}`, [line, ...criteria], `${i.key} is now in ${to}`);
}

function reclassified(i: Incident, pb: Playbook, d: Data): PostView {
  const f = (d.from ?? {}) as { triggerClass?: string; severeImpact?: boolean };
  const t = (d.to ?? {}) as { triggerClass?: string; severeImpact?: boolean };
  const lines: Text[] = ['🏷️ Re-classified'];
  if (f.triggerClass !== t.triggerClass)
    lines.push(
      `${strong('Trigger')}: ${userText(triggerName(pb, f.triggerClass ?? ''))} → ${userText(triggerName(pb, t.triggerClass ?? ''))}`,
    );
  if (f.severeImpact !== t.severeImpact)
    lines.push(
      `${strong('Severity')}: ${severityText(!!f.severeImpact)} → ${severityText(!!t.severeImpact)}`,
    );
  const reason = str(d.reason);
  if (reason) lines.push(`${strong('Why')}: ${userText(reason)}`);
  return simplePost(i, 'reclassified', 're-classified', lines, `${i.key} was re-classified`);
}

function closed(i: Incident, _pb: Playbook, d: Data): PostView {
  const due = str(d.reviewDueOn) ?? i.reviewDueOn;
  const facilitator = str(d.facilitator) ?? i.reviewFacilitator;
  return simplePost(
    i,
    'closed',
    'closed',
    [
      `✅ ${strong(`${i.key} is resolved and closed`)}${i.closedAt ? ` (${time(i.closedAt)})` : ''}.`,
      ...(due
        ? [
            `Post-incident review due by ${strong(due)}${facilitator ? `, facilitated by ${mention(facilitator)}` : ''}.`,
          ]
        : []),
      `Record it with ${command('review')}; file follow-ups with ${command('followup')}.`,
    ],
    `${i.key} is closed`,
  );
}

function stoodDown(i: Incident, _pb: Playbook, d: Data): PostView {
  const reason = str(d.reason) ?? i.standDown?.reason ?? '';
  const by = i.standDown?.by;
  const due = str(d.reviewDueOn);
  return simplePost(
    i,
    'stood_down',
    'stood down: false alarm',
    [
      `🟢 ${strong(`${i.key} is stood down: false alarm`)}${i.closedAt ? ` (${time(i.closedAt)})` : ''}${by ? ` by ${mention(by)}` : ''}.`,
      `${strong('Incident')}: ${userText(i.title)}`,
      `${strong('Why')}: ${userText(reason)}`,
      due
        ? `Post-incident review due by ${strong(due)}.`
        : `No post-incident review is owed; the record stays in the log (${command('export')}).`,
    ],
    `${i.key} is stood down: false alarm`,
  );
}

function reviewRecorded(i: Incident): PostView {
  const r = i.review;
  const lines: Text[] = r
    ? [
        `📝 ${strong('Post-incident review recorded')} by ${mention(r.by)} ${time(r.at)}`,
        `${strong('Summary')}: ${userText(r.summary)}`,
        ...(r.whys.length
          ? [`${strong('Five whys')}:`, ...r.whys.map((w, n) => `${n + 1}. ${userText(w)}`)]
          : []),
        ...(r.factors ? [`${strong('Contributing factors')}: ${userText(r.factors)}`] : []),
        ...(r.lessons ? [`${strong('Lessons')}: ${userText(r.lessons)}`] : []),
        ...(r.correctiveActions ? [`${strong('Corrective actions')}: ${userText(r.correctiveActions)}`] : []),
        ...(r.verificationPlan ? [`${strong('Verification plans')}: ${userText(r.verificationPlan)}`] : []),
        ...(r.noFollowups && i.followups.length === 0 ? ['No follow-up tasks are needed.'] : []),
        ...(i.followups.length ? [`${strong('Follow-ups')}: ${followupProgress(i)}`] : []),
      ]
    : [`📝 ${strong('Post-incident review recorded.')}`];
  return simplePost(
    i,
    'review_recorded',
    'review recorded',
    lines,
    `Post-incident review recorded for ${i.key}`,
  );
}

function roomFallback(i: Incident, _pb: Playbook, d: Data): PostView {
  const reason = str(d.reason) ?? 'unknown error';
  return simplePost(
    i,
    'room_fallback',
    'working here',
    [
      `⚠️ I could not create a channel for ${strong(i.key)} (${code(reason.slice(0, 200))}). This ${d.where === 'thread' ? 'thread' : 'channel'} is used for the incident instead.`,
    ],
    `${i.key}: using this channel for the incident`,
  );
}

/** The follow-up's issue, or that it is being filed (the tracker's lane may not have run yet). */
function followupIssueLine(f: Incident['followups'][number], d: Data): Text[] {
  const issue = issueText(f);
  if (issue) return [`Backlog: ${issue}`];
  const tracker = str(d.tracker);
  return tracker ? [`Filing it in ${tracker === 'jira' ? 'Jira' : 'GitHub'}; the link follows here.`] : [];
}

function followup(i: Incident, _pb: Playbook, d: Data): PostView {
  const id = String(d.id ?? '');
  const f = i.followups.find((x) => x.id === id);
  if (!f)
    return simplePost(
      i,
      'followup',
      `follow-up ${id}`,
      [`📌 Follow-up ${code(id)}`],
      `${i.key}: follow-up ${id}`,
    );
  const done = f.state === 'done';
  return simplePost(
    i,
    'followup',
    `follow-up (${f.objective})`,
    [
      `${done ? '✅' : '📌'} ${strong('Follow-up')} (${f.objective}): ${userText(f.what)}`,
      ...(f.acceptance ? [`${strong('Acceptance criteria')}: ${userText(f.acceptance)}`] : []),
      `Owner ${mention(f.owner)} · due ${userText(f.due)}`,
      ...followupIssueLine(f, d),
    ],
    `${i.key}: follow-up for ${f.owner}`,
    done ? [] : [{ kind: 'followup_done', id: f.id, label: 'Mark done' }],
  );
}

function exported(i: Incident, _pb: Playbook, d: Data): PostView {
  const format = str(d.format) ?? 'json';
  const url = str(d.url);
  const where = url && /^https?:\/\//.test(url) ? `: ${link('download', url)}` : '.';
  return simplePost(
    i,
    'export',
    'export',
    [`📦 The record of ${strong(i.key)} was exported as ${code(format)}${where}`],
    `${i.key} exported as ${format}`,
  );
}

/** What the confidential notice says happened, by the message it stands for (decide/confidential-stakeholders.ts). */
const NOTICE_WHAT: Record<string, string> = {
  declared: 'was declared',
  stood_down: 'was stood down as a false alarm',
  recap: 'has had its post-incident review',
  initial_alert: 'sent its initial alert to its members',
  status_update: 'posted a status update for its members',
  closure_notice: 'was resolved',
};

/**
 * What the stakeholder channel hears of a confidential incident: that one exists (or ended) and who leads
 * it. No key, no title, no impact: those are for its members.
 */
function confidentialNotice(i: Incident, pb: Playbook, d: Data): PostView {
  const ic = i.roles[pb.commanderRole]?.[0];
  const what = NOTICE_WHAT[str(d.what) ?? 'declared'] ?? 'has news for its members';
  return {
    name: 'confidential_notice',
    drill: i.drill,
    version: i.version,
    title: 'Confidential incident',
    lines: [
      `🔒 ${i.drill ? `${strong('DRILL')}: ` : ''}A confidential incident ${what}.${ic && what === 'was declared' ? ` Incident commander: ${mention(ic)}.` : ''}`,
      'Its details are shared with its members only.',
    ],
    actions: [],
    fallback: `${i.drill ? '[DRILL] ' : ''}A confidential incident ${what}`,
  };
}

/** A person added to the incident, in its room. */
function memberAdded(i: Incident, _pb: Playbook, d: Data): PostView {
  const user = str(d.user) ?? '';
  return simplePost(
    i,
    'member_added',
    'member added',
    [`➕ ${mention(user)} was added to ${strong(i.key)}.`],
    `${i.key}: member added`,
  );
}

/** A checkpoint digest for the audit channel: what it is, and how to hold the database against it. */
function auditCheckpoint(i: Incident, d: Data): PostView {
  const digest = str(d.digest) ?? '';
  return {
    name: 'audit_checkpoint',
    drill: false,
    version: i.version,
    title: 'Audit checkpoint',
    lines: [
      `🔏 ${strong('Audit checkpoint')}: the decision log had ${String(d.seq)} entries over ${String(d.incidents)} incidents at ${userText(str(d.at) ?? '')}, signed by key ${code(str(d.keyId) ?? '')}.`,
      code(digest),
      `Keep this message. ${code(`incident-bot audit verify --db FILE --pubkey KEY.pub.pem --checkpoint ${digest.slice(0, 12)}…`)} with the whole digest shows whether the database still holds exactly this log.`,
    ],
    actions: [],
    fallback: `Audit checkpoint ${String(d.seq)}`,
  };
}

export function postView(template: PostTemplate, data: Data, i: Incident, pb: Playbook): PostView {
  switch (template) {
    case 'announcement':
      return announcementView(i, pb);
    case 'communication':
      return communicationView(i, pb, {
        template: String(data.template) as TemplateId,
        fields: (data.fields ?? {}) as Record<string, string>,
        ...(typeof data.index === 'number' ? { index: data.index } : {}),
        ...(data.items ? { items: data.items as StakeholderItems } : {}),
      });
    case 'role_change':
      return roleChange(i, pb, data);
    case 'role_brief':
      return roleBrief(i, pb, data);
    case 'overload':
      return overload(i, pb, data);
    case 'phase_changed':
      return phaseChanged(i, pb, data);
    case 'reclassified':
      return reclassified(i, pb, data);
    case 'closed':
      return closed(i, pb, data);
    case 'stood_down':
      return stoodDown(i, pb, data);
    case 'review_recorded':
      return reviewRecorded(i);
    case 'room_fallback':
      return roomFallback(i, pb, data);
    case 'followup':
      return followup(i, pb, data);
    case 'followup_tracker':
      return followupTrackerPost(i, data);
    case 'nudge':
      return nudgeView(i, data);
    case 'export':
      return exported(i, pb, data);
    case 'audit_checkpoint':
      return auditCheckpoint(i, data);
    case 'confidential_notice':
      return confidentialNotice(i, pb, data);
    case 'member_added':
      return memberAdded(i, pb, data);
    case 'debrief_invite':
      return debriefInviteView(i, pb, data);
    case 'debrief_invited':
      return debriefInvitedView(i, pb, data);
    case 'recap_due':
      return recapDuePost(i, data);
    case 'workstream_change':
      return workstreamChangePost(i, pb, data);
    case 'stakeholder_item':
      return stakeholderItemPost(i, pb, data);
    case 'action':
      return actionPost(i, data);
    case 'alert':
      return alertPost(i, data);
    case 'page':
      return pagePost(i, data);
    default: {
      const never: never = template;
      return simplePost(i, 'post', String(never), [userText(String(never))], `${drillPrefix(i)}${i.key}`);
    }
  }
}
