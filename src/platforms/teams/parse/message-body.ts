// Which text of an inbound Teams message to read, and how. A message action's `messagePayload.body` says
// its content type (Graph's chatMessageBody); an activity (a message, an edit) carries
// the message as HTML in a `text/html` attachment, and a flattened `text` beside it.
import { userText } from '../../../domain/text.js';
import { htmlToText } from './html-text.js';

// biome-ignore lint/suspicious/noExplicitAny: inbound payloads are loosely typed JSON
type Json = any;

/** Plain text as written: line ends normalised, trailing spaces and runs of empty lines trimmed. */
function plainText(s: string): string {
  const lines = s.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (const l of lines.map((x) => x.trimEnd())) {
    if (l === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(l);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return userText(out.join('\n'));
}

/**
 * The text of a chatMessage body (`{contentType, content}`, or Graph beta's `messageBodyContentType`, which
 * adds `markdown`): HTML read as a person saw it, text and markdown as written; anything else is no text.
 */
export function messageBodyText(body: unknown): string {
  const b = (body && typeof body === 'object' ? body : {}) as Json;
  if (typeof b.content !== 'string') return '';
  const type = b.messageBodyContentType ?? b.contentType;
  return type === 'text' || type === 'markdown' ? plainText(b.content) : htmlToText(b.content);
}

/** The HTML of a message activity: its `text/html` attachment (the message as Teams shows it), else `text`. */
export function activityHtml(a: Json): string {
  const attachments: Json[] = Array.isArray(a?.attachments) ? a.attachments : [];
  const html = attachments.find((x) => x?.contentType === 'text/html' && typeof x.content === 'string');
  if (html) return html.content;
  return typeof a?.text === 'string' ? a.text : '';
}
