// An inbound Teams message read into neutral command text: the bot's own <at> mention removed, each person
// @mentioned (a `mention` entity of a user) a mention token of their id, other mentions (a channel, a tag,
// another bot) plain "@name", links link tokens, the rest HTML-decoded. Token markers a person typed are
// dropped first, so typed text never becomes a token.
import { link, mention, type Text, userText } from '../../../domain/text.js';
import { htmlToText } from './html-text.js';

export { htmlToText } from './html-text.js';
export { activityHtml, messageBodyText } from './message-body.js';

// biome-ignore lint/suspicious/noExplicitAny: inbound activities are loosely typed JSON
type Json = any;

export interface Mentioned {
  id: string;
  name: string;
}

/** An AAD object id (what a people picker or a resolved mention carries). */
export const AAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A mention of a person (a Teams user id or an AAD object id), not of a channel, tag, team or bot. */
export function isPersonMention(m: { id: string }): boolean {
  return /^(29:|8:orgid:)\S+$/.test(m.id) || AAD_ID.test(m.id);
}

/**
 * The command text of a message. `resolve` turns a mentioned person into the id actors carry (their AAD
 * object id: from what the bot knows, or the connector).
 */
export async function commandText(a: Json, resolve: (m: Mentioned) => Promise<string>): Promise<Text> {
  // a text or entities of the wrong type (a number, an object) is no command text / no mentions
  let text = userText(typeof a.text === 'string' ? a.text : '');
  const botId = a.recipient?.id;
  const people: string[] = [];
  for (const e of (Array.isArray(a.entities) ? a.entities : []) as Json[]) {
    if (e?.type !== 'mention' || typeof e.text !== 'string') continue;
    const m: Mentioned = { id: String(e.mentioned?.id ?? ''), name: String(e.mentioned?.name ?? '') };
    if (m.id === botId) {
      text = text.replace(e.text, ' ');
      continue;
    }
    if (!isPersonMention(m)) {
      text = text.replace(e.text, ` @${userText(m.name).replace(/[<>]/g, '')} `);
      continue;
    }
    // a placeholder without angle brackets survives the HTML-to-text step; it becomes the token after
    text = text.replace(e.text, ` \u0001${people.length}\u0001 `);
    people.push(await resolve(m));
  }
  // a link keeps its address: `<a href="U">label</a>` -> a link token
  const links: Text[] = [];
  text = text.replace(
    /<a\b[^>]*\bhref="([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi,
    (_m, href: string, label: string) => {
      links.push(link(htmlToText(label) || href, htmlToText(href)));
      return ` \u0004${links.length - 1}\u0004 `;
    },
  );
  return htmlToText(text.replace(/<\/?at>/g, ''))
    .replace(/\u0001(\d+)\u0001/g, (_m, n: string) => mention(people[Number(n)]!))
    .replace(/\u0004(\d+)\u0004/g, (_m, n: string) => links[Number(n)]!)
    .replace(/[ \t\n]+/g, ' ')
    .trim();
}
