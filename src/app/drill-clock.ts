// The local console's clock: real time plus an offset that only grows. A drill rehearses an hour of
// incident in minutes by moving it forward; each move is recorded in every open incident's log (the
// clock_forwarded command) before the clock moves, then the reminders owed by the new time are looked for.
import { randomUUID } from 'node:crypto';
import { MAX_FORWARD_MINUTES } from '../domain/decide/clock.js';
import { withHint } from '../domain/errors.js';
import type { Actor } from '../domain/incident.js';
import { type Text, time } from '../domain/text.js';
import type { IncidentApp } from './incident-app.js';

export interface DrillClock {
  now(): Date;
  /** How far ahead of real time the clock is, in minutes. */
  aheadMinutes(): number;
  forward(minutes: number): void;
}

export function drillClock(real: () => Date = () => new Date()): DrillClock {
  let aheadMs = 0;
  return {
    now: () => new Date(real().getTime() + aheadMs),
    aheadMinutes: () => Math.round(aheadMs / 60_000),
    forward(minutes) {
      if (!(minutes > 0)) throw new Error('the drill clock only moves forward');
      aheadMs += minutes * 60_000;
    },
  };
}

/**
 * Moves the clock forward `minutes`, recording it in every open incident first (nothing moves when one
 * refuses), then runs `afterForward` (the reminder pass at the new time). Answers what happened.
 */
export async function fastForward(
  app: IncidentApp,
  clock: DrillClock,
  actor: Actor,
  minutes: number,
  afterForward: () => Promise<number>,
): Promise<{ ok: boolean; text: Text }> {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_FORWARD_MINUTES)
    return { ok: false, text: `Fast-forward between 1 and ${MAX_FORWARD_MINUTES} minutes.` };
  const id = randomUUID();
  for (const incident of app.openIncidents()) {
    const outcome = app.run({
      key: `clock:${id}:${incident.key}`,
      incidentKey: incident.key,
      command: { type: 'clock_forwarded', minutes },
      actor,
    });
    if (!outcome.ok) return { ok: false, text: withHint(outcome.error) };
  }
  clock.forward(minutes);
  const due = await afterForward();
  const owed = due === 0 ? 'no reminder fell due' : `${due} reminder${due === 1 ? '' : 's'} fell due`;
  return {
    ok: true,
    text: `⏩ Clock moved forward ${minutes} minutes, to ${time(clock.now().toISOString())}: ${owed}.`,
  };
}
