// What a nudge says, platform-neutral: the Slack and Teams renderers add mentions, buttons and markup.
import type { ReminderKind } from './reminders.js';

export interface NudgePayload {
  kind: ReminderKind | string;
  dueAt?: string;
  lateBy?: number;
  data?: Record<string, unknown>;
}

export interface NudgeView {
  /** One line, plain text (user text in it is not escaped: renderers escape). */
  headline: string;
  /** Further plain-text lines (open checklist items, roles). */
  lines: string[];
  /** User ids to mention. */
  mention: string[];
  /** Buttons that help: open a form, snooze this family. */
  actions: ('status_update' | 'initial_alert' | 'review' | 'snooze')[];
  /** The snooze key of the reminder family. */
  snoozeKind: string;
  escalation: boolean;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

export function describeNudge(n: NudgePayload): NudgeView {
  const d = n.data ?? {};
  const late =
    n.lateBy && n.lateBy > 0 ? ` (this reminder is ${n.lateBy} min late: the bot was down or busy)` : '';
  const roleOpen = d.roleOpenName
    ? ` The ${s(d.roleOpenName)} role is open: claim it from the pinned summary.`
    : '';
  const mention = list(d.mention).map(s).filter(Boolean);
  const base = {
    mention,
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
        return `${s(it.text)} (owner: ${s(it.ownerRoleName)}${owners.length ? `, ${owners.map((o) => `@${o}`).join(' ')}` : ', unassigned'})`;
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
        headline: `Regulatory clock: ${s(d.label)} by ${s(d.deadline).slice(0, 16).replace('T', ' ')} UTC (counted from activation).${late}`,
        // a legal deadline is not snoozed
        actions: [],
      };
    case 'regulatory-clock-due':
      return {
        ...base,
        headline: `Regulatory deadline now: ${s(d.label)} was due by ${s(d.deadline).slice(0, 16).replace('T', ' ')} UTC. Incident commander, confirm it was done and log it (\`/incident decision\`).${late}`,
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
    case 'review-due':
      return {
        ...base,
        headline: `The post-incident review is due ${d.when === 'today' ? 'today' : `on ${s(d.reviewDueOn)}`}: record it with /incident review.${late}`,
        actions: ['review', 'snooze'],
      };
    case 'review-overdue':
      return {
        ...base,
        headline: `The post-incident review (due ${s(d.reviewDueOn)}) is overdue: record it with /incident review.${late}`,
        actions: ['review', 'snooze'],
      };
    case 'followup-due':
      return {
        ...base,
        headline: `Follow-up due today: ${s(d.what)} (${s(d.objective)}).${late}`,
        actions: ['snooze'],
      };
    case 'followup-overdue':
      return {
        ...base,
        headline: `Follow-up overdue since ${s(d.due)}: ${s(d.what)}.${late}`,
        actions: ['snooze'],
      };
    default:
      return { ...base, headline: `Reminder: ${s(n.kind)}.${late}`, actions: [] };
  }
}
