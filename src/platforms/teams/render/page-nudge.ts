// The roles nudge card after one of its Page buttons paged someone: the nudge again (the Page buttons of the
// roles still open and not paged, and Snooze) with the answer under it, instead of a "done" card that would
// take the other roles' buttons away (an Action.Execute answer replaces the card the button is on).
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { Incident } from '../../../domain/incident.js';
import type { Playbook } from '../../../domain/playbook.js';
import type { Text } from '../../../domain/text.js';
import { rolesNudgeNow } from '../../../views/roles-nudge-now.js';
import { doneCard } from './card-kit.js';
import { renderPostView } from './post.js';
import { cardOf, type NameOf } from './text.js';

export function pagedNudgeCard(
  incident: Incident,
  pb: Playbook,
  o: { dueAt?: string; answer: Text; nameOf: NameOf },
): IAdaptiveCard {
  const v = rolesNudgeNow(incident, pb, o.dueAt ? { dueAt: o.dueAt } : {});
  if (!v) return doneCard(cardOf(o.answer, o.nameOf, 500));
  return renderPostView({ ...v, lines: [...v.lines, o.answer] }, incident.key, o.nameOf).card;
}
