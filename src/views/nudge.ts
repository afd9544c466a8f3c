// What a reminder (nudge) says and offers, platform-neutral: the headline, the open items, who is
// mentioned, and the buttons (open the form that settles it, snooze the family).
import type { Incident } from '../domain/incident.js';
import type { ReminderKind } from '../domain/reminders.js';
import { code, command, mention, type Text, time, userText } from '../domain/text.js';
import { type Action, SNOOZE_MINUTES } from './actions.js';
import type { FormName } from './form.js';
import { type PostView, simplePost } from './post.js';

export interface NudgePayload {
  kind: ReminderKind | string;
  dueAt?: string;
  lateBy?: number;
  data?: Record<string, unknown>;
}

export interface NudgeView {
  headline: Text;
  /** Further lines (open checklist items, roles). */
  lines: Text[];
  /** User ids to mention. */
  mention: string[];
  /** Buttons that help: open a form, snooze this family. */
  actions: ('status_update' | 'initial_alert' | 'review' | 'recap' | 'snooze')[];
  /** The snooze key of the reminder family. */
  snoozeKind: string;
  /** Roles to offer a Page button for (the roles nudge after paging.pageAfterMinutes). */
  pages?: { id: string; name: string }[];
  escalation: boolean;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string =>
  userText(typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

export function describeNudge(n: NudgePayload): NudgeView {
  const d = n.data ?? {};
  const late =
    n.lateBy && n.lateBy > 0 ? ` (this reminder is ${n.lateBy} min late: the bot was down or busy)` : '';
  const roleOpen = d.roleOpenName
    ? ` The ${s(d.roleOpenName)} role is open: claim it from the pinned summary.`
    : '';
  const mentioned = list(d.mention).map(s).filter(Boolean);
  const base = {
    mention: mentioned,
    snoozeKind: s(d.snoozeKind) || 'status_update',
    escalation: Boolean(d.escalation),
    lines: [] as string[],
  };
  switch (n.kind) {
    case 'status-update':
      return {
        ...base,
        headline: `A status update is due.${roleOpen}${late}`,
        actions: ['status_update', 'snooze'],
      };
    case 'status-escalate':
      return {
        ...base,
        headline: `The status update is overdue and nobody posted it: incident commander, please see that it goes out.${roleOpen}${late}`,
        actions: ['status_update', 'snooze'],
      };
    case 'status-overdue':
      return {
        ...base,
        headline: `Stakeholder update overdue for this incident: the team has been reminded.${late}`,
        actions: [],
      };
    case 'initial-alert':
      return {
        ...base,
        headline: `The initial stakeholder alert is due within ${s(d.minutesLeft) || '5'} minutes (handbook: 15 minutes after activation).${roleOpen}${late}`,
        actions: ['initial_alert', 'snooze'],
      };
    case 'initial-alert-overdue':
      return {
        ...base,
        headline: `The initial stakeholder alert is overdue (due 15 minutes after activation).${late}`,
        actions: ['initial_alert', 'snooze'],
      };
    case 'golden-hour-warning':
    case 'golden-hour': {
      const items = list(d.items).map((x) => {
        const it = x as Record<string, unknown>;
        const owners = list(it.owners).map(s);
        return `${s(it.text)} (owner: ${s(it.ownerRoleName)}${owners.length ? `, ${owners.map((o) => mention(o)).join(' ')}` : ', unassigned'})`;
      });
      const head =
        n.kind === 'golden-hour'
          ? 'The golden hour is over and these checklist items are still open:'
          : `${s(d.minutesLeft) || '15'} minutes of the golden hour left; still open:`;
      return { ...base, headline: `${head}${late}`, lines: items, actions: ['snooze'] };
    }
    case 'regulatory-clock':
      return {
        ...base,
        headline: `Regulatory clock: ${s(d.label)} by ${time(s(d.deadline))} (counted from activation).${late}`,
        // a legal deadline is not snoozed
        actions: [],
      };
    case 'regulatory-clock-due':
      return {
        ...base,
        headline: `Regulatory deadline now: ${s(d.label)} was due by ${time(s(d.deadline))}. Incident commander, confirm it was done and log it (${command('decision')}).${late}`,
        actions: [],
      };
    case 'roles-unfilled': {
      const roles = list(d.roles).map((r) => s((r as Record<string, unknown>).name));
      return {
        ...base,
        headline: `Required roles are still open: ${roles.join(', ')}. Claim them from the pinned summary.${late}`,
        actions: ['snooze'],
      };
    }
    case 'roles-page': {
      const roles = list(d.roles).map((r) => s((r as Record<string, unknown>).name));
      const pages = list(d.page).map((r) => ({
        id: s((r as Record<string, unknown>).id),
        name: s((r as Record<string, unknown>).name),
      }));
      return {
        ...base,
        headline: `Required roles are still open ${s(d.pageAfterMinutes) || 'some'} minutes after activation: ${roles.join(', ')}. Claim them from the pinned summary, or page the on-call (incident commander or comms lead).${late}`,
        actions: ['snooze'],
        pages,
      };
    }
    case 'review-due':
      return {
        ...base,
        headline: `The post-incident review is due ${d.when === 'today' ? 'today' : `on ${s(d.reviewDueOn)}`}: record it with ${command('review')}.${late}`,
        actions: ['review', 'snooze'],
      };
    case 'review-overdue':
      return {
        ...base,
        headline: `The post-incident review (due ${s(d.reviewDueOn)}) is overdue: record it with ${command('review')}.${late}`,
        actions: ['review', 'snooze'],
      };
    case 'followup-due':
      return {
        ...base,
        headline: `Follow-up due today: ${s(d.what)} (${s(d.objective)}).${late}`,
        actions: ['snooze'],
      };
    case 'recap-due':
    case 'recap-overdue':
      return {
        ...base,
        headline: `${n.kind === 'recap-overdue' ? `The communication recap is overdue (${s(d.businessDaysOverdue) || '1'} business days)` : 'The communication recap is not sent yet'}: stakeholders are owed the final summary, lessons learned and improvements. It is prefilled from the review: ${command('recap')}.${late}`,
        actions: ['recap', 'snooze'],
      };
    case 'followup-overdue':
      return {
        ...base,
        headline: `Follow-up overdue since ${s(d.due)}: ${s(d.what)}.${late}`,
        actions: ['snooze'],
      };
    case 'commitment-due':
      return {
        ...base,
        headline: `Commitment to stakeholders due now: ${s(d.what)} (${code(s(d.commitmentId))}, due ${time(s(d.due))}). Keep it, then ${command(`kept ${s(d.commitmentId)}`)}; or tell them and ${command(`dropped ${s(d.commitmentId)} <why>`)}.${late}`,
        actions: [],
      };
    default:
      return { ...base, headline: `Reminder: ${s(n.kind)}.${late}`, actions: [] };
  }
}

const OPENS: Partial<Record<NudgeView['actions'][number], { form: FormName; label: string }>> = {
  status_update: { form: 'update', label: 'Post status update' },
  initial_alert: { form: 'alert', label: 'Send initial alert' },
  review: { form: 'review', label: 'Record review' },
  recap: { form: 'recap', label: 'Check and send recap' },
};

/** A nudge as a post: who is called, the headline, the open items, and its buttons. */
export function nudgeView(i: Incident, data: Record<string, unknown>): PostView {
  const v = describeNudge(data as unknown as NudgePayload);
  const who = v.mention.length ? `${v.mention.map(mention).join(' ')} ` : '';
  const dueAt = typeof data.dueAt === 'string' ? data.dueAt : undefined;
  const actions: Action[] = [];
  for (const p of v.pages ?? [])
    actions.push({ kind: 'page', target: p.id, label: `Page ${p.name}`, ...(dueAt ? { dueAt } : {}) });
  for (const a of v.actions) {
    const open = OPENS[a];
    if (open) actions.push({ kind: 'open_form', form: open.form, label: open.label, style: 'primary' });
  }
  if (v.actions.includes('snooze'))
    for (const minutes of SNOOZE_MINUTES)
      actions.push({
        kind: 'snooze',
        snoozeKind: v.snoozeKind,
        minutes,
        label: `Snooze ${minutes} min`,
        ...(dueAt ? { dueAt } : {}),
      });
  const post = simplePost(
    i,
    `nudge:${String(data.kind ?? 'reminder')}`,
    v.escalation ? 'reminder (escalated)' : 'reminder',
    [`🔔 ${who}${v.headline}`, ...v.lines.map((l) => `• ${l}`)],
    `${i.key}: ${v.headline}`,
    actions,
  );
  return post;
}
