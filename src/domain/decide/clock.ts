// The local console's drill clock: moving it forward is recorded in each open incident's log, so a drill's
// record says which reminders fell due because someone fast-forwarded. Only the console may ask (it runs
// in local mode only); the clock never goes back.
import { fail } from '../errors.js';
import { type Handler, iso, log, notice, ok } from './context.js';

/** The longest single jump (a day): a drill rehearses hours, not weeks. */
export const MAX_FORWARD_MINUTES = 24 * 60;

export const clockForwarded: Handler<'clock_forwarded'> = (i, c, ctx) => {
  if (ctx.actor.platform !== 'web')
    return fail('forbidden', 'Only the local console (local mode) can move the clock forward.');
  if (!Number.isInteger(c.minutes) || c.minutes < 1 || c.minutes > MAX_FORWARD_MINUTES)
    return fail('invalid', `Fast-forward between 1 and ${MAX_FORWARD_MINUTES} minutes.`);
  const to = new Date(ctx.now.getTime() + c.minutes * 60_000);
  return ok(i, [
    log('clock', { minutes: c.minutes, from: iso(ctx.now), to: iso(to), by: ctx.actor.id }),
    notice(`Clock moved forward ${c.minutes} minutes.`),
  ]);
};
