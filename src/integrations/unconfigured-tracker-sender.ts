// Settles follow-ups queued for a tracker that is no longer configured (its settings were removed before the
// row was delivered): the follow-up is marked "not filed" with the reason, so the room and the list stop
// saying "the link follows here", and nothing is called.
import type { IncidentApp } from '../app/incident-app.js';
import type { OutboxRow, Sender, SendResult } from '../app/ports.js';
import type { Incident } from '../domain/incident.js';
import { reportNotFiled } from './tracker-sender.js';

export const NO_TRACKER_ANY_MORE =
  'no tracker is configured any more (its settings were removed); file it by hand';

export class UnconfiguredTrackerSender implements Sender {
  constructor(private readonly app: Pick<IncidentApp, 'runForDelivery'>) {}

  async send(row: OutboxRow, incident: Incident): Promise<SendResult> {
    const body = row.body;
    if (body.kind !== 'file_followup') return { status: 'failed', error: `not a tracker call: ${body.kind}` };
    const refused = reportNotFiled(this.app, row, incident, body.tracker, NO_TRACKER_ANY_MORE);
    if (refused) return { status: 'failed', error: refused };
    return { status: 'sent', result: { skipped: 'no tracker configured' } };
  }
}
