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
  aheadMs(): number;
  forward(minutes: number): void;
  /** Puts the clock where a previous run left it (never back). */
  restore(aheadMs: number): void;
}

export function drillClock(real: () => Date = () => new Date()): DrillClock {
  let aheadMs = 0;
  return {
    now: () => new Date(real().getTime() + aheadMs),
    aheadMinutes: () => Math.round(aheadMs / 60_000),
    aheadMs: () => aheadMs,
    forward(minutes) {
      if (!(minutes > 0)) throw new Error('the drill clock only moves forward');
      aheadMs += minutes * 60_000;
    },
    restore(ms) {
      aheadMs = Math.max(aheadMs, ms);
    },
  };
}

/**
 * Moves the clock forward `minutes`, recording it in every open incident first, then runs `afterForward`
 * (the reminder pass at the new time). An incident that could not record it (a busy database) is named in
 * the answer; the clock moves all the same, since the others already say it did.
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
  const missed: string[] = [];
  for (const incident of app.openIncidents()) {
    const outcome = app.run({
      key: `clock:${id}:${incident.key}`,
      incidentKey: incident.key,
      command: { type: 'clock_forwarded', minutes },
      actor,
    });
    if (!outcome.ok) {
      // The core refuses the same for every incident (not the console, a bad number): nothing moved.
      if (!('internal' in outcome)) return { ok: false, text: withHint(outcome.error) };
      missed.push(incident.key);
    }
  }
  clock.forward(minutes);
  const due = await afterForward();
  const owed = due === 0 ? 'no reminder fell due' : `${due} reminder${due === 1 ? '' : 's'} fell due`;
  const gap = missed.length
    ? ` ${missed.join(', ')} could not record the move (the database was busy): its log does not show it.`
    : '';
  return {
    ok: missed.length === 0,
    text: `⏩ Clock moved forward ${minutes} minutes, to ${time(clock.now().toISOString())}: ${owed}.${gap}`,
  };
}
