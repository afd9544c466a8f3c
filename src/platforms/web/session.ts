// Who may use the console and as whom. Local mode has no accounts: the console's key (printed with its
// address at start, kept with the local database) is exchanged once for a cookie, and every request must
// carry it. The Host header must name this machine (a web page elsewhere cannot rebind a name to it), and
// a form post must come from the console's own pages (Origin). Who you are among the local people is a
// second cookie: a rehearsal switches between them.
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { LOCAL_PEOPLE, type LocalPerson, localPerson } from '../../app/local-people.js';

export const KEY_COOKIE = 'ibc_key';
export const WHO_COOKIE = 'ibc_who';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    // Other apps on 127.0.0.1 share this cookie jar: one badly encoded cookie of theirs is skipped.
    try {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {}
  }
  return out;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function hostname(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0] ?? '';
}

const SIGNED_OUT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>incident-bot local console</title></head>
<body><main><h1>incident-bot local console</h1><p>Open the address <code>npm start</code> printed: it carries the console's key (the line "local console: http://…/?key=…").</p></main></body></html>`;

/**
 * The console's guard: Host, key, Origin. `listenHost` is the HOST setting when it is not loopback (the
 * console was exposed on purpose): then that name is accepted too.
 */
export function consoleGuard(key: string, listenHost?: string) {
  const hosts = new Set(LOOPBACK);
  if (listenHost && listenHost !== '0.0.0.0' && listenHost !== '::') hosts.add(listenHost);
  const anyHost = listenHost === '0.0.0.0' || listenHost === '::';
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!anyHost && !hosts.has(hostname(req.headers.host))) {
      res.status(421).type('text/plain').send('This console answers on its own address only (127.0.0.1).');
      return;
    }
    const given = typeof req.query.key === 'string' ? req.query.key : undefined;
    if (req.method === 'GET' && given !== undefined) {
      if (!same(given, key)) {
        res.status(401).type('html').send(SIGNED_OUT);
        return;
      }
      // Exchanged for a cookie, and the key leaves the address bar (and the history).
      res.cookie(KEY_COOKIE, key, { httpOnly: true, sameSite: 'strict', path: '/' });
      res.redirect(303, `/${req.path.replace(/^[/\\]+/, '')}`);
      return;
    }
    const held = cookies(req)[KEY_COOKIE];
    if (!held || !same(held, key)) {
      res.status(401).type('html').send(SIGNED_OUT);
      return;
    }
    // Every port of 127.0.0.1 is the same "site" to a browser, so SameSite cookies do not stop a page served
    // by another local app: a post must name this very origin, and nothing may be fetched for another one.
    const fetchSite = req.headers['sec-fetch-site'];
    const crossSite = fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none';
    if (
      req.method === 'POST' ? req.headers.origin !== `http://${req.headers.host}` || crossSite : crossSite
    ) {
      res.status(403).type('text/plain').send('A page from another site or port cannot act here.');
      return;
    }
    next();
  };
}

/** Who the browser says it is (Alice when it has not chosen). */
export function me(req: Request): LocalPerson {
  return localPerson(cookies(req)[WHO_COOKIE]) ?? LOCAL_PEOPLE[0]!;
}

export function setMe(res: Response, person: LocalPerson): void {
  res.cookie(WHO_COOKIE, person.id, { sameSite: 'strict', path: '/' });
}
