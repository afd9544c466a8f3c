// A PostView as an Adaptive Card plus the activity's notification text.
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { PostView } from '../../../views/post.js';
import { cardAction } from './actions.js';
import { textCard } from './card-kit.js';
import { activityOf, cardOf, type NameOf } from './text.js';

export interface TeamsPost {
  /** Notification text (escaped for Teams' HTML-ish text). */
  text: string;
  card: IAdaptiveCard;
}

export function renderPostView(v: PostView, incidentKey: string, nameOf: NameOf): TeamsPost {
  const lines = [
    ...v.lines.map((l) => cardOf(l, nameOf, 1500)),
    ...(v.fields ?? []).map((f) => `**${cardOf(f.label, nameOf, 80)}:** ${cardOf(f.value, nameOf, 1500)}`),
    ...(v.footer ? [cardOf(v.footer, nameOf, 500)] : []),
  ];
  return {
    text: activityOf(v.fallback, nameOf, 3000),
    card: textCard(
      cardOf(v.title, nameOf, 300),
      lines,
      v.actions.map((a) => cardAction(a, incidentKey)),
      { drill: v.drill },
    ),
  };
}
