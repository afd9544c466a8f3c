// Scripted drills played through the real stack: SQLite, the application layer, the dispatcher with a
// small web sender that creates rooms as the outbox asks, and the reminder pass after each forward.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/app/dispatcher.js';
import { drillClock } from '../../src/app/drill-clock.js';
import { type DrillResult, runDrill } from '../../src/app/drill-runner.js';
import { botActor, type Surface } from '../../src/app/incident-app.js';
import { IncidentService } from '../../src/app/incident-service.js';
import { LOCAL_PEOPLE, localPerson, localText } from '../../src/app/local-people.js';
import type { OutboxRow, Sender } from '../../src/app/ports.js';
import { checkDrill, type Drill } from '../../src/domain/drill.js';
import { mention } from '../../src/domain/text.js';
import { runReminderCatchUp } from '../../src/ops/start-reminders.js';
import { DEFAULT_DRILLS_DIR, DrillError, listDrills, loadDrill } from '../../src/storage/drill-file.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { atomically, openDatabase } from '../../src/storage/sqlite/open-database.js';
import { OutboxStore } from '../../src/storage/sqlite/outbox-store.js';
import { testSigner } from '../helpers/audit-key.js';
import { playbook, playbookRef } from '../helpers/scenario.js';
import { tempDb } from '../helpers/store.js';
import { incidentApp } from '../support/incident-app.js';

const PEOPLE = LOCAL_PEOPLE.map((p) => p.id);

/** The local console's stack: the drill clock drives the service, the dispatcher and the reminder pass. */
function stack() {
  const db = openDatabase(tempDb());
  const store = new IncidentStore(db, {}, testSigner);
  const outbox = new OutboxStore(db);
  const clock = drillClock();
  const service = new IncidentService(store, { playbook, ref: playbookRef }, { clock: () => clock.now() });
  const app = incidentApp({ db, service, outbox, dispatcher: { kick() {} } });
  const sent: OutboxRow[] = [];
  const sender: Sender = {
    async send(row, incident) {
      if (row.body.kind === 'create_room') {
        const created = app.runForDelivery({
          key: `${row.key}:created`,
          incidentKey: incident.key,
          command: {
            type: 'room_created',
            platform: 'web',
            roomId: `room-${incident.key}`,
            name: incident.key,
          },
          actor: botActor('web'),
        });
        if (!created.ok) return { status: 'failed', error: created.error.code };
      }
      sent.push(row);
      return { status: 'sent' };
    },
  };
  const dispatcher = new Dispatcher({
    outbox,
    atomically: atomically(db),
    incidents: store,
    senders: { web: sender },
    now: () => clock.now(),
  });
  const surface: Surface = {
    platform: 'web',
    stakeholders: { configured: false, setting: 'the console' },
    nameOf: (id) => localPerson(id)?.name,
  };
  const deps = {
    app,
    surface,
    clock,
    settle: async () => {
      expect(await dispatcher.drain(5000)).toBe(true);
    },
    afterForward: async () =>
      (await runReminderCatchUp({ store, service, dispatcher: { kick() {} }, now: clock.now() })).claimed,
  };
  return { db, store, deps, sent, close: () => db.close() };
}

const shipped = (name: string) => loadDrill(join(DEFAULT_DRILLS_DIR, `${name}.yaml`), PEOPLE);

function allOk(r: DrillResult) {
  expect(r.error).toBeUndefined();
  expect(r.steps.filter((s) => !s.ok)).toEqual([]);
  expect(r.ok).toBe(true);
}

function drill(steps: unknown[]): Drill {
  const r = checkDrill({ title: 'Test drill', steps }, PEOPLE);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.drill;
}

const declare = {
  as: 'alice',
  declare: { title: 'Ingest down', triggerClass: 'service_outage', impact: 'Stale prices', drill: true },
};

describe('the shipped drills', () => {
  it.each(['severe-outage', 'credential-leak'])('%s plays to a closed, reviewed incident', async (name) => {
    const s = stack();
    const d = shipped(name);
    const seen: number[] = [];
    const r = await runDrill(s.deps, d, { onStep: (x) => seen.push(x.n) });
    allOk(r);
    expect(seen).toEqual(d.steps.map((x) => x.n));
    const incident = s.store.get(r.incidentKey!)!;
    expect(incident.drill).toBe(true);
    expect(incident.closedAt).not.toBeNull();
    expect(incident.review).not.toBeNull();
    expect(incident.phase).toBe('done');
    const log = s.store.logEntries(incident.key);
    const clocks = log.filter((e) => e.kind === 'clock');
    expect(clocks).toHaveLength(d.steps.filter((x) => x.kind === 'forward').length);
    // the first forward passes the status-update interval: a nudge is claimed after it
    expect(log.some((e) => e.kind === 'nudge' && e.seq > clocks[0]!.seq)).toBe(true);
    expect(s.sent.some((row) => row.body.kind === 'post' && row.body.template === 'nudge')).toBe(true);
    s.close();
  });

  it('the credential leak is confidential, and the people added are members', async () => {
    const s = stack();
    const r = await runDrill(s.deps, shipped('credential-leak'));
    allOk(r);
    const incident = s.store.get(r.incidentKey!)!;
    expect(incident.confidential).toBe(true);
    expect(incident.members).toEqual(expect.arrayContaining(['alice', 'bob', 'carol', 'dave']));
    expect(incident.roles.security_lead).toEqual(['bob']);
    s.close();
  });

  it('a re-run of the same script declares a second incident', async () => {
    const s = stack();
    const d = shipped('severe-outage');
    const first = await runDrill(s.deps, d);
    const second = await runDrill(s.deps, d);
    allOk(first);
    allOk(second);
    expect(second.incidentKey).not.toBe(first.incidentKey);
    expect(s.store.get(second.incidentKey!)?.review).not.toBeNull();
    s.close();
  });
});

describe('a drill that goes wrong says which step', () => {
  it('an unknown person or form is refused before anything runs', async () => {
    const r = checkDrill({ title: 'x', steps: [declare, { as: 'eve', claim: 'scribe' }] }, PEOPLE);
    expect(r).toEqual({ ok: false, errors: [expect.stringMatching(/^step 2: unknown person "eve"/)] });
    const f = checkDrill({ title: 'x', steps: [declare, { as: 'bob', form: 'alrt' }] }, PEOPLE);
    expect(f).toEqual({ ok: false, errors: [expect.stringMatching(/^step 2: form: unknown form "alrt"/)] });

    const s = stack();
    const base = drill([declare]);
    const stranger: Drill = {
      ...base,
      steps: [...base.steps, { kind: 'claim', role: 'scribe', n: 2, as: 'eve' }],
    };
    const run = await runDrill(s.deps, stranger);
    expect(run).toMatchObject({ ok: false, incidentKey: null, steps: [] });
    expect(run.error).toMatch(/^step 2: unknown person "eve"/);
    expect(s.store.listOpen()).toEqual([]);
    s.close();
  });

  it('the script is checked: one action per step, who acts, one declaration first, a drill', () => {
    const errors = (steps: unknown[]) => {
      const r = checkDrill({ title: 'x', steps }, PEOPLE);
      return r.ok ? [] : r.errors;
    };
    expect(errors([declare, { as: 'bob', claim: 'scribe', say: 'log x' }])).toEqual([
      'step 2: one action per step; this one has claim and say',
    ]);
    expect(errors([declare, { claim: 'scribe' }])).toEqual(['step 2: say who acts: as: <person>']);
    expect(errors([declare, { as: 'bob', clam: 'scribe' }])[0]).toMatch(/^step 2: unknown key "clam"/);
    expect(errors([{ as: 'bob', claim: 'scribe' }, declare])).toEqual([
      'step 1: comes before the declaration (step 2)',
    ]);
    expect(errors([{ ...declare, declare: { ...declare.declare, drill: false } }])[0]).toMatch(
      /^step 1: declare with drill: true/,
    );
    expect(errors([declare, { forward: 0 }])).toEqual(['step 2: forward: at least 1 minute']);
    expect(errors([declare, { forward: 5 }, { pause: 1 }])).toEqual([]);
  });

  it('a step the bot refuses stops the run, named with what it tried', async () => {
    const s = stack();
    const r = await runDrill(
      s.deps,
      drill([
        declare,
        { as: 'bob', claim: 'technical_lead' },
        { as: 'bob', claim: 'chef' },
        { as: 'bob', say: 'log x' },
      ]),
    );
    expect(r.ok).toBe(false);
    expect(r.incidentKey).not.toBeNull();
    expect(r.steps.map((x) => x.ok)).toEqual([true, true, false]);
    expect(r.error).toMatch(/^step 3 \(bob claims chef\): There is no role "chef"/);
    s.close();
  });

  it('a form value the form does not have, a verb that opens a form, a typed refusal: failed steps', async () => {
    const s = stack();
    const typo = await runDrill(
      s.deps,
      drill([declare, { as: 'carol', form: 'alert', values: { sumary: 'x' } }]),
    );
    expect(typo.error).toMatch(
      /^step 2 \(carol sends the initial alert\): the alert form has no field "sumary"; its fields: system, summary/,
    );
    const verb = await runDrill(
      s.deps,
      drill([
        { ...declare, declare: { ...declare.declare, title: 'Other' } },
        { as: 'alice', say: 'alert' },
      ]),
    );
    expect(verb.error).toMatch(/^step 2 .*opens the alert form: write the step as form: alert/);
    const early = await runDrill(
      s.deps,
      drill([
        { ...declare, declare: { ...declare.declare, title: 'Third' } },
        { as: 'alice', form: 'review' },
      ]),
    );
    expect(early.error).toMatch(
      /^step 2 \(alice records the review\): The post-incident review is recorded after/,
    );
    s.close();
  });

  it('@person in said text is a mention of that local person; anything else stays text', () => {
    expect(localText('add @bob')).toBe(`add ${mention('bob')}`);
    expect(localText('mail bob@example.com or @eve')).toBe('mail bob@example.com or @eve');
    expect(localText('role tl @Bob')).toBe(`role tl ${mention('bob')}`);
  });
});

describe('drill files', () => {
  it('lists the shipped drills by name, with their titles', () => {
    const listed = listDrills(DEFAULT_DRILLS_DIR, PEOPLE);
    expect(listed.map((d) => d.name)).toEqual(['credential-leak', 'severe-outage']);
    for (const d of listed) {
      expect(d.error).toBeUndefined();
      expect(d.title).toMatch(/drill/i);
      expect(d.description).not.toBe('');
    }
  });

  it('a broken file throws a DrillError naming the file and the step; a listing shows it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'incident-bot-drills-'));
    const bad = join(dir, 'broken.yaml');
    writeFileSync(bad, 'title: Broken\nsteps:\n  - as: alice\n    claim: scribe\n');
    writeFileSync(join(dir, 'unparsable.yaml'), 'title: [oops\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a drill');
    expect(() => loadDrill(bad, PEOPLE)).toThrow(DrillError);
    try {
      loadDrill(bad, PEOPLE);
    } catch (e) {
      expect((e as DrillError).file).toBe(bad);
      expect((e as DrillError).message).toContain(bad);
      expect((e as DrillError).errors).toEqual([
        'a drill declares one incident; this one has 0 declare steps',
      ]);
    }
    const listed = listDrills(dir, PEOPLE);
    expect(listed.map((d) => d.name)).toEqual(['broken', 'unparsable']);
    expect(listed[1]!.error).toMatch(/^line \d+, column \d+/);
    expect(listDrills(join(dir, 'none'), PEOPLE)).toEqual([]);
  });
});
