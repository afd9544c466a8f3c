// Two bot processes on one PostgreSQL and one fake Slack (issue 22, "Prove it"). Requests alternate between
// the replicas, some are delivered to both (a Slack retry landing on the other one), and one replica is
// killed -9 at random points while the incident runs, then started again on a new port. A request the dead
// replica does not answer is sent again to the other one, as Slack's retry would be. At the end: every
// acknowledged command is in the log once, every owed message reached Slack exactly once and in order per
// lane, every reminder was claimed and sent once, and `incident-bot audit verify` passes.
// The run is seeded: REPLICA_SEED=n replays one (kill timing is in milliseconds, so closely, not exactly);
// the seed is in every failure message. FAULTS_VERBOSE=1 prints the run's numbers.
import { randomInt } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dropPgDatabases, freshPgUrl, hasPg } from '../helpers/pg.js';
import { type FakeSlack, seededRandom } from '../support/fake-slack-api.js';
import { waitFor } from '../support/wait-for.js';
import { sleep } from './fault-helpers.js';
import { type Acked, checkCommands, checkDeliveries, checkReminders, Problems } from './replica-checks.js';
import { Cluster, type Delivered, startReplicaFake } from './replica-harness.js';
import {
  type Built,
  declareStep,
  handled,
  incidentSteps,
  type Running,
  type Step,
} from './replica-script.js';
import { auditVerifies, openShared, pendingRows, type Shared, seedOverdue } from './replica-store.js';

let cluster: Cluster | null = null;
let fake: FakeSlack | null = null;
let shared: Shared | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
  await fake?.close();
  fake = null;
  await shared?.close();
  shared = null;
});
afterAll(dropPgDatabases);

const KILLS = 3;

interface Stats {
  kills: string[];
  duplicates: number;
  retried: number;
  /** Clicks and events acknowledged by a replica killed before their work ran (sent again). */
  lost: string[];
  /** Seconds from the start at each milestone, and steps that took over a second. */
  at: Record<string, number>;
  slow: string[];
}

interface Ctx {
  c: Cluster;
  run: Running;
  rand: () => number;
  stats: Stats;
  acked: Acked[];
}

/** A form's or slash command's ack: 200 and not a refusal shown in the form. */
function ackedOk(step: Step, d: Delivered): boolean {
  if (d.res.status !== 200) return false;
  if (step.kind === 'form') return d.res.body === '' || d.res.body?.response_action === 'update';
  return true;
}

function tryBuild(step: Step, run: Running): Built | undefined {
  try {
    return step.build(run);
  } catch {
    return undefined; // a checklist tick before the checklist message reached Slack
  }
}

/**
 * At a kill step: kill -9 either the replica this step's request goes to, a random few ms after sending it
 * (before, during or after its commit: returns that delay), or either replica now, before sending.
 */
async function killAt(x: Ctx, step: Step, slot: number): Promise<number | null> {
  await x.c.settled(); // never both down at once
  if (x.rand() < 0.6) {
    const after = Math.floor(x.rand() * 40);
    x.stats.kills.push(`${x.c.slots[slot]!.label} ${after} ms into "${step.name}"`);
    return after;
  }
  const victim = x.rand() < 0.5 ? 0 : 1;
  x.stats.kills.push(`${x.c.slots[victim]!.label} before "${step.name}"`);
  await x.c.kill(victim);
  return null;
}

/** Sends one step (to `slot`, or to both replicas at once) until a replica answers; records what was acked. */
async function send(x: Ctx, step: Step, slot: number, killAfter: number | null, both: boolean) {
  const built =
    step.kind === 'button'
      ? await waitFor(() => tryBuild(step, x.run), `${step.name}: the message to click`, 15_000)
      : step.build(x.run);
  const killing = killAfter === null ? null : sleep(killAfter).then(() => x.c.kill(slot));
  const answers = await Promise.all((both ? [0, 1] : [slot]).map((s) => x.c.deliver(built.req, s)));
  await killing;
  if (both) x.stats.duplicates++;
  x.stats.retried += answers.filter((a) => a.retries > 0).length;
  for (const a of answers)
    expect(
      ackedOk(step, a),
      `${step.name} via ${a.via.label}: ${a.res.status} ${a.res.text.slice(0, 300)}`,
    ).toBe(true);
  if (step.kind === 'form' || step.kind === 'slash') {
    x.acked.push({ step: step.name, key: built.key, ...(step.marker ? { marker: step.marker } : {}) });
    return;
  }
  // A button or an event is acknowledged before its work runs (Bolt acks first): a replica killed in between
  // loses it, as the person would see; they click (share) again, on whichever replica Slack picks.
  await waitFor(() => handled(x.run, built.key) || !answers.some((a) => a.via.alive), step.name, 15_000);
  let key = built.key;
  if (!handled(x.run, key)) {
    x.stats.lost.push(step.name);
    const again = step.build(x.run);
    expect((await x.c.deliver(again.req, 1 - slot)).res.status).toBe(200);
    key = again.key;
    await waitFor(() => handled(x.run, key), `${step.name} (again)`, 15_000);
  }
  x.acked.push({ step: step.name, key, ...(step.marker ? { marker: step.marker } : {}) });
}

/** The declared incident and its channel, once the room exists. */
async function declared(db: Shared['db'], key: string): Promise<{ incident: string; room: string }> {
  const incident = await waitFor(
    () =>
      db.prepare('SELECT incident_key FROM commands WHERE key = ?').pluck().get(key) as string | undefined,
    'the declared incident',
  );
  const room = await waitFor(
    () => db.prepare('SELECT room_id FROM incidents WHERE key = ?').pluck().get(incident) as string | null,
    'the incident channel',
    15_000,
  );
  return { incident, room };
}

describe.runIf(hasPg)('two replicas on one PostgreSQL, one killed -9 at random points', () => {
  it('every acknowledged command logged once, every message sent once and in order, reminders once', async () => {
    const seed = Number(process.env.REPLICA_SEED ?? randomInt(1, 2 ** 31));
    const started = Date.now();
    const stats: Stats = { kills: [], duplicates: 0, retried: 0, lost: [], at: {}, slow: [] };
    const overdue: string[] = [];
    const mark = (what: string) => {
      stats.at[what] = (Date.now() - started) / 1000;
    };
    try {
      fake = await startReplicaFake();
      const f = fake;
      const url = await freshPgUrl();
      shared = await openShared(url);
      const db = shared.db;
      // Incidents declared three hours ago owe reminders now: both replicas' passes (every 2 s) race for them.
      overdue.push(...seedOverdue(shared, 'early', 4));
      cluster = await Cluster.start({
        fake: f,
        databaseUrl: url,
        env: { OUTBOX_LEASE_SECONDS: '3', OUTBOX_PACE_MS: '0', REMINDER_CRON: '*/2 * * * * *' },
      });
      mark('replicas up');
      const x: Ctx = {
        c: cluster,
        run: { db, fake: f, incident: '', room: '' },
        rand: seededRandom(seed),
        stats,
        acked: [],
      };
      const steps = [declareStep(`Replica feed outage ${seed}`), ...incidentSteps(String(seed))];
      // One kill at a random step in each third of the run after the declaration (spaced: a restart takes
      // seconds, and the next kill waits for it).
      const third = (steps.length - 1) / KILLS;
      const kills = new Set(
        Array.from({ length: KILLS }, (_, k) => 1 + Math.floor(k * third + x.rand() * (third - 1))),
      );
      for (let n = 0; n < steps.length; n++) {
        const step = steps[n]!;
        const t0 = Date.now();
        // More overdue incidents midway: their reminders are claimed while replicas die and come back.
        if (n === Math.floor(steps.length / 2)) overdue.push(...seedOverdue(shared, 'mid', 3));
        const slot = n % 2; // alternate
        const killAfter = kills.has(n) ? await killAt(x, step, slot) : null;
        const both = !kills.has(n) && x.c.up(0) && x.c.up(1) && x.rand() < 0.3;
        await send(x, step, slot, killAfter, both);
        if (n === 0) {
          Object.assign(x.run, await declared(db, x.acked[0]!.key));
          mark('incident channel');
        }
        if (Date.now() - t0 > 1000)
          stats.slow.push(`${step.name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
      mark('steps done');

      // Everything owed delivered by whichever replicas are up (a killed one's rows taken over after the lease).
      await x.c.settled();
      await waitFor(() => pendingRows(db).length === 0, 'the outbox drained', 30_000).catch((e) => {
        throw new Error(`${e.message}: ${JSON.stringify(pendingRows(db))}`);
      });
      mark('drained');
      await x.c.stop();
      const p = new Problems();
      const commands = checkCommands(db, x.acked, p);
      const deliveries = checkDeliveries(db, f, [x.run.incident], p);
      const reminders = checkReminders(db, p);
      // Each overdue incident owed reminders: a pass that never ran (no replica leading) must fail the test.
      const reminded = new Set(
        db.prepare('SELECT DISTINCT incident_key FROM reminders').pluck().all() as string[],
      );
      p.none(
        'overdue incidents never reminded',
        overdue.filter((k) => !reminded.has(k)),
      );
      const phase = db.prepare('SELECT phase FROM incidents WHERE key = ?').pluck().get(x.run.incident);
      if (phase !== 'mitigation') p.list.push(`the incident ended in ${phase}, not mitigation`);
      const verified = await auditVerifies(url);
      if (verified.code !== 0) p.list.push(`audit verify exited ${verified.code}: ${verified.output}`);
      expect(p.list, 'invariants broken').toEqual([]);
      mark('verified');
      expect(stats.kills).toHaveLength(KILLS);
      if (process.env.FAULTS_VERBOSE)
        console.log('REPLICAS', JSON.stringify({ seed, ...stats, ...commands, ...deliveries, ...reminders }));
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      err.message = `REPLICA_SEED=${seed} (kills: ${stats.kills.join('; ')}): ${err.message}\n${cluster?.outputs() ?? ''}`;
      throw err;
    }
  }, 120_000);
});
