// Settles follow-ups queued for a tracker that is no longer configured (its settings were removed before the
// row was delivered): the follow-up is marked "not filed" with the reason, so the room and the list stop
// saying "the link follows here", and nothing is called.
import { botActor, type IncidentApp } from '../app/incident-app.js';
import type { OutboxRow, Sender, SendResult } from '../app/ports.js';
import type { Incident } from '../domain/incident.js';

export const NO_TRACKER_ANY_MORE =
  'no tracker is configured any more (its settings were removed); file it by hand';

export class UnconfiguredTrackerSender implements Sender {
  constructor(private readonly app: Pick<IncidentApp, 'runForDelivery'>) {}

  async send(row: OutboxRow, incident: Incident): Promise<SendResult> {
    const body = row.body;
    if (body.kind !== 'file_followup') return { status: 'failed', error: `not a tracker call: ${body.kind}` };
    const outcome = this.app.runForDelivery({
      key: `${row.key}:failed`,
      incidentKey: incident.key,
      command: {
        type: 'followup_filing_failed',
        id: body.followup,
        tracker: body.tracker,
        reason: NO_TRACKER_ANY_MORE,
      },
      actor: botActor(incident.platform),
    });
    if (!outcome.ok && outcome.error.code !== 'invalid')
      return { status: 'failed', error: `followup_filing_failed refused: ${outcome.error.code}` };
    return { status: 'sent', result: { skipped: 'no tracker configured' } };
  }
}
