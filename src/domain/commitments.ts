// Stakeholder commitments and questions (the handbook's communication phase: "Track stakeholder questions
// and commitments"): what is open, who owns it, what falls due next. Pure; the handlers that change them
// are in ./decide/commitments.ts.
import type { Commitment, Incident, StakeholderQuestion } from './incident.js';
import { holders } from './incident.js';
import type { Playbook } from './playbook.js';

/** Size limits: a commitment or question is a sentence, an answer or note a short paragraph. */
export const COMMITMENT_LIMITS = {
  what: 500,
  question: 1000,
  from: 100,
  answer: 2000,
  note: 1000,
  /** Open items of each kind at once: more is a sign they are not being settled (and bloats every post). */
  open: 50,
  /** Items of each kind in one incident, settled or not (bounds the stored state). */
  total: 200,
  /** How far ahead a commitment may fall due: promises during an incident are about hours, not months. */
  maxDays: 30,
} as const;

/** The role that owns stakeholder communications (the playbook's `communicationsRole`, else `comms_lead`). */
export function commsRoleOf(pb: Playbook): string {
  return pb.communicationsRole ?? 'comms_lead';
}

/**
 * Who owns the commitments and questions now: the comms lead(s), or the incident commander while nobody
 * holds the comms lead role. Empty when neither role is held.
 */
export function stakeholderOwners(i: Incident, pb: Playbook): string[] {
  const comms = holders(i, commsRoleOf(pb));
  if (comms.length) return comms;
  return holders(i, pb.commanderRole).slice(0, 1);
}

export const commitmentsOf = (i: Incident): Commitment[] => i.commitments ?? [];
export const questionsOf = (i: Incident): StakeholderQuestion[] => i.questions ?? [];

/** Open commitments, the soonest due first. */
export function openCommitments(i: Incident): Commitment[] {
  return commitmentsOf(i)
    .filter((c) => c.state === 'open')
    .sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
}

/** Questions not answered yet, the oldest first. */
export function openQuestions(i: Incident): StakeholderQuestion[] {
  return questionsOf(i).filter((q) => q.answer === undefined);
}

/** Questions answered after `since` (ISO; everything when null), e.g. since the last status update. */
export function answeredSince(i: Incident, since: string | null): StakeholderQuestion[] {
  return questionsOf(i).filter((q) => q.answeredAt !== undefined && (!since || q.answeredAt > since));
}

/** What the stakeholders are owed, as data for a post: kept with the post so it shows what was said then. */
export interface StakeholderItems {
  commitments: { id: string; what: string; due: string }[];
  questions: { id: string; text: string; from?: string }[];
  answered: { id: string; text: string; answer: string }[];
}

/** The open items (and answers since the last status update) as a status update carries them. */
export function stakeholderItems(i: Incident): StakeholderItems {
  return {
    commitments: openCommitments(i).map((c) => ({ id: c.id, what: c.what, due: c.due })),
    questions: openQuestions(i).map((q) => ({ id: q.id, text: q.text, ...(q.from ? { from: q.from } : {}) })),
    answered: answeredSince(i, i.lastStatusUpdateAt).map((q) => ({
      id: q.id,
      text: q.text,
      answer: q.answer ?? '',
    })),
  };
}

export function hasStakeholderItems(s: StakeholderItems): boolean {
  return s.commitments.length + s.questions.length + s.answered.length > 0;
}
