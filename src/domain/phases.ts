// Phase moves, read from the playbook's phase table (data, not nested ifs).

import { type DomainError, fail } from './errors.js';
import type { Incident } from './incident.js';
import type { Playbook } from './playbook.js';
import { findPhase } from './playbook.js';
import { userText } from './text.js';

type Moved = { ok: true; incident: Incident } | { ok: false; error: DomainError };

export function enter(
  i: Incident,
  to: string,
  by: string,
  at: string,
  move: 'forward' | 'back' | 'stand_down',
  reason?: string,
): Incident {
  const phases = i.phases.map((s, n) =>
    n === i.phases.length - 1 && s.leftAt === null ? { ...s, leftAt: at } : s,
  );
  const span = { phase: to, enteredAt: at, leftAt: null, by, move, ...(reason ? { reason } : {}) };
  return { ...i, phase: to, phases: [...phases, span] };
}

/** Moves forward along `next`; every exit criterion of the current phase must be confirmed. */
export function moveForward(
  pb: Playbook,
  i: Incident,
  to: string | undefined,
  confirmed: string[],
  by: string,
  at: string,
): Moved {
  const current = findPhase(pb, i.phase);
  if (!current)
    return fail('invalid', `The incident is in phase "${i.phase}", which this playbook does not know.`);
  if (current.terminal || current.next.length === 0)
    return fail('illegal_transition', `${current.name} is the last phase.`);
  const target = to ?? current.next[0]!;
  const next = findPhase(pb, target);
  if (!next) return fail('illegal_transition', `There is no phase "${userText(target)}".`);
  if (!current.next.includes(target)) {
    const allowed = current.next.map((p) => findPhase(pb, p)?.name ?? p).join(' or ');
    return fail(
      'illegal_transition',
      `From ${current.name} the incident can only move on to ${allowed}, not ${next.name}.`,
    );
  }
  const missing = current.exitCriteria.filter((c) => !confirmed.includes(c.id));
  if (missing.length) {
    return fail(
      'criteria_unconfirmed',
      `To leave ${current.name}, confirm: ${missing.map((m) => m.text).join('; ')}.`,
    );
  }
  return { ok: true, incident: enter(i, target, by, at, 'forward') };
}

/** Moves back along `back` (e.g. mitigation failed); needs a reason, which is logged. */
export function moveBack(
  pb: Playbook,
  i: Incident,
  to: string,
  reason: string,
  by: string,
  at: string,
): Moved {
  const current = findPhase(pb, i.phase);
  if (!current)
    return fail('invalid', `The incident is in phase "${i.phase}", which this playbook does not know.`);
  const target = findPhase(pb, to);
  if (!target) return fail('illegal_transition', `There is no phase "${userText(to)}".`);
  if (!current.back.includes(to)) {
    return fail('illegal_transition', `From ${current.name} the incident cannot go back to ${target.name}.`);
  }
  return { ok: true, incident: enter(i, to, by, at, 'back', reason) };
}

export interface PhaseMove {
  dir: 'forward' | 'back';
  to: string;
}

/**
 * The moves a phase form offers: forward along `next`, except into the review phase (closing does that),
 * and none out of the closure or review phase (closing and recording the review leave them); back along
 * `back`, with a reason. A terminal phase offers nothing.
 */
export function availableMoves(pb: Playbook, i: Pick<Incident, 'phase'>): PhaseMove[] {
  const p = findPhase(pb, i.phase);
  if (!p || p.terminal) return [];
  const forward =
    i.phase === pb.closurePhase || i.phase === pb.reviewPhase
      ? []
      : p.next.filter((to) => to !== pb.reviewPhase);
  return [
    ...forward.map((to) => ({ dir: 'forward' as const, to })),
    ...p.back.map((to) => ({ dir: 'back' as const, to })),
  ];
}
