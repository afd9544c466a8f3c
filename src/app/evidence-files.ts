// Evidence files whose bytes the bot fetched (Teams: files shared in the incident's channel or thread):
// fingerprinted here, once for every platform — size and SHA-256 of the bytes as they arrived, counted while
// they stream in, and refused past EVIDENCE_MAX_BYTES — then recorded as an `evidence` command. The download
// itself is platform code (it knows the URLs and tokens); this file never touches the network.
import { createHash, type Hash } from 'node:crypto';
import type { MessageSource } from '../domain/commands.js';
import type { Actor, Incident } from '../domain/incident.js';
import type { Outcome } from './answers.js';
import type { IncidentApp } from './incident-app.js';
import { runWithRetries } from './record.js';

/** The largest evidence file the bot downloads to fingerprint (bigger ones are recorded by name and link). */
export const EVIDENCE_MAX_BYTES = 50 * 1024 * 1024;

export class TooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the file is larger than ${Math.round(limit / (1024 * 1024))} MB`);
    this.name = 'TooLarge';
  }
}

/** Size and SHA-256 of bytes fed in chunks; throws TooLarge past the limit (the download is then aborted). */
export class FileDigest {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  constructor(private readonly limit = EVIDENCE_MAX_BYTES) {}

  update(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    if (this.size > this.limit) throw new TooLarge(this.limit);
    this.hash.update(chunk);
  }

  digest(): { size: number; sha256: string } {
    return { size: this.size, sha256: this.hash.digest('hex') };
  }
}

export interface EvidenceFile {
  name: string;
  /** Where people open it (SharePoint / OneDrive), never the short-lived download URL. */
  link?: string | undefined;
  /** Absent when the bytes could not be fetched (too large, refused, timed out): name and link only. */
  digest?: { size: number; sha256: string } | undefined;
  source: MessageSource;
}

/**
 * Records one shared file as evidence. The request key comes from the platform's message id, so a
 * redelivered message is a replay; a command the database refused is retried in process.
 */
export function recordEvidenceFile(
  app: IncidentApp,
  req: { key: string; actor: Actor; roomId?: string | undefined },
  incident: Incident,
  f: EvidenceFile,
): Promise<Outcome> {
  return runWithRetries(app, {
    key: req.key,
    incidentKey: incident.key,
    command: {
      type: 'evidence',
      name: f.name.slice(0, 500) || 'file',
      ...(f.link ? { link: f.link } : {}),
      ...(f.digest ? { size: f.digest.size, sha256: f.digest.sha256 } : {}),
      source: f.source,
    },
    actor: req.actor,
    ...(req.roomId ? { roomId: req.roomId } : {}),
  });
}
