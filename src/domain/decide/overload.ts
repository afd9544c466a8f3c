// The handbook's overload rule as effects: the log entry, the warning to the person, and — where the
// incident's platform cannot show a sentence to one person in the room — a post in the room, so the
// incident commander sees it there. Slack shows the warning as an ephemeral message in the channel and the
// local console in that person's own feed; Teams has no ephemeral messages (a card's note reaches only
// whoever clicked, and a warning for someone else reached nobody), so on Teams it is posted.
import type { Effect } from '../effects.js';
import type { Incident, Platform } from '../incident.js';
import type { Playbook } from '../playbook.js';
import { overloadWarnings } from '../roles.js';
import { log, notice, post, ROOM } from './context.js';

/** Platforms whose rooms cannot show a notice to one person only. */
const NO_PRIVATE_NOTICES: ReadonlySet<Platform> = new Set(['teams']);

const SPREAD = 'Three roles are too many for one person: hand one over when someone is free.';

export function overloadEffects(i: Incident, pb: Playbook, user: string): Effect[] {
  const effects: Effect[] = [];
  for (const w of overloadWarnings(i, pb, user)) {
    effects.push(log('overload', { user, roles: w.roles }));
    effects.push(notice(w.text, 'warning', user));
    if (NO_PRIVATE_NOTICES.has(i.room?.platform ?? i.platform))
      effects.push(
        post(`overload:${user}`, ROOM, 'overload', {
          user,
          roles: w.roles,
          // the template's own sentence is about the incident commander; three roles of someone else differ
          ...(w.roles.includes(pb.commanderRole) ? {} : { text: SPREAD }),
        }),
      );
  }
  return effects;
}
