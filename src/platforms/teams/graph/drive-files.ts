// A channel's files folder (its SharePoint document library folder) through Graph v1.0:
// GET /teams/{team-id}/channels/{channel-id}/filesFolder -> driveItem (parentReference.driveId, id), then
// PUT /drives/{drive-id}/items/{folder-id}:/{filename}:/content — the simple upload, for files up to 4 MB
// (larger ones need an upload session, which the export never needs: callers cap at SIMPLE_UPLOAD_MAX).
// A PUT to the same name replaces the file, so an upload retried after a lost answer is harmless.
import type { GraphClient } from './client.js';

/** Graph's limit for the simple upload (PUT …/content). */
export const SIMPLE_UPLOAD_MAX = 4 * 1024 * 1024;

export interface DriveFolder {
  driveId: string;
  folderId: string;
  webUrl?: string | undefined;
}

export interface UploadedFile {
  name: string;
  id: string;
  size: number;
  webUrl?: string | undefined;
}

const seg = encodeURIComponent;

export class ChannelDrive {
  constructor(private readonly graph: GraphClient) {}

  async filesFolder(teamId: string, channelId: string): Promise<DriveFolder> {
    const j = await this.graph.call('GET', `/teams/${seg(teamId)}/channels/${seg(channelId)}/filesFolder`);
    const driveId = j?.parentReference?.driveId;
    if (typeof driveId !== 'string' || typeof j?.id !== 'string' || !driveId || !j.id)
      throw new Error('Graph answered filesFolder without parentReference.driveId and id');
    return { driveId, folderId: j.id, ...(typeof j.webUrl === 'string' ? { webUrl: j.webUrl } : {}) };
  }

  async upload(
    folder: DriveFolder,
    name: string,
    bytes: Uint8Array,
    contentType: string,
  ): Promise<UploadedFile> {
    const path = `/drives/${seg(folder.driveId)}/items/${seg(folder.folderId)}:/${seg(name)}:/content`;
    const j = await this.graph.upload(path, bytes, contentType);
    return {
      name: typeof j?.name === 'string' ? j.name : name,
      id: String(j?.id ?? ''),
      size: typeof j?.size === 'number' ? j.size : bytes.byteLength,
      ...(typeof j?.webUrl === 'string' ? { webUrl: j.webUrl } : {}),
    };
  }
}
