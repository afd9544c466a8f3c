// `export` in channel mode: the review document (Markdown), its phase timeline (SVG) and the timeline CSV
// go to the incident channel's files folder (graph/drive-files.ts), from the outbox row the export
// command queued, so each file is uploaded exactly once: an uploaded file is remembered (message_refs
// `export_file:{row id}:{name}`, its webUrl) before the next one starts, and a retry after a 429 or a 5xx
// uploads only what is missing. The room's card then links the files. Files over Graph's 4 MB simple-upload
// limit are not uploaded; the card says so. In thread mode nothing here runs (the excerpt card stays).
import type { MessageRefs, OutboxRow, SendResult } from '../../../app/ports.js';
import { type ChannelDrive, type DriveFolder, SIMPLE_UPLOAD_MAX } from './drive-files.js';
import { graphVerdict } from './errors.js';

export const GRANT_FILES =
  'Files.ReadWrite.All (application permission; the channel files folder is a SharePoint library) or Sites.Selected for the team site';

export interface ExportedLink {
  name: string;
  webUrl: string;
}

export type ExportUpload =
  | { kind: 'uploaded'; files: ExportedLink[]; tooLarge: string[] }
  | { kind: 'failed'; verdict: Exclude<SendResult, { status: 'sent' }> };

/** A rendered export file (export/export-files.ts's shape; platforms reach the renderer through app/record.ts). */
interface ExportFile {
  name: string;
  type: string;
  content: string;
}
type ExportFiles = { markdown: ExportFile; svg: ExportFile; csv?: ExportFile | undefined };

const PLATFORM = 'teams';
const refName = (row: OutboxRow, file: string) => `export_file:${row.id}:${file}`.slice(0, 200);

export async function uploadExport(
  o: { drive: ChannelDrive; refs: MessageRefs },
  row: OutboxRow,
  incidentKey: string,
  channel: { teamId: string; id: string },
  files: ExportFile[],
): Promise<ExportUpload> {
  const out: ExportedLink[] = [];
  const tooLarge: string[] = [];
  let folder: DriveFolder | null = null;
  try {
    for (const f of files) {
      const done = o.refs.getMessageRef(incidentKey, PLATFORM, refName(row, f.name));
      if (done) {
        out.push({ name: f.name, webUrl: done.ref });
        continue;
      }
      const bytes = new TextEncoder().encode(f.content);
      if (bytes.byteLength > SIMPLE_UPLOAD_MAX) {
        tooLarge.push(f.name);
        continue;
      }
      folder ??= await o.drive.filesFolder(channel.teamId, channel.id);
      const up = await o.drive.upload(folder, f.name, bytes, f.type);
      const webUrl = up.webUrl ?? folder.webUrl ?? '';
      o.refs.setMessageRef(incidentKey, PLATFORM, refName(row, f.name), folder.driveId, webUrl);
      out.push({ name: f.name, webUrl });
    }
  } catch (e) {
    return { kind: 'failed', verdict: graphVerdict(e, GRANT_FILES) };
  }
  return { kind: 'uploaded', files: out, tooLarge };
}

/**
 * The export for the room's card, in channel mode: renders the files (the same renderer as the CLI and
 * Slack), uploads them, and answers the card's extra lines (links, or why a file is missing) — or the
 * dispatcher's verdict when Graph failed. Null when the room is not the incident's own channel.
 */
export async function exportToChannel(
  o: {
    drive: ChannelDrive;
    refs: MessageRefs;
    render: () => Promise<{ ok: true; files: ExportFiles } | { ok: false; text: string }>;
  },
  row: OutboxRow,
  incidentKey: string,
  channel: { teamId: string; id: string } | null,
  roomId: string | undefined,
): Promise<string[] | Exclude<SendResult, { status: 'sent' }> | null> {
  if (!channel || channel.id !== roomId) return null;
  const rendered = await o.render();
  if (!rendered.ok) return [`The files could not be rendered: ${rendered.text}`];
  const { markdown, svg, csv } = rendered.files;
  const up = await uploadExport(o, row, incidentKey, channel, [markdown, svg, ...(csv ? [csv] : [])]);
  if (up.kind === 'failed') return up.verdict;
  return [
    ...up.files.map((f) => (f.webUrl ? `[${mdLabel(f.name)}](${f.webUrl})` : mdLabel(f.name))),
    ...up.tooLarge.map(
      (n) => `${mdLabel(n)} is over Graph's 4 MB upload limit and was not uploaded: use the CLI export.`,
    ),
  ];
}

/** A file name as link text (brackets would end the Markdown link). */
const mdLabel = (s: string) => s.replace(/[[\]()*_`\\<>]/g, '');
