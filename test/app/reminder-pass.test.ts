// The reminder pass on a real temp-file SQLite: claims are single across passes, connections,
// crashes and restarts; node-cron only says when to look.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher, type Sender } from '../../src/app/dispatcher.js';
import type { OutboxRow } from '../../src/app/ports.js';
import { runReminderPass } from '../../src/app/reminder-pass.js';
import { remindersRun } from '../../src/cli/reminders-run.js';
import type { Incident } from '../../src/domain/incident.js';
import { startReminderScheduler } from '../../src/ops/reminder-scheduler.js';
import { atomically } from '../../src/storage/sqlite/open-database.js';
import { reminderStoreOf } from '../../src/storage/sqlite/reminder-store.js';
import { at, ic, playbook, playbookRef } from '../helpers/scenario.js';
import { openStack, type Stack } from '../helpers/store.js';
import { cleanupTempDbs, tempDbPath } from '../support/temp-db.js';

const stacks: Stack[] = [];
function open(file: string, clock?: () => Date): Stack {
  const s = openStack(file, {}, clock);
  stacks.push(s);
  return s;
}
afterEach(() => {
  vi.useRealTimers();
  for (const s of stacks.splice(0)) if (s.db.open) s.close();
  cleanupTempDbs();
});

function declare(s: Stack, key = 'slack:T1:trigger-1', drill = false): Incident {
  const o = s.service.handle({
    key,
    incidentKey: null,
    command: {
      type: 'declare',
      key: '',
      title: `Ingest down ${key}`,
      triggerClass: 'service_outage',
      impact: 'No data',
      severeImpact: false,
      drill,
    },
    actor: ic,
    now: at(0),
  });
  if (!o.ok) throw new Error(o.error.message);
  return o.incident;
}

const count = (s: Stack, sql: string, ...args: unknown[]) =>
  (s.db.prepare(sql).get(...args) as { n: number }).n;
const reminderOutbox = (s: Stack) => count(s, "SELECT COUNT(*) AS n FROM outbox WHERE key LIKE 'reminder:%'");
const claims = (s: Stack) => count(s, 'SELECT COUNT(*) AS n FROM reminders');
const nudgeLogs = (s: Stack) => count(s, "SELECT COUNT(*) AS n FROM decision_log WHERE kind = 'nudge'");

function recordingSender(): Sender & { rows: OutboxRow[] } {
  const rows: OutboxRow[] = [];
  return {
    rows,
    async send(row) {
      rows.push(row);
      return { status: 'sent', result: { ts: String(rows.length) } };
    },
  };
}

describe('runReminderPass', () => {
  it('claims once when run twice at the same instant; each claim has its outbox row and a nudge log entry', () => {
    const s = open(tempDbPath());
    const inc = declare(s);
    const first = runReminderPass({ reminders: reminderStoreOf(s.store), service: s.service, now: at(30) });
    expect(first.claimed).toBeGreaterThan(0);
    expect(first.claimed).toBe(first.due);
    expect(first.reminders.map((r) => r.kind).sort()).toEqual([
      'initial-alert-overdue',
      'roles-unfilled',
      'status-update',
    ]);
    const second = runReminderPass({ reminders: reminderStoreOf(s.store), service: s.service, now: at(30) });
    expect(second).toMatchObject({ due: 0, claimed: 0, reminders: [] });
    expect(claims(s)).toBe(first.claimed);
    expect(reminderOutbox(s)).toBe(first.claimed);
    expect(nudgeLogs(s)).toBe(first.claimed);

    const row = s.db
      .prepare(
        "SELECT * FROM outbox WHERE key = 'reminder:status-update:' || ? || ':2026-11-26T10:30:00.000Z'",
      )
      .get(inc.key) as { lane: string; target: string; body: string; platform: string };
    expect(row.lane).toBe(`slack:${inc.key}:room`);
    expect(JSON.parse(row.target)).toEqual({ to: 'room' });
    const body = JSON.parse(row.body);
    expect(body).toMatchObject({
      kind: 'post',
      template: 'nudge',
      data: { kind: 'status-update', incidentKey: inc.key, lateBy: 0 },
    });
    const escalation = s.outbox.pending().find((r) => r.key.startsWith('reminder:initial-alert-overdue'));
    expect(escalation?.lane).toBe(`slack:${inc.key}:room`);
    // The decision log chain stays intact: the nudge entries extend it.
    const log = s.store.logEntries(inc.key);
    for (let k = 1; k < log.length; k++) expect(log[k]!.prev_hash).toBe(log[k - 1]!.hash);
  });

  it('a dry run reports what is owed and claims nothing', () => {
    const s = open(tempDbPath());
    declare(s);
    const dry = runReminderPass({
      reminders: reminderStoreOf(s.store),
      service: s.service,
      now: at(30),
      dryRun: true,
    });
    expect(dry.due).toBe(3);
    expect(dry.claimed).toBe(0);
    expect(claims(s) + reminderOutbox(s) + nudgeLogs(s)).toBe(0);
  });

  it('two passes on two connections to the same file, interleaved, claim each reminder once', () => {
    const file = tempDbPath();
    const a = open(file);
    declare(a);
    declare(a, 'slack:T1:trigger-2', true);
    const b = open(file);
    let calls = 0;
    let inner: ReturnType<typeof runReminderPass> | null = null;
    const outer = runReminderPass({
      reminders: reminderStoreOf(a.store),
      service: a.service,
      now: at(30),
      beforeClaim: () => {
        // After A has computed what is owed and claimed its first reminder, B runs a whole pass.
        if (++calls === 2)
          inner = runReminderPass({ reminders: reminderStoreOf(b.store), service: b.service, now: at(30) });
      },
    });
    expect(inner).not.toBeNull();
    const innerResult = inner as unknown as ReturnType<typeof runReminderPass>;
    expect(outer.due).toBe(6);
    expect(outer.claimed).toBe(1);
    expect(innerResult.claimed).toBe(5);
    expect(outer.claimed + innerResult.claimed).toBe(outer.due);
    expect(claims(a)).toBe(6);
    expect(reminderOutbox(b)).toBe(6);
    expect(nudgeLogs(a)).toBe(6);
    const keys = [...outer.reminders, ...innerResult.reminders].map((r) => r.key);
    expect(new Set(keys).size).toBe(6);
    // Drill incidents are nudged too, marked drill.
    expect([...outer.reminders, ...innerResult.reminders].filter((r) => r.data.drill === true)).toHaveLength(
      3,
    );
  });

  it('a pass interrupted after claiming but before sending is delivered by the next dispatcher run', async () => {
    const file = tempDbPath();
    const s1 = open(file);
    const inc = declare(s1);
    s1.service.handle({
      key: 'room',
      incidentKey: inc.key,
      command: { type: 'room_created', platform: 'slack', roomId: 'C1', name: 'inc' },
      actor: ic,
      now: at(1),
    });
    const claimed = runReminderPass({
      reminders: reminderStoreOf(s1.store),
      service: s1.service,
      now: at(30),
    });
    s1.close(); // the process dies here: nothing was sent

    const s2 = open(file);
    expect(
      runReminderPass({ reminders: reminderStoreOf(s2.store), service: s2.service, now: at(31) }).claimed,
    ).toBe(0);
    const pendingReminders = s2.outbox.pending().filter((r) => r.key.startsWith('reminder:'));
    expect(pendingReminders).toHaveLength(claimed.claimed);
    const sender = recordingSender();
    const d = new Dispatcher({
      outbox: s2.outbox,
      atomically: atomically(s2.outbox.db),
      incidents: s2.store,
      senders: { slack: sender },
      now: () => at(31),
    });
    expect(await d.drain(5000)).toBe(true);
    const sent = sender.rows.filter((r) => r.key.startsWith('reminder:'));
    expect(sent.map((r) => r.key).sort()).toEqual(claimed.reminders.map((r) => `reminder:${r.key}`).sort());
    // Delivered once; a later pass owes nothing more at that instant.
    expect(
      runReminderPass({ reminders: reminderStoreOf(s2.store), service: s2.service, now: at(31) }).claimed,
    ).toBe(0);
    expect(s2.outbox.pending()).toEqual([]);
  });

  it('a restart spanning a due time sends one catch-up, with how late it is', () => {
    const file = tempDbPath();
    const s1 = open(file);
    const inc = declare(s1);
    s1.service.handle({
      key: 'k-alert',
      incidentKey: inc.key,
      command: {
        type: 'send_initial_alert',
        fields: {
          system: 'x',
          summary: 'y',
          start_time: 'z',
          impact: 'i',
          actions: 'a',
          next_update: 'n',
          commander: 'U_IC',
        },
      },
      actor: ic,
      now: at(2),
    });
    for (const role of ['technical_lead', 'comms_lead', 'scribe'])
      s1.service.handle({
        key: `k-${role}`,
        incidentKey: inc.key,
        command: { type: 'assign_role', role, user: 'U_BOB' },
        actor: ic,
        now: at(3),
      });
    expect(
      runReminderPass({ reminders: reminderStoreOf(s1.store), service: s1.service, now: at(5) }).claimed,
    ).toBe(0);
    s1.close(); // down from 10:05 ...

    const s2 = open(file); // ... to 10:37 (the initial alert at 10:02 started the update clock: due 10:32)
    const r = runReminderPass({ reminders: reminderStoreOf(s2.store), service: s2.service, now: at(37) });
    expect(r.reminders.map((x) => [x.kind, x.dueAt, x.lateBy])).toEqual([
      ['status-update', at(32).toISOString(), 5],
    ]);
    expect(
      runReminderPass({ reminders: reminderStoreOf(s2.store), service: s2.service, now: at(38) }).claimed,
    ).toBe(0);

    // A longer outage: down from 10:38 to 13:38 -> still one status reminder, the latest instant.
    const later = runReminderPass({
      reminders: reminderStoreOf(s2.store),
      service: s2.service,
      now: at(218),
    });
    const status = later.reminders.filter((x) => x.kind.startsWith('status'));
    expect(status.map((x) => [x.kind, x.dueAt, x.lateBy])).toEqual([
      ['status-update', at(212).toISOString(), 6],
    ]);
    expect(status[0]?.data.overdueMinutes).toBe(186);
  });

  it('a re-classification that moves the status clock back owes the update without a "late" note', () => {
    const s = open(tempDbPath());
    const inc = declare(s);
    const before = runReminderPass({
      reminders: reminderStoreOf(s.store),
      service: s.service,
      now: at(20),
    }).reminders;
    expect(before.filter((x) => x.kind.startsWith('status'))).toEqual([]);
    // 10:22: severe impact -> the 15-minute clock says an update was due at 10:15.
    const o = s.service.handle({
      key: 'k-reclassify',
      incidentKey: inc.key,
      command: { type: 'reclassify', severeImpact: true, reason: 'customers affected' },
      actor: ic,
      now: at(22),
    });
    expect(o.ok).toBe(true);
    const r = runReminderPass({ reminders: reminderStoreOf(s.store), service: s.service, now: at(22) });
    const status = r.reminders.filter((x) => x.kind.startsWith('status'));
    expect(status.map((x) => [x.kind, x.dueAt, x.owedAt, x.lateBy])).toEqual([
      ['status-update', at(15).toISOString(), at(22).toISOString(), 0],
    ]);
    const body = JSON.parse(
      (
        s.db.prepare("SELECT body FROM outbox WHERE key LIKE 'reminder:status-update:%'").get() as {
          body: string;
        }
      ).body,
    );
    expect(body.data).toMatchObject({ lateBy: 0, data: { lateBy: 0 } });
  });

  it('a finished incident is looked at once after its last change, then parked until something can fall due', () => {
    const s = open(tempDbPath());
    const inc = declare(s);
    // A finished incident (done, no open follow-ups) is looked at once, then no more.
    const done = {
      ...inc,
      key: 'INC-2026-0999',
      phase: 'done',
      closedAt: at(1).toISOString(),
      reviewedAt: at(2).toISOString(),
    };
    s.db
      .prepare(
        `INSERT INTO incidents (key, version, platform, phase, trigger_class, drill, declared_at, closed_at, room_id, playbook_sha, state, updated_at)
         VALUES (?, 1, 'slack', 'done', 'service_outage', 0, ?, ?, NULL, ?, ?, ?)`,
      )
      .run(
        done.key,
        done.declaredAt,
        done.closedAt,
        done.playbook.sha256,
        JSON.stringify(done),
        done.declaredAt,
      );
    expect(
      runReminderPass({ reminders: reminderStoreOf(s.store), service: s.service, now: at(30) }).candidates,
    ).toBe(2);
    // next pass: neither is due (the open incident's next check is later, the finished one is parked)
    expect(
      runReminderPass({ reminders: reminderStoreOf(s.store), service: s.service, now: at(31) }).candidates,
    ).toBe(0);
    const parked = s.db.prepare('SELECT next_check_at FROM incidents WHERE key = ?').get(done.key) as {
      next_check_at: string;
    };
    expect(parked.next_check_at).toBe('9999-12-31T00:00:00.000Z');
    // ... until it changes (the store resets next_check_at on every save): here, an open follow-up.
    const withFollowup = {
      ...done,
      followups: [
        {
          id: 'F1',
          what: 'w',
          owner: 'U_BOB',
          due: '2026-12-01',
          objective: 'risk',
          state: 'open',
          createdAt: '',
          createdBy: '',
          doneAt: null,
        },
      ],
    };
    s.db
      .prepare('UPDATE incidents SET state = ?, next_check_at = NULL WHERE key = ?')
      .run(JSON.stringify(withFollowup), done.key);
    const r = runReminderPass({
      reminders: reminderStoreOf(s.store),
      service: s.service,
      now: new Date('2026-12-01T09:00:00Z'),
      dryRun: true,
    });
    expect(r.candidates).toBe(2);
    expect(r.reminders.filter((x) => x.kind === 'followup-due').map((x) => x.incidentKey)).toEqual([
      'INC-2026-0999',
    ]);
  });
});

describe('startReminderScheduler (node-cron)', () => {
  it('runs a pass every minute, kicks the dispatcher after, and each reminder is claimed once', async () => {
    vi.useFakeTimers({ now: new Date(at(0).getTime() + 30_000) }); // 10:00:30
    const s = open(tempDbPath(), () => new Date());
    declare(s);
    const passes: Date[] = [];
    const kick = vi.fn();
    const sched = startReminderScheduler({
      cron: '* * * * *',
      timezone: 'UTC',
      name: 'test-reminders',
      run: () => {
        const now = new Date();
        passes.push(now);
        return runReminderPass({ reminders: reminderStoreOf(s.store), service: s.service, now });
      },
      kick,
    });
    await vi.advanceTimersByTimeAsync(31 * 60_000); // to 10:31:30
    await sched.stop();
    expect(passes.length).toBeGreaterThanOrEqual(30);
    expect(passes.length).toBeLessThanOrEqual(32);
    expect(passes.every((d) => d.getUTCSeconds() === 0)).toBe(true);
    expect(kick).toHaveBeenCalledTimes(passes.length);
    const keys = (
      s.db.prepare('SELECT key FROM reminders ORDER BY due_at, key').all() as { key: string }[]
    ).map((r) => r.key);
    expect(keys.map((k) => k.split(':')[0])).toEqual([
      'initial-alert',
      'roles-unfilled',
      'initial-alert-overdue',
      'status-update',
    ]);
    expect(keys.at(-1)).toBe('status-update:INC-2026-0001:2026-11-26T10:30:00.000Z');
    // Stopped: no more passes.
    const n = passes.length;
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(passes.length).toBe(n);
  });

  it('refuses an invalid cron expression and survives a failing pass', async () => {
    expect(() => startReminderScheduler({ cron: 'nope', run: () => undefined })).toThrow(/cron/);
    vi.useFakeTimers({ now: new Date('2026-11-26T10:00:30Z') });
    const errors: unknown[] = [];
    let n = 0;
    const sched = startReminderScheduler({
      run: () => {
        n++;
        throw new Error('db locked');
      },
      onError: (e) => errors.push(e),
    });
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    await sched.stop();
    expect(n).toBe(2);
    expect(errors).toHaveLength(2);
  });
});

describe('remindersRun (incident-bot reminders run)', () => {
  it('prints what it would send in a dry run, then queues it once', () => {
    const file = tempDbPath();
    const s = open(file);
    declare(s);
    s.close();
    const pb = { playbook, ref: playbookRef };
    const dry = remindersRun({ dbPath: file, at: at(30).toISOString(), dryRun: true, playbook: pb });
    expect(dry.code).toBe(0);
    expect(dry.output).toMatch(/Dry run at 2026-11-26T10:30:00.000Z: 3 reminder\(s\) would be sent/);
    expect(dry.output).toMatch(/status-update\s+INC-2026-0001 due 2026-11-26T10:30:00.000Z -> room/);
    expect(dry.output).toMatch(
      /initial-alert-overdue\s+INC-2026-0001 due 2026-11-26T10:15:00.000Z \(late by 15 min\) -> room/,
    );
    const real = remindersRun({ dbPath: file, at: at(30).toISOString(), dryRun: false, playbook: pb });
    expect(real.output).toMatch(/3 reminder\(s\) queued for delivery/);
    const again = remindersRun({ dbPath: file, at: at(30).toISOString(), dryRun: false, playbook: pb });
    expect(again.output).toMatch(/0 reminder\(s\) queued/);
    expect(remindersRun({ dbPath: file, at: 'yesterday', dryRun: true, playbook: pb }).code).toBe(2);
    expect(remindersRun({ dbPath: `${file}.missing`, dryRun: true, playbook: pb }).code).toBe(1);
  });
});
