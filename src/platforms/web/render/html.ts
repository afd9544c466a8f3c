// HTML for the local console: escaping (every string from a person or the record goes through esc), the
// neutral text tokens as HTML, and the page around each screen.
import { LOCAL_PEOPLE } from '../../../app/local-people.js';
import { BOT_ID, renderText, type Text, type TextRenderer } from '../../../domain/text.js';

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A string already safe to put in a page (built by these renderers only). */
export interface Html {
  readonly html: string;
}
export const raw = (html: string): Html => ({ html });

/** A tagged template: interpolated strings are escaped, Html values and arrays of them are not. */
export function h(parts: TemplateStringsArray, ...values: unknown[]): Html {
  let out = parts[0] ?? '';
  values.forEach((v, i) => {
    out += piece(v) + (parts[i + 1] ?? '');
  });
  return raw(out);
}

function piece(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(piece).join('');
  if (typeof v === 'object' && 'html' in (v as Html)) return (v as Html).html;
  return esc(String(v));
}

export function nameOf(id: string): string {
  if (id === BOT_ID) return 'incident bot';
  return LOCAL_PEOPLE.find((p) => p.id === id)?.name ?? id;
}

/** Where a room token links to (the incident worked in it), when known. */
export type RoomLink = (roomId: string) => { href: string; name: string } | null;

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function renderer(roomLink: RoomLink): TextRenderer {
  return {
    text: (s) => esc(s).replace(/\n/g, '<br>'),
    mention: (u) => `<span class="who">@${esc(nameOf(u))}</span>`,
    command: (w) => `<code>${esc(w)}</code>`,
    time: (iso) => `<time datetime="${esc(iso)}">${esc(utc(iso))}</time>`,
    strong: (s) => `<strong>${esc(s)}</strong>`,
    code: (s) => `<code>${esc(s)}</code>`,
    link: (title, url) =>
      /^https?:\/\//i.test(url)
        ? `<a href="${esc(url)}" rel="noopener noreferrer">${esc(title || url)}</a>`
        : `${esc(title)} <code>${esc(url)}</code>`,
    room: (id) => {
      const r = roomLink(id);
      return r ? `<a href="${esc(r.href)}">#${esc(r.name)}</a>` : `#${esc(id)}`;
    },
  };
}

/** Neutral text (words and tokens) as HTML. */
export function textHtml(t: Text, roomLink: RoomLink = () => null): Html {
  return raw(renderText(t, renderer(roomLink)));
}

export function timeHtml(iso: string): Html {
  return h`<time datetime="${iso}">${utc(iso)}</time>`;
}
