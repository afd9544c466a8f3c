// Slack's message syntax in typed text (a slash command's `text`, escaped by Slack) read into neutral text:
// `<@U1|name>` becomes a mention token, `<https://x|label>` a link token, `<#C1|name>` the channel's name,
// `<!here>` plain "@here", and &amp; &lt; &gt; the characters they stand for. Token markers a person
// typed are dropped first, so typed text never becomes a token.
import { link, mention, type Text, userText } from '../../../domain/text.js';

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function neutralText(raw: string): Text {
  const text = userText(raw);
  let out = '';
  let at = 0;
  for (const m of text.matchAll(/<([^<>]*)>/g)) {
    out += decode(text.slice(at, m.index));
    at = m.index + m[0].length;
    const [target = '', label] = m[1]!.split('|');
    if (/^@[UW][A-Z0-9]+$/.test(target)) out += mention(target.slice(1));
    else if (/^#[CG][A-Z0-9]+$/.test(target)) out += `#${decode(label ?? target.slice(1))}`;
    else if (target.startsWith('!')) out += `@${decode(label ?? target.slice(1).split('^')[0]!)}`;
    else if (/^(https?|mailto):/i.test(target)) out += link(decode(label ?? target), target);
    else out += decode(m[0]);
  }
  return out + decode(text.slice(at));
}
