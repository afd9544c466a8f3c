// An alert prompt the platform will not post (a wrong channel id, a private channel the bot is not in) is
// an alert nobody sees: the dispatcher logs it at error level naming the channel, and the metrics hook
// counts it as a failed delivery (issue 21).
import { describe, expect, it } from 'vitest';
import type { AlertPromptSender } from '../../src/app/alert-ports.js';
import { asSeenNow } from '../../src/app/alert-prompt-delivery.js';
import { Dispatcher } from '../../src/app/dispatcher.js';
import type { OutboxRow, SendResult } from '../../src/app/ports.js';
import type { Incident } from '../../src/domain/incident.js';
import { SqliteAlertStore } from '../../src/storage/sqlite/alert-store.js';
import { atomically } from '../../src/storage/sqlite/open-database.js';
import { alertGroup } from '../helpers/alerts.js';
import { openStack, tempDb } from '../helpers/store.js';

describe('alert prompt delivery', () => {
  it('a prompt refused by the platform is logged at error with its channel and counted as failed', async () => {
    const s = openStack(tempDb());
    const alerts = new SqliteAlertStore(s.db);
    const g = alerts.save(alertGroup({ channel: 'C0WRONG' }), new Date());
    const refusing: AlertPromptSender = {
      send: async () => ({ status: 'failed', error: 'channel_not_found' }),
    };
    const errors: { obj: Record<string, unknown>; msg?: string }[] = [];
    const results: [OutboxRow, SendResult][] = [];
    const d = new Dispatcher({
      outbox: s.outbox,
      atomically: atomically(s.db),
      incidents: s.store,
      senders: {},
      alerts: { store: alerts, senders: { slack: refusing } },
      logger: {
        info() {},
        warn() {},
        error: (obj, msg) => errors.push({ obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) }),
      },
      onResult: (row, result) => results.push([row, result]),
    });
    expect(await d.drain(2000)).toBe(true);
    expect(errors.find((e) => e.obj.channel === 'C0WRONG')).toMatchObject({
      obj: { alert: g.id, platform: 'slack', channel: 'C0WRONG', error: 'channel_not_found' },
      msg: expect.stringContaining('ALERTS_CHANNEL'),
    });
    expect(results.map(([row, r]) => [row.body.kind, r.status])).toEqual([['alert_prompt', 'failed']]);
    s.close();
  });

  it('names an incident by its confidentiality now, whatever the decision recorded', () => {
    const at = '2026-11-30T10:00:00.000Z';
    const attached = alertGroup({ decision: { kind: 'attached', incident: 'INC-2026-0007', by: 'U1', at } });
    const now = (confidential: boolean) => () => ({ confidential }) as Incident;
    expect(asSeenNow(attached, now(true)).decision).toMatchObject({ confidential: true });
    expect(asSeenNow(attached, now(false))).toBe(attached);
    expect(asSeenNow(attached, () => null)).toBe(attached);
    const dismissed = alertGroup({ decision: { kind: 'dismissed', by: 'U1', at, reason: 'test feed' } });
    expect(asSeenNow(dismissed, now(true))).toBe(dismissed);
  });
});
