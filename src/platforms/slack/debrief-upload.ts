// The debrief invitation in Slack: one message in the person's DM carrying the invitation as its text and
// the calendar file (.ics) attached (files.getUploadURLExternal + files.completeUploadExternal, through
// the Web API's uploadV2). One upload is one message: nothing half-sent to retry. A row in doubt after a
// crash is first looked up in the DM by its file's name (one invitation per person per incident).
import type { OutboxRow, SendResult } from '../../app/ports.js';
import type { Incident } from '../../domain/incident.js';
import type { Playbook } from '../../domain/playbook.js';
import { debriefIcs, debriefInviteView } from '../../views/debrief.js';
import type { SlackClient } from './context.js';
import { mrkdwnOf } from './render/text.js';
import { classifySlackError } from './slack-errors.js';

/** The invitation as the upload's comment: the DRILL note, its lines, and what the file is. */
function inviteText(incident: Incident, pb: Playbook, data: Record<string, unknown>): string {
  const v = debriefInviteView(incident, pb, data);
  return [
    ...(v.drill ? [':test_tube: *DRILL*: this is an exercise, not a real incident.'] : []),
    ...v.lines.map(mrkdwnOf),
    ':calendar: The attached calendar file adds the debrief to your calendar.',
  ]
    .join('\n')
    .slice(0, 3900);
}

/** A message in the DM already carrying this file (posted by an attempt that died before it was recorded). */
async function findUploaded(client: SlackClient, dm: string, name: string, row: OutboxRow) {
  const oldest = (Date.parse(row.createdAt) / 1000 - 60).toFixed(6);
  const r = await client.conversations.history({ channel: dm, oldest, limit: 200 });
  return (r.messages ?? []).find((m) =>
    ((m as { files?: { name?: string }[] }).files ?? []).some((f) => f.name === name),
  );
}

export async function sendDebriefInvite(
  client: SlackClient,
  row: OutboxRow,
  incident: Incident,
  pb: Playbook,
): Promise<SendResult> {
  if (row.body.kind !== 'post' || row.target.to !== 'user')
    return { status: 'failed', error: 'a debrief invitation goes to one person' };
  const data = row.body.data;
  const file = debriefIcs(incident, pb, data);
  if (!file) return { status: 'failed', error: 'no debrief is scheduled' };
  try {
    const opened = await client.conversations.open({ users: row.target.user });
    const dm = opened.channel?.id;
    if (!dm) return { status: 'failed', error: 'no DM with this person' };
    if (row.inDoubt) {
      try {
        const hit = await findUploaded(client, dm, file.name, row);
        if (hit?.ts) return { status: 'sent', result: { channel: dm, ts: hit.ts, foundAfterCrash: true } };
      } catch {
        // History not readable: upload again (at-least-once).
      }
    }
    const r = (await client.files.uploadV2({
      channel_id: dm,
      initial_comment: inviteText(incident, pb, data),
      file_uploads: [
        { content: file.content, filename: file.name, title: `${incident.key} debrief (calendar file)` },
      ],
    })) as { files?: { files?: { id?: string }[] }[] };
    const id = r.files?.[0]?.files?.[0]?.id;
    return { status: 'sent', result: { channel: dm, file: id ?? null } };
  } catch (e) {
    return classifySlackError(e);
  }
}
