// The eleven template incidents every clone is copied from, run through the real IncidentService with
// the real playbook and a signed ledger, so that their states, decision logs, outbox rows, command
// records, reminder claims and checkpoints are exactly what the bot writes.
import type { IncidentService } from '../../src/app/incident-service.js';
import { runReminderPass } from '../../src/app/reminder-pass.js';
import type { Command } from '../../src/domain/commands.js';
import type { Actor } from '../../src/domain/incident.js';
import type { Playbook } from '../../src/domain/playbook.js';
import type { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import type { OutboxStore } from '../../src/storage/sqlite/outbox-store.js';
import { reminderStoreOf } from '../../src/storage/sqlite/reminder-store.js';
import { deliverAll } from './deliver.js';
import { IC, lifecycle, type Step } from './lifecycle.js';

const DAY = 86_400_000;

export type Kind = 'done' | 'awaiting' | 'open';
export interface Template {
  key: string;
  kind: Kind;
  /** Share among the finished clones (done templates only). */
  weight: number;
}

class Scripter {
  private n = 0;
  private seq = 0;
  constructor(
    private readonly service: IncidentService,
    private readonly t0: Date,
  ) {}

  /** One incident: runs `steps` (minutes after t0, actor, command) and returns its key. */
  incident(declare: Partial<Extract<Command, { type: 'declare' }>>, steps: (room: string) => Step[]): string {
    const id = ++this.n;
    const room = `C0TPL${id}`;
    let key = '';
    const run = (min: number, actor: Actor, command: Command) => {
      const r = this.service.handle({
        key: `slack:T111:tpl${id}:${++this.seq}`,
        incidentKey: key || null,
        command,
        actor,
        now: new Date(this.t0.getTime() + min * 60_000),
        ...(key ? { roomId: room } : {}),
      });
      if (!r.ok) throw new Error(`template ${id}: ${command.type} refused: ${r.error.message}`);
      key = r.incident.key;
    };
    run(0, IC, {
      type: 'declare',
      key: '',
      title: `Template incident ${id}: ingest lag on the primary cluster`,
      triggerClass: 'service_outage',
      impact: 'Market data prices are stale for all desks.\nThe risk engine runs on cached data.',
      severeImpact: false,
      drill: false,
      ...declare,
    });
    run(
      1,
      { platform: 'cli', id: 'incident-bot' },
      {
        type: 'room_created',
        platform: 'slack',
        roomId: room,
        name: `inc-template-${id}`,
        link: `https://example.slack.com/archives/${room}`,
      },
    );
    for (const [min, actor, command] of steps(room)) run(min, actor, command);
    return key;
  }
}

/**
 * Runs the templates from `t0` (declared then, worked over the next days), delivers what they owe and
 * runs a reminder pass 4 days later: finished ones are parked at next_check_at 9999-12-31, as the bot's
 * own pass leaves them.
 */
export function runTemplates(
  service: IncidentService,
  store: IncidentStore,
  outbox: OutboxStore,
  pb: Playbook,
  t0: Date,
): Template[] {
  const sc = new Scripter(service, t0);
  const templates: Template[] = [];
  const add = (kind: Kind, weight: number, key: string) => templates.push({ key, kind, weight });
  // Finished: the bulk of the history.
  add('done', 30, sc.incident({}, lifecycle(pb, 'reviewed', { updates: 4, logs: 6, followups: true })));
  add(
    'done',
    25,
    sc.incident(
      { triggerClass: 'data_integrity' },
      lifecycle(pb, 'reviewed', { updates: 1, logs: 2, followups: false }),
    ),
  );
  add(
    'done',
    10,
    sc.incident(
      { triggerClass: 'safety_regulatory', severeImpact: true },
      lifecycle(pb, 'reviewed', { updates: 8, logs: 12, followups: true }),
    ),
  );
  add(
    'done',
    5,
    sc.incident(
      { triggerClass: 'security_exposure' },
      lifecycle(pb, 'reviewed', { updates: 2, logs: 4, followups: true }),
    ),
  );
  add(
    'done',
    20,
    sc.incident({}, () => [
      [5, IC, { type: 'stand_down', reason: 'False positive: the feed was in maintenance' }],
    ]),
  );
  add(
    'done',
    10,
    sc.incident(
      { drill: true, title: 'Quarterly DR drill' },
      lifecycle(pb, 'reviewed', { updates: 1, logs: 1, followups: false }),
    ),
  );
  // Closed, review not recorded yet.
  add('awaiting', 0, sc.incident({}, lifecycle(pb, 'closed', { updates: 3, logs: 4, followups: true })));
  add(
    'awaiting',
    0,
    sc.incident(
      { triggerClass: 'data_integrity' },
      lifecycle(pb, 'closed', { updates: 1, logs: 1, followups: false }),
    ),
  );
  // Open.
  add('open', 0, sc.incident({}, lifecycle(pb, 'open', { updates: 2, logs: 3, followups: false })));
  add(
    'open',
    0,
    sc.incident(
      { triggerClass: 'security_exposure' },
      lifecycle(pb, 'open', { updates: 1, logs: 2, followups: false }),
    ),
  );
  add(
    'open',
    0,
    sc.incident({ triggerClass: 'data_integrity' }, () => []),
  );
  const tplEnd = new Date(t0.getTime() + 4 * DAY);
  deliverAll(store, outbox, tplEnd);
  runReminderPass({ reminders: reminderStoreOf(store), service, now: tplEnd });
  deliverAll(store, outbox, tplEnd);
  return templates;
}
