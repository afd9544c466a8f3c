// The shape of every post the core asks for (src/domain/effects.ts PostTemplate): a title, lines, facts,
// buttons, a footer and the notification text. Renderers turn it into Block Kit, an Adaptive Card, HTML.
import type { Incident } from '../domain/incident.js';
import { strong, type Text, userText } from '../domain/text.js';
import type { Action } from './actions.js';
import { drillPrefix } from './format.js';
import type { Fact } from './summary.js';

export interface PostView {
  /** Stable name (platform ids are derived from it and the incident version). */
  name: string;
  drill: boolean;
  version: number;
  /** A short heading; shown as a header where `header` is set, else used where a platform needs a heading. */
  title: Text;
  header?: boolean;
  lines: Text[];
  fields?: Fact[];
  actions: Action[];
  /** Small print under the post (which incident, who sent it). */
  footer?: Text;
  /** Notification and screen-reader text. */
  fallback: Text;
}

/** Which incident a post is about: "[DRILL] INC-…: title". */
export function incidentFooter(i: Incident): Text {
  return `${i.drill ? `${strong('DRILL')} · ` : ''}${i.key}: ${userText(i.title)}`;
}

/** A post with the incident footer, the usual case. */
export function simplePost(
  i: Incident,
  name: string,
  title: Text,
  lines: Text[],
  fallback: Text,
  actions: Action[] = [],
): PostView {
  return {
    name,
    drill: i.drill,
    version: i.version,
    title: `${drillPrefix(i)}${i.key}: ${title}`,
    lines,
    actions,
    footer: incidentFooter(i),
    fallback: `${drillPrefix(i)}${fallback}`,
  };
}
