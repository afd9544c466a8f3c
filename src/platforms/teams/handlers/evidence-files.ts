// Files shared in an incident's channel or thread become evidence entries (name, size, SHA-256, link), as
// Slack's do: the bytes are fetched here and fingerprinted by the application layer (app/evidence-files.ts).
// Two attachment kinds carry a file:
// - `application/vnd.microsoft.teams.file.download.info`: `content.downloadUrl` is pre-authenticated and
//   short-lived (a plain GET, no token); `contentUrl` is the SharePoint/OneDrive address people open.
// - `reference` (a file from SharePoint/OneDrive, as Graph's chatMessage shows it): `contentUrl` only; its
//   bytes come through Graph's shares API (`/shares/u!{base64url}/driveItem/content`, the bot's Graph token,
//   channel mode only). Without Graph the file is recorded by name and link, unfingerprinted.
// A file that cannot be fetched (too large, refused, timed out) is still recorded by name and link, and the
// person who shared it is told why it has no fingerprint.
import { EVIDENCE_MAX_BYTES, recordEvidenceFile, TooLarge } from '../../../app/evidence-files.js';
import type { MessageSource } from '../../../domain/commands.js';
import type { Incident } from '../../../domain/incident.js';
import { actorOf, type Json, type TeamsContext } from '../context.js';
import type { GraphClient } from '../graph/client.js';
import { allowedUrl, downloadDigest } from '../graph/file-download.js';
import { channelOf } from '../refs.js';
import { isoOrNull } from './record.js';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

/** What the handlers need to fetch files: Graph (channel mode) for `reference` attachments, and limits. */
export interface TeamsFileAccess {
  graph?: GraphClient | undefined;
  maxBytes?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface SharedFile {
  name: string;
  /** Where people open the file. */
  link?: string | undefined;
  /** Pre-authenticated download URL (file.download.info). */
  downloadUrl?: string | undefined;
  /** A SharePoint/OneDrive URL to fetch through Graph's shares API (reference). */
  shareUrl?: string | undefined;
  uniqueId?: string | undefined;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** The files a message carries (other attachments — cards, inline images, quotes — are not evidence). */
export function sharedFiles(a: Json): SharedFile[] {
  const out: SharedFile[] = [];
  for (const att of (Array.isArray(a?.attachments) ? a.attachments : []) as Json[]) {
    if (att?.contentType === FILE_DOWNLOAD_INFO) {
      const c = att.content && typeof att.content === 'object' ? att.content : {};
      const name = str(att.name) ?? (str(c.fileType) ? `file.${c.fileType}` : undefined);
      if (!name) continue;
      out.push({
        name,
        link: str(att.contentUrl),
        downloadUrl: str(c.downloadUrl),
        uniqueId: str(c.uniqueId),
      });
    } else if (att?.contentType === 'reference' && str(att.contentUrl)) {
      const url = str(att.contentUrl)!;
      out.push({
        name: str(att.name) ?? url.split('/').pop() ?? 'file',
        link: url,
        shareUrl: url,
        uniqueId: str(att.id),
      });
    }
  }
  return out;
}

/** Graph's shares API id for a sharing URL: `u!` + unpadded base64url of the URL. */
export function shareId(url: string): string {
  return `u!${Buffer.from(url, 'utf8').toString('base64url')}`;
}

async function fingerprint(
  f: SharedFile,
  o: TeamsFileAccess,
): Promise<{ digest?: { size: number; sha256: string }; why?: string }> {
  const maxBytes = o.maxBytes ?? EVIDENCE_MAX_BYTES;
  const graphOrigin = o.graph ? new URL(o.graph.baseUrl).origin : undefined;
  const common = {
    maxBytes,
    ...(graphOrigin ? { graphOrigin } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.fetch ? { fetch: o.fetch } : {}),
  };
  try {
    if (f.downloadUrl) {
      if (!allowedUrl(f.downloadUrl, graphOrigin))
        return { why: 'its download address is not an https Microsoft file host' };
      return { digest: await downloadDigest(f.downloadUrl, common) };
    }
    if (f.shareUrl && o.graph) {
      const url = `${o.graph.baseUrl}/shares/${shareId(f.shareUrl)}/driveItem/content`;
      return { digest: await downloadDigest(url, { ...common, bearer: await o.graph.token() }) };
    }
    return { why: 'Teams gave no download address for it (channel mode fetches such files through Graph)' };
  } catch (e) {
    return { why: e instanceof TooLarge ? e.message : (e as Error).message.slice(0, 200) };
  }
}

/**
 * Records each file of a message in an incident's room as evidence; answers what to tell the sharer (empty
 * when all went well). The first file carries the message's id (so an edit or deletion corrects it).
 */
export async function captureSharedFiles(
  ctx: TeamsContext,
  a: Json,
  incident: Incident,
  files: SharedFile[],
): Promise<string[]> {
  const conv = String(a.conversation?.id ?? '');
  const messageId = `${channelOf(conv)}:${a.id}`;
  const writtenAt = isoOrNull(a.timestamp);
  const author = str(a.from?.name);
  const tell: string[] = [];
  for (const [n, f] of files.entries()) {
    const got = await fingerprint(f, ctx.files ?? {});
    const source: MessageSource = {
      messageId: n === 0 ? messageId : `${messageId}:${f.uniqueId ?? n}`,
      ...(author ? { author } : {}),
      ...(writtenAt ? { writtenAt } : {}),
      ...(f.link ? { permalink: f.link, files: [{ name: f.name, permalink: f.link }] } : {}),
    };
    const outcome = await recordEvidenceFile(
      ctx.app,
      { key: `teams:file:${a.id}:${n}`, actor: actorOf(a), roomId: conv },
      incident,
      { name: f.name, link: f.link, digest: got.digest, source },
    );
    if (!outcome.ok && !['already_logged'].includes(outcome.error.code)) {
      ctx.log.error({ err: outcome.error, file: f.name }, 'teams: shared file not recorded as evidence');
      tell.push(`I could not add ${f.name} to the incident's evidence (${outcome.error.message}).`);
    } else if (got.why) {
      ctx.log.warn({ file: f.name, why: got.why }, 'teams: evidence file recorded without its fingerprint');
      tell.push(`${f.name} is in the evidence by name and link only: I could not fetch it (${got.why}).`);
    }
  }
  return tell;
}
