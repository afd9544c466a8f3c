// Teams message HTML (a chatMessage body, an activity's text/html) read as the plain text a person saw in
// Teams. Line structure is kept: paragraphs, divs, headings, table rows and <br> are lines, list items
// "• " / "1. ", quotes "> ", code and preformatted text verbatim. Links become "text (url)" (the address
// alone when the text is the address): the decision log holds plain text (the timeline shows it through
// userText, the export prints it as is), where a link token would show its raw payload. Mentions become
// "@Name" (what commandText writes for a mention it does not resolve), emoji and images their alt text.
// Entities are decoded by the maintained `entities` package (the HTML spec's table), never by hand.
import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { userText } from '../../../domain/text.js';

const BLOCK = new Set(
  'p div section article header footer main nav aside address figure figcaption details summary dl dt dd h1 h2 h3 h4 h5 h6 table thead tbody tfoot caption'.split(
    ' ',
  ),
);
/** Elements whose content is not message text. */
const SKIP = new Set('script style head title template noscript svg systemeventmessage'.split(' '));
const SHOWN_URL = /^(https?:|mailto:|tel:|ftp:)/i;

// a tag attempt never scans past the next '<', so hostile input stays linear
const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[!?][^<>]*>|<(\/?)([a-zA-Z][\w:-]*)((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>/g;
const ATTR = /([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** Numeric references to control characters (token markers, placeholders) are dropped, never decoded. */
function safeRefs(s: string): string {
  return s.replace(/&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?/g, (m, hex?: string, dec?: string) => {
    const cp = hex ? Number.parseInt(hex, 16) : Number(dec);
    return (cp < 0x20 && cp !== 9 && cp !== 10 && cp !== 13) || cp === 0x7f ? '' : m;
  });
}
const text = (s: string) => decodeHTML(safeRefs(s));
const attr = (s: string) => decodeHTMLAttribute(safeRefs(s));

function attributes(src: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of src.matchAll(ATTR)) {
    const name = m[1]!.toLowerCase();
    if (!out.has(name)) out.set(name, attr(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

/** A link's text and address compared as a reader would: scheme, case and a final slash aside. */
const sameAddress = (a: string, b: string) => {
  const n = (s: string) =>
    s
      .trim()
      .toLowerCase()
      .replace(/^(https?:\/\/|mailto:|tel:)/, '')
      .replace(/\/$/, '');
  return n(a) === n(b);
};

interface Line {
  text: string;
  verbatim: boolean;
}

/** The writer: lines with their prefixes (quote marks, list bullets), spaces collapsed outside code. */
class PlainText {
  private readonly lines: Line[] = [];
  private body = '';
  private prefix = '';
  private open = false;
  private lineVerbatim = false;
  private quote = 0;
  private readonly lists: { ordered: boolean; n: number }[] = [];
  private bullet: string | null = null;
  private pre = 0;
  private preStart = false;
  private code = 0;
  private cells = 0;
  private rowCells = 0;
  private at = false;
  private readonly links: { href: string; text: string }[] = [];
  private skip: { tag: string; depth: number } | null = null;

  feed(html: string): void {
    let at = 0;
    for (const m of html.matchAll(TOKEN)) {
      if (m.index > at) this.chars(html.slice(at, m.index));
      at = m.index + m[0].length;
      if (m[2] === undefined) continue; // a comment, CDATA, doctype or processing instruction
      const rest = m[3] ?? '';
      this.tag(m[2].toLowerCase(), m[1] === '/', rest, /\/\s*$/.test(rest));
    }
    if (at < html.length) this.chars(html.slice(at));
  }

  result(): string {
    this.endLine(false);
    const out: string[] = [];
    const blank = (l: Line) => !l.verbatim && /^[>\s]*$/.test(l.text);
    for (const l of this.lines) {
      if (blank(l) && (out.length === 0 || out[out.length - 1] === '')) continue;
      out.push(blank(l) ? '' : l.text);
    }
    while (out.length && out[out.length - 1]!.trim() === '') out.pop();
    return userText(out.join('\n'));
  }

  private chars(raw: string): void {
    if (this.skip) return;
    const s = text(raw);
    if (this.pre || this.code) this.verbatim(s);
    else this.flow(s);
  }

  private tag(name: string, closing: boolean, rawAttrs: string, selfClosing: boolean): void {
    if (this.skip) {
      if (name === this.skip.tag && !selfClosing) this.skip.depth += closing ? -1 : 1;
      if (this.skip.depth === 0) this.skip = null;
      return;
    }
    if (closing) {
      this.close(name);
      return;
    }
    const a = () => attributes(rawAttrs);
    if (SKIP.has(name)) {
      if (!selfClosing) this.skip = { tag: name, depth: 1 };
      return;
    }
    switch (name) {
      case 'br':
        this.newline();
        return;
      case 'hr':
        this.endLine(false);
        this.put('---');
        this.endLine(false);
        return;
      case 'img': {
        const alt = (a().get('alt') ?? '').trim();
        this.inline(alt || '[image]');
        return;
      }
      case 'emoji':
      case 'customemoji': {
        const attrs = a();
        const alt = (attrs.get('alt') ?? attrs.get('title') ?? '').trim();
        // a custom emoji's alt is its name, shown as :name: like a custom emoji typed in Slack
        if (alt) this.inline(name === 'customemoji' && !alt.includes(':') ? `:${alt}:` : alt);
        if (!selfClosing) this.skip = { tag: name, depth: 1 };
        return;
      }
      case 'at':
        this.at = true;
        return;
      case 'a':
        this.links.push({ href: (a().get('href') ?? '').trim(), text: '' });
        return;
      case 'ul':
      case 'ol': {
        this.endLine(false);
        const start = Number.parseInt(a().get('start') ?? '', 10);
        this.lists.push({ ordered: name === 'ol', n: Number.isFinite(start) ? start - 1 : 0 });
        return;
      }
      case 'li': {
        this.endLine(false);
        const list = this.lists[this.lists.length - 1];
        if (list) list.n += 1;
        this.bullet = list?.ordered ? `${list.n}. ` : '• ';
        return;
      }
      case 'blockquote':
        this.endLine(false);
        this.quote += 1;
        return;
      case 'pre':
      case 'codeblock':
        this.endLine(false);
        this.pre += 1;
        this.preStart = true;
        return;
      case 'code':
        this.code += 1;
        return;
      case 'tr':
        this.cells = 0;
        this.endLine(false);
        this.rowCells = 0;
        return;
      case 'td':
      case 'th':
        if (this.rowCells++ > 0) this.put(' | ');
        this.cells += 1;
        return;
      default:
        if (BLOCK.has(name)) this.endLine(false);
    }
  }

  private close(name: string): void {
    switch (name) {
      case 'a': {
        const link = this.links.pop();
        if (!link || !SHOWN_URL.test(link.href)) return;
        const label = link.text.replace(/\s+/g, ' ').trim();
        if (!label) {
          this.inline(link.href);
          return;
        }
        if (!sameAddress(label, link.href)) this.inline(` (${link.href})`);
        return;
      }
      case 'at':
        this.at = false;
        return;
      case 'ul':
      case 'ol':
        this.endLine(false);
        this.lists.pop();
        this.bullet = null;
        return;
      case 'li':
        this.endLine(false);
        this.bullet = null;
        return;
      case 'blockquote':
        this.endLine(false);
        this.quote = Math.max(0, this.quote - 1);
        return;
      case 'pre':
      case 'codeblock':
        this.endLine(false);
        this.pre = Math.max(0, this.pre - 1);
        return;
      case 'code':
        this.code = Math.max(0, this.code - 1);
        return;
      case 'td':
      case 'th':
        this.cells = Math.max(0, this.cells - 1);
        return;
      case 'tr':
        this.cells = 0;
        this.endLine(false);
        return;
      default:
        if (BLOCK.has(name)) this.endLine(false);
    }
  }

  /** Text outside code: runs of white space are one space; a non-breaking space is a kept space. */
  private flow(decoded: string): void {
    let s = decoded.replace(/[ \t\n\r\f]+/g, ' ');
    if (!this.open || this.body.endsWith(' ')) s = s.replace(/^ /, '');
    if (!s) return;
    if (this.at && s.trim()) {
      if (!s.trimStart().startsWith('@')) s = s.replace(/^(\s*)/, '$1@');
      this.at = false;
    }
    this.put(s.replace(/\u00a0/g, ' '));
  }

  /** Code and preformatted text: spaces and line breaks as written (a newline right after <pre> aside). */
  private verbatim(decoded: string): void {
    let s = decoded.replace(/\r\n?/g, '\n');
    if (this.preStart) s = s.replace(/^\n/, '');
    this.preStart = false;
    s.split('\n').forEach((part, i) => {
      if (i > 0) this.newline();
      if (part) this.put(part.replace(/\u00a0/g, ' '));
    });
  }

  /** Text that is not HTML text (an alt, a link's address): never collapsed, never a mention's name. */
  private inline(s: string): void {
    if (s) this.put(s);
  }

  private put(s: string): void {
    this.preStart = false;
    if (!this.open) {
      this.open = true;
      this.lineVerbatim = this.pre > 0;
      this.prefix = this.linePrefix();
    }
    this.body += s;
    for (const l of this.links) l.text += s;
  }

  private linePrefix(): string {
    const quote = '> '.repeat(this.quote);
    const depth = this.lists.length;
    if (this.bullet !== null) {
      const b = this.bullet;
      this.bullet = null;
      return `${quote}${'  '.repeat(Math.max(0, depth - 1))}${b}`;
    }
    return `${quote}${'  '.repeat(depth)}`;
  }

  /** A <br> or a newline in code: ends the line, or makes an empty one. In a table cell, a space. */
  private newline(): void {
    if (this.cells) {
      this.flow(' ');
      return;
    }
    this.endLine(true);
  }

  /** Ends the line being written; `empty` writes an empty line when nothing was written on it. */
  private endLine(empty: boolean): void {
    if (this.cells && !empty) return;
    if (!this.open && !empty) return;
    const prefix = this.open ? this.prefix : '> '.repeat(this.quote);
    const body = this.open ? (this.lineVerbatim ? this.body : this.body.trim()) : '';
    const verbatim = this.open ? this.lineVerbatim : this.pre > 0;
    this.lines.push({ text: `${prefix}${body}`.trimEnd(), verbatim });
    this.open = false;
    this.body = '';
    this.prefix = '';
    this.lineVerbatim = false;
  }
}

/** The text of Teams message HTML as plain text (see the top of this file). Never throws. */
export function htmlToText(html: string): string {
  const w = new PlainText();
  w.feed(html);
  return w.result();
}
