// A PostView as an Adaptive Card plus the activity's notification text.
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { PostView } from '../../../views/post.js';
import { cardAction } from './actions.js';
import { textCard } from './card-kit.js';
import { activityOf, cardOf, type NameOf } from './text.js';
import type { TimeStyle } from './time.js';

export interface TeamsPost {
  /** Notification text (escaped for Teams' HTML-ish text). */
  text: string;
  card: IAdaptiveCard;
}

/** `times: 'audit'` where the exact instant is the record (the timeline): UTC after the local time. */
export function renderPostView(
  v: PostView,
  incidentKey: string,
  nameOf: NameOf,
  o: { times?: TimeStyle } = {},
): TeamsPost {
  const c = (t: string, max: number) => cardOf(t, nameOf, max, o.times);
  const lines = [
    ...v.lines.map((l) => c(l, 1500)),
    ...(v.fields ?? []).map((f) => `**${c(f.label, 80)}:** ${c(f.value, 1500)}`),
    ...(v.footer ? [c(v.footer, 500)] : []),
  ];
  return {
    text: activityOf(v.fallback, nameOf, 3000),
    card: textCard(
      c(v.title, 300),
      lines,
      v.actions.map((a) => cardAction(a, incidentKey)),
      { drill: v.drill },
    ),
  };
}
