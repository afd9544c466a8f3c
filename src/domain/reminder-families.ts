// The families of reminders an incident can owe (status updates, the initial alert, the golden hour,
// required roles, the review, follow-ups, regulatory clocks), each with its candidate instants: what
// src/domain/reminders.ts picks from. Pure, like the rest of the domain.
import { commitmentFamilies } from './commitment-reminders.js';
import type { Target } from './effects.js';
import type { Incident } from './incident.js';
import { holders } from './incident.js';
import { requiredRolesCandidates } from './paging-reminders.js';
import type { Playbook } from './playbook.js';
import { allChecklistItems, findRole, findTrigger } from './playbook.js';
import { recapFamilies } from './recap-reminders.js';
import type { ReminderKind, ReminderOptions, SnoozeKind } from './reminders.js';
import { openRequiredRoles } from './roles.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export interface Candidate {
  kind: ReminderKind;
  at: number;
  target: Target;
  data: Record<string, unknown>;
}

/** The latest instant `start + k * step` (k >= 0) not after `now`, or null before `start`. */
function latestStep(start: number, step: number, now: number): { at: number; k: number } | null {
  if (now < start) return null;
  if (step <= 0) return { at: start, k: 0 };
  const k = Math.floor((now - start) / step);
  return { at: start + k * step, k };
}

export interface Family {
  snooze: SnoozeKind;
  /** Extra key part (follow-up id). */
  id?: string;
  candidates: Candidate[];
}

function snoozed(i: Incident, kind: string, now: number): boolean {
  const until = i.snoozes?.[kind];
  return until !== undefined && Date.parse(until) > now;
}

/** `wake` collects the next instants of the periodic reminders (the candidates hold only the latest due). */
export function families(
  i: Incident,
  pb: Playbook,
  now: number,
  opts: ReminderOptions,
  wake: number[] = [],
): Family[] {
  const out: Family[] = [];
  const open = i.closedAt === null;
  const inReview = i.phase === pb.reviewPhase;
  const terminal = pb.phases.find((p) => p.id === i.phase)?.terminal ?? false;
  const commsRole = opts.commsRole ?? pb.communicationsRole ?? 'comms_lead';
  const grace = (opts.graceMinutes ?? pb.clocks.nudgeGraceMinutes) * MIN;
  const declared = Date.parse(i.declaredAt);
  const ic = holders(i, pb.commanderRole)[0];
  const comms = holders(i, commsRole);
  const ROOM: Target = { to: 'room' };
  // Escalations go to the room with the IC mentioned: visible to the team, and deliverable on
  // every platform (a Teams bot cannot always open a personal chat).
  const toIc: Target = ROOM;
  // Whom to nudge for communications: the comms lead, or the IC while the role is open.
  const commsMention = comms.length > 0 ? comms : ic ? [ic] : [];
  const roleOpen =
    comms.length === 0
      ? { roleOpen: commsRole, roleOpenName: findRole(pb, commsRole)?.name ?? commsRole }
      : {};

  // ---- regulatory clock of the trigger class (e.g. "notify the regulator within N hours"): the IC is
  // reminded an hour before (or half-way, for short clocks) and at the deadline, counted from activation.
  const reg = findTrigger(pb, i.triggerClass)?.regulatoryClock;
  // It runs after closure too (a notification owed does not end with the incident), not for a false alarm.
  if (reg && !i.standDown && !snoozed(i, 'regulatory', now)) {
    const deadline = declared + reg.hours * 60 * MIN;
    const warnBefore = Math.min(60 * MIN, (reg.hours * 60 * MIN) / 2);
    const common = { label: reg.label, deadline: new Date(deadline).toISOString(), mention: ic ? [ic] : [] };
    out.push({
      snooze: 'regulatory',
      // a re-classification to another trigger class brings its own clock
      id: i.triggerClass,
      candidates: [
        { kind: 'regulatory-clock', at: deadline - warnBefore, target: toIc, data: common },
        {
          kind: 'regulatory-clock-due',
          at: deadline,
          target: toIc,
          data: { ...common, escalation: true, overdue: true },
        },
      ],
    });
  }

  if (open && !inReview && !terminal) {
    // ---- status updates
    if (!snoozed(i, 'status_update', now)) {
      const interval =
        (i.severeImpact ? pb.clocks.severeStatusUpdateMinutes : pb.clocks.statusUpdateMinutes) * MIN;
      const base = Date.parse(i.lastStatusUpdateAt ?? i.declaredAt);
      const due = base + interval;
      const common = {
        updateDueAt: new Date(due).toISOString(),
        overdueMinutes: Math.max(0, Math.floor((now - due) / MIN)),
        intervalMinutes: interval / MIN,
        lastStatusUpdateAt: i.lastStatusUpdateAt,
        severeImpact: i.severeImpact,
      };
      const candidates: Candidate[] = [];
      const step = latestStep(due, interval, now);
      wake.push(step ? step.at + interval : due);
      if (step) {
        candidates.push({
          kind: 'status-update',
          at: step.at,
          target: ROOM,
          data: { ...common, mention: commsMention, ...roleOpen, repeat: step.k > 0 },
        });
      }
      candidates.push(
        {
          kind: 'status-escalate',
          at: due + grace,
          target: toIc,
          data: { ...common, mention: ic ? [ic] : [], ...roleOpen, escalation: true },
        },
        // A confidential incident's stakeholders are told only that it exists (decide/confidential-stakeholders.ts):
        // a reminder there would name it, so its overdue updates are the IC's escalation alone.
        ...(i.confidential
          ? []
          : [
              {
                kind: 'status-overdue' as const,
                at: due + 2 * grace,
                target: { to: 'stakeholders' } as const,
                data: { ...common, overdue: true },
              },
            ]),
      );
      out.push({ snooze: 'status_update', candidates });
    }

    // ---- initial stakeholder alert
    // A snooze holds the reminder back, never the handbook's deadline: the escalation to the IC at
    // initialAlertMinutes ("within 15 minutes of activation") fires even while the reminder is snoozed.
    if (i.initialAlertAt === null) {
      const held = snoozed(i, 'initial_alert', now);
      const deadline = declared + pb.clocks.initialAlertMinutes * MIN;
      const common = { alertDueAt: new Date(deadline).toISOString() };
      out.push({
        snooze: 'initial_alert',
        candidates: [
          ...(held
            ? []
            : [
                {
                  kind: 'initial-alert' as const,
                  at: declared + pb.clocks.initialAlertNudgeMinutes * MIN,
                  target: ROOM,
                  data: {
                    ...common,
                    mention: unique([...comms, ...(ic ? [ic] : [])]),
                    ...roleOpen,
                    minutesLeft: pb.clocks.initialAlertMinutes - pb.clocks.initialAlertNudgeMinutes,
                  },
                },
              ]),
          {
            kind: 'initial-alert-overdue',
            at: deadline,
            target: toIc,
            data: { ...common, mention: ic ? [ic] : [], escalation: true, overdue: true },
          },
        ],
      });
    }

    // ---- golden hour checklist
    const openItems = allChecklistItems(pb)
      .filter((it) => !i.checklist[it.id])
      .map((it) => ({
        id: it.id,
        text: it.text,
        ownerRole: it.ownerRole,
        ownerRoleName: findRole(pb, it.ownerRole)?.name ?? it.ownerRole,
        owners: holders(i, it.ownerRole),
      }));
    if (openItems.length > 0 && !snoozed(i, 'golden_hour', now)) {
      const end = declared + pb.clocks.goldenHourMinutes * MIN;
      const common = { items: openItems, goldenHourEndsAt: new Date(end).toISOString() };
      out.push({
        snooze: 'golden_hour',
        candidates: [
          {
            kind: 'golden-hour-warning',
            at: declared + pb.clocks.goldenHourWarningMinutes * MIN,
            target: ROOM,
            data: {
              ...common,
              minutesLeft: pb.clocks.goldenHourMinutes - pb.clocks.goldenHourWarningMinutes,
            },
          },
          { kind: 'golden-hour', at: end, target: ROOM, data: { ...common, overdue: true } },
        ],
      });
    }

    // ---- required roles
    const missing = openRequiredRoles(i, pb);
    if (missing.length > 0 && !snoozed(i, 'required_roles', now)) {
      out.push({
        snooze: 'required_roles',
        // A re-classification (other initial owners) is a new reminder; claiming roles is not.
        id: i.triggerClass,
        // after paging.pageAfterMinutes, with a Page button per open role (paging-reminders.ts)
        candidates: requiredRolesCandidates(i, pb, missing, {
          declared,
          ic,
          paging: opts.paging,
          target: ROOM,
        }),
      });
    }
  }

  const hour = (opts.dayHourUtc ?? 9) * 60 * MIN;

  // ---- post-incident review
  if (i.closedAt !== null && i.reviewedAt === null && i.reviewDueOn && !snoozed(i, 'review', now)) {
    const dueDay = utcDay(i.reviewDueOn);
    if (dueDay !== null) {
      const closedAt = Date.parse(i.closedAt);
      const facilitator = i.reviewFacilitator ?? ic;
      const target: Target = facilitator ? { to: 'user', user: facilitator } : ROOM;
      const dueAt = dueDay + hour;
      const common = {
        reviewDueOn: i.reviewDueOn,
        facilitator: facilitator ?? null,
        mention: facilitator ? [facilitator] : [],
      };
      const candidates: Candidate[] = [
        {
          kind: 'review-due',
          at: prevBusinessDay(dueDay) + hour,
          target,
          data: { ...common, when: 'next_business_day' },
        },
        { kind: 'review-due', at: dueAt, target, data: { ...common, when: 'today' } },
      ];
      // Overdue: once per business day after the due date, at the same hour.
      let day = Math.floor(now / DAY) * DAY;
      if (day + hour > now) day -= DAY;
      while (isWeekend(day)) day -= DAY;
      let nextDay = day + DAY;
      while (isWeekend(nextDay)) nextDay += DAY;
      wake.push(nextDay + hour);
      if (day > dueDay) {
        candidates.push({
          kind: 'review-overdue',
          at: day + hour,
          target,
          data: { ...common, overdue: true, businessDaysOverdue: businessDaysBetween(dueDay, day) },
        });
      }
      out.push({ snooze: 'review', candidates: candidates.filter((c) => c.at >= closedAt) });
    }
  }

  // ---- follow-up actions (also after the incident is done)
  if (!snoozed(i, 'followup', now)) {
    for (const f of i.followups ?? []) {
      if (f.state !== 'open' || snoozed(i, `followup:${f.id}`, now)) continue;
      const day = utcDay(f.due);
      if (day === null) continue;
      const dueAt = day + hour;
      const target: Target = { to: 'user', user: f.owner };
      const common = {
        followupId: f.id,
        what: f.what,
        owner: f.owner,
        due: f.due,
        objective: f.objective,
        mention: [f.owner],
      };
      const candidates: Candidate[] = [{ kind: 'followup-due', at: dueAt, target, data: common }];
      const weekly = latestStep(dueAt + 7 * DAY, 7 * DAY, now);
      wake.push(weekly ? weekly.at + 7 * DAY : dueAt + 7 * DAY);
      if (weekly) {
        candidates.push({
          kind: 'followup-overdue',
          at: weekly.at,
          target,
          data: { ...common, overdue: true, weeksOverdue: weekly.k + 1 },
        });
      }
      out.push({ snooze: 'followup', id: f.id, candidates });
    }
  }

  // ---- commitments to stakeholders (commitment-reminders.ts)
  out.push(...commitmentFamilies(i, pb, now));

  // ---- the communication recap after the review (recap-reminders.ts)
  out.push(...recapFamilies(i, pb, now, hour, wake));
  return out;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Midnight UTC (ms) of a `YYYY-MM-DD` date or of an ISO time's UTC date; null when not a date. */
function utcDay(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : Math.floor(t / DAY) * DAY;
}

function isWeekend(dayMs: number): boolean {
  const d = new Date(dayMs).getUTCDay();
  return d === 0 || d === 6;
}

function prevBusinessDay(dayMs: number): number {
  let d = dayMs - DAY;
  while (isWeekend(d)) d -= DAY;
  return d;
}

function businessDaysBetween(fromDay: number, toDay: number): number {
  let n = 0;
  for (let d = fromDay + DAY; d <= toDay; d += DAY) if (!isWeekend(d)) n++;
  return n;
}
