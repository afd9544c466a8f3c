// The post-incident debrief (the handbook's "Debrief: hold the review within two business days. Invite all
// responders plus owners of long-term fixes"): when it is held, who is invited, and what it goes through.
// Pure. The invitations themselves are effects (decide/debrief.ts); their text and calendar file are views.
import type { Incident } from './incident.js';
import { type Playbook, reviewMethod } from './playbook.js';
import { BOT_ID } from './text.js';

/** The debrief as scheduled at close (older incidents, and those closed without a review, lack it). */
export interface Debrief {
  /** When it starts (ISO UTC). */
  at: string;
  minutes: number;
  /** When it was scheduled: the invitations' calendar stamp. */
  scheduledAt: string;
  /** Who was invited so far (each once per incident). */
  invited: string[];
  /** Where it is held (DEBRIEF_MEETING_URL when it was set at close). */
  meetingUrl?: string;
}

/** The playbook's `review.debrief`: the hour (UTC) on the review's due date, and how long it lasts. */
export interface DebriefSlot {
  hour: number;
  minutes: number;
}

/** The handbook names no hour: early afternoon UTC overlaps the working day of London and New York. */
export const DEFAULT_DEBRIEF: DebriefSlot = { hour: 14, minutes: 60 };

/** More invitations than this from one command is a mistake, not a debrief (the rest are named instead). */
export const MAX_INVITES = 100;

export function debriefSlot(pb: Pick<Playbook, 'review'>): DebriefSlot {
  return reviewMethod(pb).debrief ?? DEFAULT_DEBRIEF;
}

/** The default start: the review's due date at the playbook's hour, UTC. */
export function defaultDebriefStart(reviewDueOn: string, pb: Pick<Playbook, 'review'>): string {
  const { hour } = debriefSlot(pb);
  return new Date(`${reviewDueOn}T${String(hour).padStart(2, '0')}:00:00.000Z`).toISOString();
}

export function debriefEnd(d: Pick<Debrief, 'at' | 'minutes'>): string {
  return new Date(Date.parse(d.at) + d.minutes * 60_000).toISOString();
}

/**
 * A time typed in the close form: "2026-11-30 14:00 UTC", "2026-11-30T14:00Z" (no zone: UTC), or null when
 * it is not one. Rolled-over values (25:00, 30 February) are refused.
 */
export function parseDebriefTime(raw: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d{1,3})? ?(?:z|utc)?$/i.exec(
    raw.trim(),
  );
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}.000Z`;
  const at = Date.parse(iso);
  if (Number.isNaN(at) || new Date(at).toISOString() !== iso) return null;
  return iso;
}

/**
 * Everyone who responded, each once, in this order: the declarer, everyone who held a role (the role
 * history, not only who holds one now), whoever did something the log records (`logWriters`, read from
 * the log by the application; the state's own traces too: checklist marks, communications, phases,
 * follow-ups), and the owners of follow-ups filed so far. Never the bot.
 */
export function responders(i: Incident, logWriters: readonly string[] = []): string[] {
  const all = [
    i.declaredBy,
    ...i.roleHistory.flatMap((c) => [c.to, c.from]),
    ...Object.values(i.roles).flat(),
    ...logWriters,
    ...Object.values(i.checklist).map((m) => m.by),
    ...i.communications.map((c) => c.by),
    ...i.phases.map((p) => p.by),
    ...i.followups.flatMap((f) => [f.createdBy, f.owner]),
  ];
  const out: string[] = [];
  for (const u of all) if (u && u !== BOT_ID && !out.includes(u)) out.push(u);
  return out;
}

/** What the debrief goes through: the sections of the playbook's review, in the review form's order. */
export function debriefAgenda(pb: Pick<Playbook, 'review'>): string[] {
  const m = reviewMethod(pb);
  return [
    'What happened: the timeline and the impact, from the decision log',
    `${m.whys === 5 ? 'Five whys' : `${m.whys} whys`}: down to a cause we can act on`,
    `Contributing factors by control objective (${m.objectives.map((o) => o.name).join(', ')})`,
    'Corrective actions',
    'Verification plans: how we will know the fixes work',
    'Lessons learned',
    ...m.questions.map((q) => q.label),
    'Follow-up tasks for the reliability backlog: owners and due dates',
  ];
}
