// Fetches a shared file's bytes to fingerprint them (app/evidence-files.ts), with guards: https Microsoft file
// hosts only (or the configured Graph's origin), redirects followed by hand (at most 5, each one checked the same way, a
// bearer token never sent past the first host), an overall timeout, and the size limit enforced while
// the bytes stream in (a Content-Length over the limit is refused before reading).
import { FileDigest, TooLarge } from '../../../app/evidence-files.js';

export interface DownloadOptions {
  maxBytes: number;
  timeoutMs?: number;
  /** Only for the first request (a Graph `/shares/…/content` call); the redirect target is pre-authenticated. */
  bearer?: string | undefined;
  /** The configured Graph's origin: addresses there are allowed whatever their scheme (see allowedUrl). */
  graphOrigin?: string | undefined;
  fetch?: typeof fetch;
}

/**
 * Where Teams files live (SharePoint and OneDrive for Business, their CDN, Graph). Nothing else is fetched: a
 * download address is text someone else wrote, and an open fetcher would let them probe internal hosts.
 */
const FILE_HOSTS = [
  /\.sharepoint\.com$/,
  /\.sharepoint\.us$/,
  /\.sharepoint-mil\.us$/,
  /\.sharepoint\.cn$/,
  /\.svc\.ms$/,
  /^graph\.microsoft\.com$/,
  /^graph\.microsoft\.us$/,
];

/**
 * True for an https address on a Microsoft file host, or one on the configured Graph's own origin
 * (`graphOrigin`: GRAPH_API_URL, checked by the configuration; the tests' fake Graph serves files there).
 */
export function allowedUrl(raw: string, graphOrigin?: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (graphOrigin && u.origin === graphOrigin) return true;
  return u.protocol === 'https:' && FILE_HOSTS.some((h) => h.test(u.hostname));
}

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** The file's size and SHA-256; throws DownloadError or TooLarge (never returns partial bytes). */
export async function downloadDigest(
  url: string,
  o: DownloadOptions,
): Promise<{ size: number; sha256: string }> {
  const signal = AbortSignal.timeout(o.timeoutMs ?? 20_000);
  let at = url;
  const first = new URL(url).host;
  for (let hop = 0; hop <= 5; hop++) {
    if (!allowedUrl(at, o.graphOrigin))
      throw new DownloadError('refused a download address that is not an https Microsoft file host');
    const sameHost = new URL(at).host === first;
    let res: Response;
    try {
      res = await (o.fetch ?? fetch)(at, {
        redirect: 'manual',
        signal,
        headers: o.bearer && hop === 0 && sameHost ? { authorization: `Bearer ${o.bearer}` } : {},
      });
    } catch (e) {
      throw new DownloadError(`download failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (res.status >= 300 && res.status < 400) {
      const next = res.headers.get('location');
      await res.body?.cancel();
      if (!next) throw new DownloadError(`HTTP ${res.status} without a Location`);
      at = new URL(next, at).toString();
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new DownloadError(`the file host answered HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > o.maxBytes) {
      await res.body?.cancel();
      throw new TooLarge(o.maxBytes);
    }
    const d = new FileDigest(o.maxBytes);
    if (res.body) {
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          d.update(value);
        }
      } catch (e) {
        await reader.cancel().catch(() => {});
        if (e instanceof TooLarge) throw e;
        throw new DownloadError(`download failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return d.digest();
  }
  throw new DownloadError('too many redirects');
}
