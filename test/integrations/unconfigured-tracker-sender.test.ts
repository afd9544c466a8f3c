// A follow-up queued for a tracker whose settings were removed before delivery: the row is settled without a
// call, and the follow-up says "not filed" with the reason (not "the link follows here" for ever).
import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '../../src/app/ports.js';
import { BOT_ID } from '../../src/domain/text.js';
import {
  NO_TRACKER_ANY_MORE,
  UnconfiguredTrackerSender,
} from '../../src/integrations/unconfigured-tracker-sender.js';
import { declareRequest, ic, T0 } from '../helpers/scenario.js';
import { openStack, tempDb } from '../helpers/store.js';

describe('UnconfiguredTrackerSender', () => {
  it('marks the follow-up not filed, with why, once, and calls nothing', async () => {
    const s = openStack(tempDb());
    const d = s.service.handle(declareRequest('d1', { now: T0 }));
    if (!d.ok) throw new Error('declare failed');
    const key = d.incident.key;
    const added = s.service.handle({
      key: 'f1',
      incidentKey: key,
      command: {
        type: 'add_followup',
        id: 'FU-1',
        what: 'Alert on broker disk usage',
        owner: 'U_BOB',
        due: '2026-12-10',
        objective: 'resilience',
        acceptance: 'Filling a staging disk to 85% pages the on-call',
      },
      actor: ic,
      now: T0,
    });
    expect(added.ok).toBe(true);
    const sender = new UnconfiguredTrackerSender({ runForDelivery: (req) => s.service.handle(req) });
    const row: OutboxRow = {
      id: 1,
      key: 'f1:file',
      incidentKey: key,
      platform: 'tracker',
      lane: `tracker:${key}`,
      target: { to: 'service', service: 'tracker' },
      body: { kind: 'file_followup', followup: 'FU-1', tracker: 'jira' },
      createdAt: T0.toISOString(),
      attempts: 0,
      inDoubt: false,
    };
    const first = await sender.send(row, s.store.get(key)!);
    expect(first.status).toBe('sent');
    const f = s.store.get(key)!.followups.find((x) => x.id === 'FU-1')!;
    expect(f.issue).toBeUndefined();
    expect(f.filingFailed?.reason).toBe(NO_TRACKER_ANY_MORE);
    // Sent again (a crash before the row was marked sent): the same answer, one log entry.
    expect((await sender.send({ ...row, inDoubt: true }, s.store.get(key)!)).status).toBe('sent');
    const entries = s.store.logEntries(key).filter((e) => e.actor.includes(BOT_ID) && e.kind === 'followup');
    expect(entries).toHaveLength(1);
    s.close();
  });
});
