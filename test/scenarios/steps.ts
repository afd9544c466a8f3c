/**
 * A platform-neutral incident scenario: one list of steps as data, a `Driver` each front end implements
 * (slack-driver.ts, teams-driver.ts), and the database assertions every platform must satisfy
 * (`assertScenarioOutcome`); parity.test.ts runs more steps on both and compares their decision logs.
 */
import { expect } from 'vitest';
import type { IncidentStore } from '../../src/storage/sqlite/incident-store.js';

/** People in the scenario, by part; each driver maps them to platform users. */
export type ScenarioUser = 'ic' | 'comms';

export interface DeclareInput {
  title: string;
  triggerClass: string;
  impact: string;
  severeImpact: boolean;
  drill: boolean;
}

export interface LoggedMessage {
  text: string;
  author: ScenarioUser;
  /** ISO UTC: when the message was written (the log entry must carry this time). */
  writtenAt: string;
}

export interface Driver {
  /** Declares through the platform's form, as `by`; returns the incident key. */
  declare(form: DeclareInput, by: ScenarioUser): Promise<string>;
  claim(role: string, user: ScenarioUser): Promise<void>;
  alert(fields: Record<string, string>, by: ScenarioUser): Promise<void>;
  update(fields: Record<string, string>, by: ScenarioUser): Promise<void>;
  /** Ticks a golden-hour checklist item by hand on the room's checklist message / card, as `by`. */
  tickItem(item: string, by: ScenarioUser): Promise<void>;
  /** Moves to the next phase, confirming these exit criteria (the commander acts). */
  advancePhase(confirmed: string[]): Promise<void>;
  /** Adds a message written in the incident room to the log (Slack shortcut / Teams message action). */
  logMessage(msg: LoggedMessage): Promise<void>;
  close(confirmed: string[], fields: Record<string, string>): Promise<void>;
  /**
   * Types an incident command in the incident room (`/incident <words>`, `@bot incident <words>`); the
   * placeholder `{person}` in `words` @mentions that person. Returns the answer as plain text.
   */
  say(words: string, by: ScenarioUser, person?: ScenarioUser): Promise<string>;
  /** Submits the phase form: a move (`forward:closure`, `back:mitigation`), confirmed criteria, a reason. */
  movePhase(move: string, confirmed: string[], reason: string): Promise<void>;
  /** Files a follow-up through its form. */
  followup(f: FollowupInput, by: ScenarioUser): Promise<void>;
  /** Records the post-incident review through its form. */
  review(r: ReviewInput, by: ScenarioUser): Promise<void>;
  /** Waits until the outbox is delivered. */
  settle(): Promise<void>;
  /**
   * Presses every form button on the room's live summary, as `by`, and reads the form each opens: form
   * name -> its inputs (`check:<value>` for each box of a list of checks), in order.
   */
  summaryForms(by: ScenarioUser): Promise<Record<string, string[]>>;
}

export interface FollowupInput {
  what: string;
  owner: ScenarioUser;
  due: string;
  objective: 'risk' | 'compliance' | 'resilience';
  /** Its acceptance criteria (required). */
  acceptance: string;
}

export interface ReviewInput {
  summary: string;
  whys: string[];
  resilienceFactors: string;
  correctiveActions: string;
  verificationPlan: string;
  lessons: string;
  /** The playbook's review questions. */
  readiness: string;
  runbookLibrary: string;
}

export type Step =
  | { kind: 'declare'; by: ScenarioUser; form: DeclareInput }
  | { kind: 'claim'; role: string; user: ScenarioUser }
  | { kind: 'alert'; by: ScenarioUser; fields: Record<string, string> }
  | { kind: 'update'; by: ScenarioUser; fields: Record<string, string> }
  | { kind: 'tick'; item: string; by: ScenarioUser }
  | { kind: 'phase'; confirmed: string[] }
  | { kind: 'log'; message: LoggedMessage }
  | { kind: 'close'; confirmed: string[]; fields: Record<string, string> };

export const LOGGED_AT = '2026-01-05T08:00:00.000Z';

/** The checklist item the scenario ticks by hand (owned by the commander; not ticked by an event). */
export const TICKED_ITEM = 'stabilize.switch_off';

export const STEPS: readonly Step[] = [
  {
    kind: 'declare',
    by: 'ic',
    form: {
      title: 'Ingest pipeline hard down',
      triggerClass: 'service_outage',
      impact: 'No market data for any desk',
      severeImpact: false,
      drill: false,
    },
  },
  // the declarer is the commander already: the step is a no-op (no Claim button / refused)
  { kind: 'claim', role: 'commander', user: 'ic' },
  { kind: 'claim', role: 'comms_lead', user: 'comms' },
  {
    kind: 'alert',
    by: 'comms',
    fields: {
      system: 'Ingest pipeline',
      summary: 'Kafka ingest is down. Market data is stale.',
      start_time: '2026-01-05 07:55 UTC',
      impact: 'Prices stale for all desks',
      actions: 'Failing over to the secondary cluster',
      next_update: '08:30 UTC in the incident thread',
      commander: 'The incident commander',
    },
  },
  {
    kind: 'update',
    by: 'comms',
    fields: {
      status: 'investigating',
      developments: 'Secondary cluster is catching up',
      risks: 'Lag may grow',
      help: 'None',
      next_update: '2026-01-05 09:00 UTC',
    },
  },
  { kind: 'tick', item: TICKED_ITEM, by: 'ic' },
  { kind: 'phase', confirmed: ['alert_validated', 'false_positives_ruled_out'] },
  { kind: 'phase', confirmed: ['damage_contained', 'containment_measures'] },
  {
    kind: 'log',
    message: { text: 'Restarted broker-3, lag is dropping', author: 'comms', writtenAt: LOGGED_AT },
  },
  {
    kind: 'close',
    // closing from mitigation: its exit criteria are confirmed with closure's
    confirmed: [
      'runbooks_executed',
      'service_restored',
      'telemetry_stable',
      'evidence_documented',
      'impact_ceased',
      'monitoring_stable',
      'stakeholders_informed',
    ],
    fields: {
      resolved_at: '2026-01-05 10:00 UTC',
      impact_summary: 'Stale prices for two hours',
      followups: 'Broker alerting ticket in the reliability backlog',
      review: 'Wednesday, facilitated by the incident commander',
    },
  },
];

/** Runs every step through the driver; returns the incident key. */
export async function runScenario(driver: Driver, steps: readonly Step[] = STEPS): Promise<string> {
  let key = '';
  for (const s of steps) {
    switch (s.kind) {
      case 'declare':
        key = await driver.declare(s.form, s.by);
        break;
      case 'claim':
        await driver.claim(s.role, s.user);
        break;
      case 'alert':
        await driver.alert(s.fields, s.by);
        break;
      case 'update':
        await driver.update(s.fields, s.by);
        break;
      case 'tick':
        await driver.tickItem(s.item, s.by);
        break;
      case 'phase':
        await driver.advancePhase(s.confirmed);
        break;
      case 'log':
        await driver.logMessage(s.message);
        break;
      case 'close':
        await driver.close(s.confirmed, s.fields);
        break;
    }
    await driver.settle();
  }
  return key;
}

/** What the database must say after STEPS, whatever the platform. `users` maps parts to actor ids. */
export function assertScenarioOutcome(
  store: IncidentStore,
  key: string,
  users: Record<ScenarioUser, string>,
): void {
  const i = store.get(key);
  expect(i).not.toBeNull();
  if (!i) return;
  expect(i.title).toBe('Ingest pipeline hard down');
  expect(i.triggerClass).toBe('service_outage');
  expect(i.drill).toBe(false);
  // phases: through mitigation, closed (closure passed through), now awaiting the review
  expect(i.phases.map((p) => p.phase)).toEqual([
    'detection',
    'containment',
    'mitigation',
    'closure',
    'review',
  ]);
  expect(i.phase).toBe('review');
  expect(i.closedAt).not.toBeNull();
  expect(i.reviewDueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  // roles
  expect(i.roles.commander).toEqual([users.ic]);
  expect(i.roles.comms_lead).toEqual([users.comms]);
  // communications, in order, with the cleaned fields
  expect(i.communications.map((c) => c.template)).toEqual([
    'initial_alert',
    'status_update',
    'closure_notice',
  ]);
  expect(i.communications[0]?.by).toBe(users.comms);
  expect(i.communications[1]?.fields.status).toBe('investigating');
  expect(i.initialAlertAt).not.toBeNull();
  expect(i.checklist['communicate.initial_alert']?.state).toBe('done');
  expect(i.checklist['communicate.channel']?.state).toBe('done');
  // ticked by hand, by the commander
  expect(i.checklist[TICKED_ITEM]).toMatchObject({ state: 'done', by: users.ic });
  expect(i.room).not.toBeNull();
  // the decision log
  const log = store.logEntries(key);
  const kinds = log.map((e) => e.kind);
  for (const k of ['declared', 'role', 'room', 'communication', 'phase', 'note', 'closed', 'message_sent']) {
    expect(kinds, `log has a ${k} entry`).toContain(k);
  }
  expect(kinds.filter((k) => k === 'communication')).toHaveLength(3);
  expect(kinds.filter((k) => k === 'phase')).toHaveLength(4); // two advances, mitigation -> closure and closure -> review by the close
  const ticked = log.filter((e) => e.kind === 'checklist' && JSON.parse(e.payload).item === TICKED_ITEM);
  expect(ticked.map((e) => [JSON.parse(e.payload).state, JSON.parse(e.actor).id])).toEqual([
    ['done', users.ic],
  ]);
  const note = log.find((e) => e.kind === 'note');
  expect(note?.at).toBe(LOGGED_AT);
  expect(JSON.parse(note?.payload ?? '{}').text).toBe('Restarted broker-3, lag is dropping');
  expect(i.loggedMessages).toHaveLength(1);
  // nothing owed is stuck
  const failed = log.filter((e) => e.kind === 'message_sent' && JSON.parse(e.payload).failed);
  expect(failed).toEqual([]);
}
