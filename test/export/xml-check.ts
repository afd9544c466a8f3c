// A small XML walk for tests: checks well-formedness (balanced tags, quoted attributes, only the five
// predefined entities or numeric ones, no stray '<' or '&') and collects the elements.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
}

const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

function checkText(s: string, where: number): void {
  for (let k = 0; k < s.length; k++) {
    if (s[k] === '<') throw new Error(`stray "<" at ${where + k}`);
    if (s[k] === '&' && !ENTITY.test(s.slice(k))) throw new Error(`bare "&" at ${where + k}`);
  }
}

function xmlUnescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Parses `xml`, throwing on anything not well-formed; returns every element in document order. */
export function walkXml(xml: string): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let i = 0;
  let roots = 0;
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const text = lt === -1 ? body.slice(i) : body.slice(i, lt);
    checkText(text, i);
    if (stack.length) stack.at(-1)!.text += xmlUnescape(text);
    else if (text.trim()) throw new Error(`text outside the root element at ${i}`);
    if (lt === -1) break;
    const gt = body.indexOf('>', lt);
    if (gt === -1) throw new Error(`unclosed tag at ${lt}`);
    const tag = body.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const inner = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z_][\w:.-]*)([\s\S]*)$/.exec(inner);
    if (!m) throw new Error(`bad tag <${tag}>`);
    const attrs: Record<string, string> = {};
    let rest = m[2]!.trim();
    while (rest) {
      const a = /^([A-Za-z_][\w:.-]*)="([^"<]*)"\s*/.exec(rest);
      if (!a) throw new Error(`bad attribute in <${m[1]}>: ${rest.slice(0, 40)}`);
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]} in <${m[1]}>`);
      checkText(a[2]!, lt);
      attrs[a[1]!] = xmlUnescape(a[2]!);
      rest = rest.slice(a[0].length);
    }
    const el: XmlElement = { name: m[1]!, attrs, text: '' };
    if (!stack.length) roots++;
    if (roots > 1) throw new Error('more than one root element');
    out.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  return out;
}

export const hasClass = (el: XmlElement, cls: string): boolean =>
  (el.attrs.class ?? '').split(/\s+/).includes(cls);
