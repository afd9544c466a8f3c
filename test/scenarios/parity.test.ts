// The same incident on Slack and on Teams, each through its real endpoint, must leave the same decision
// log: the same entries in the same order, by the same people, with the same payloads once platform ids
// are read as the people and rooms they are. The steps cover what the two platforms did differently before
// they shared one application layer: the phase form offered "forward to Closure" from mitigation on Slack
// only; a role given by @mention (Teams stored a placeholder id); the record's typed verbs; closing with a
// review facilitator (Teams had none); follow-up and review forms (two schemas with different owner rules);
// the alert form asked for once the alert was sent (Slack refused, Teams silently showed the update form).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { bootSlackBot, type SlackBot } from '../support/boot-slack-bot.js';
import { type BootedTeamsBot, bootTeamsBot } from '../support/boot-teams-bot.js';
import { SlackDriver, slackActorIds } from './slack-driver.js';
import { type Driver, runScenario, type ScenarioUser, STEPS } from './steps.js';
import { TeamsDriver, teamsActorIds } from './teams-driver.js';

const MITIGATION = ['runbooks_executed', 'service_restored', 'telemetry_stable', 'evidence_documented'];
const CLOSURE = ['impact_ceased', 'monitoring_stable', 'stakeholders_informed'];

/** The parity steps, after the declaration and the two claims of the shared scenario. */
async function run(d: Driver): Promise<{ key: string; answers: Record<string, string>; forms: Forms }> {
  const answers: Record<string, string> = {};
  const forms: Forms = {};
  // declare, claim IC and comms lead, send the initial alert
  const key = await runScenario(d, STEPS.slice(0, 4));
  await d.settle();
  // every button on the summary opens its form, with the same inputs on both platforms
  forms.detection = await d.summaryForms('ic');
  // the alert form asked for again: refused with the way to a status update (Teams swapped forms before)
  answers.alertAgain = await d.say('alert', 'comms');
  answers.assign = await d.say('role technical_lead {person}', 'ic', 'comms');
  answers.decision = await d.say('decision fail over to the secondary because the primary is down', 'ic');
  answers.evidence = await d.say('evidence https://grafana.example/d/ingest Ingest dashboard', 'comms');
  answers.log = await d.say('log broker-3 restarted, lag dropping', 'comms');
  answers.closeTooEarly = await d.say('close', 'comms');
  await d.settle();
  await d.advancePhase(['alert_validated', 'false_positives_ruled_out']);
  await d.advancePhase(['damage_contained', 'containment_measures']);
  await d.settle();
  forms.mitigation = await d.summaryForms('ic');
  // the divergence: the phase form offers "forward to Closure" from mitigation on every platform
  await d.movePhase('forward:closure', MITIGATION, '');
  await d.movePhase('back:mitigation', [], 'telemetry still noisy');
  await d.movePhase('forward:closure', MITIGATION, '');
  await d.settle();
  await d.close(CLOSURE, {
    resolved_at: '2026-01-05 10:00 UTC',
    impact_summary: 'Stale prices for two hours',
    followups: 'Broker alerting',
    review: 'Wednesday',
  });
  await d.settle();
  forms.review = await d.summaryForms('ic');
  await d.followup(
    {
      what: 'Alert on broker lag',
      owner: 'comms',
      due: '2026-02-01',
      objective: 'resilience',
      acceptance: 'A lagging broker pages the on-call',
    },
    'ic',
  );
  await d.review(
    {
      summary: 'Broker disk filled up',
      whys: ['Retention too long', 'No alert on disk'],
      resilienceFactors: 'Single broker',
      correctiveActions: 'Alert on broker disk usage',
      verificationPlan: 'Fill a staging disk to 85%',
      lessons: 'Alert earlier',
      readiness: 'Disk alerts fire on staging; the DR drill met policy',
      runbookLibrary: 'Failover runbook updated with the disk-full case',
    },
    'ic',
  );
  await d.settle();
  return { key, answers, forms };
}

type Forms = Record<string, Record<string, string[]>>;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** Payload fields that name a platform's own things (its room, message ids), not what happened. */
const PLATFORM_FIELDS = new Set(['platform', 'roomId', 'declaredIn', 'fallbackRoomId', 'messageId']);
/** The room entry's name and link are the platform's too (a channel name, a thread link). */
const ROOM_FIELDS = new Set([...PLATFORM_FIELDS, 'name', 'link']);

/** The decision log with platform ids read as people, platform things blanked; deliveries left out. */
function normalizedLog(store: IncidentStore, key: string, users: Record<ScenarioUser, string>) {
  const who = new Map<string, string>([
    [users.ic, 'ic'],
    [users.comms, 'comms'],
    ['incident-bot', 'bot'],
  ]);
  const scrub = (v: unknown, field = '', fields = PLATFORM_FIELDS): unknown => {
    if (fields.has(field) && v !== null && v !== undefined) return `<${field}>`;
    if (typeof v === 'string') {
      if (ISO.test(v)) return '<time>';
      let s = v.replace(/\bfu-[0-9a-f]{8}\b/g, 'fu-*');
      for (const [id, part] of who) s = s.split(id).join(part);
      return s;
    }
    if (Array.isArray(v)) return v.map((x) => scrub(x, '', fields));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x, k, fields)]));
    return v;
  };
  return store
    .logEntries(key)
    .filter((e) => e.kind !== 'message_sent' && e.kind !== 'nudge')
    .map((e) => ({
      kind: e.kind,
      actor: who.get(JSON.parse(e.actor).id) ?? JSON.parse(e.actor).id,
      payload: scrub(JSON.parse(e.payload), '', e.kind === 'room' ? ROOM_FIELDS : PLATFORM_FIELDS),
    }));
}

describe('the same incident on Slack and on Teams', () => {
  let slack: SlackBot;
  let teams: BootedTeamsBot;
  let slackLog: ReturnType<typeof normalizedLog>;
  let teamsLog: ReturnType<typeof normalizedLog>;
  let slackAnswers: Record<string, string>;
  let teamsAnswers: Record<string, string>;
  let slackForms: Forms;
  let teamsForms: Forms;

  beforeAll(async () => {
    slack = await bootSlackBot();
    teams = await bootTeamsBot();
    const s = new SlackDriver(slack);
    const onSlack = await run(s);
    expect(s.problems).toEqual([]);
    const onTeams = await run(new TeamsDriver(teams));
    slackAnswers = onSlack.answers;
    teamsAnswers = onTeams.answers;
    slackForms = onSlack.forms;
    teamsForms = onTeams.forms;
    slackLog = normalizedLog(slack.store, onSlack.key, slackActorIds());
    teamsLog = normalizedLog(teams.store, onTeams.key, teamsActorIds());
  }, 60_000);

  afterAll(async () => {
    await slack?.close();
    await teams?.close();
  });

  it('leaves the same decision log: kinds, actors and payloads, in order', () => {
    expect(slackLog.length).toBeGreaterThan(15);
    expect(teamsLog).toEqual(slackLog);
  });

  it('moved forward to Closure from mitigation through the phase form, back, and forward again', () => {
    const moves = slackLog
      .filter((e) => e.kind === 'phase')
      .map((e) => e.payload as { from: string; to: string; move: string });
    expect(moves.map((m) => `${m.from}>${m.to}:${m.move}`)).toEqual([
      'detection>containment:forward',
      'containment>mitigation:forward',
      'mitigation>closure:forward',
      'closure>mitigation:back',
      'mitigation>closure:forward',
      'closure>review:forward',
      'review>done:forward',
    ]);
  });

  it('recorded the typed decision with its rationale and the evidence with its link, on both', () => {
    expect(slackLog.find((e) => e.kind === 'decision')?.payload).toEqual({
      text: 'fail over to the secondary',
      rationale: 'the primary is down',
    });
    expect(slackLog.find((e) => e.kind === 'evidence')?.payload).toEqual({
      name: 'Ingest dashboard',
      link: 'https://grafana.example/d/ingest',
    });
  });

  it('gave the role to the person @mentioned, by their id, on both', () => {
    const role = slackLog.find(
      (e) => e.kind === 'role' && (e.payload as { role: string }).role === 'technical_lead',
    );
    expect(role).toMatchObject({ actor: 'ic', payload: { kind: 'assign', to: 'comms' } });
  });

  it('closed with the closer as review facilitator on both', () => {
    expect(slackLog.find((e) => e.kind === 'closed')).toMatchObject({
      actor: 'ic',
      payload: { facilitator: 'ic' },
    });
  });

  it('answered the typed verbs with the same words (each platform writing mentions and commands its own way)', () => {
    const plain = (s: string) =>
      s
        .replace(/<@[A-Z0-9]+>|Alice Example|Bob Example/g, '@person')
        .replace(/`\/incident /g, '`incident ')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>');
    for (const k of Object.keys(slackAnswers))
      expect(plain(teamsAnswers[k] ?? ''), k).toBe(plain(slackAnswers[k] ?? ''));
    expect(slackAnswers.closeTooEarly).toMatch(/Only the incident commander can close the incident/);
    expect(slackAnswers.alertAgain).toMatch(/already sent; use `\/incident update`/);
  });

  it('offers the same form buttons on the summary in each phase, each opening its form with the same inputs', () => {
    // no Close button before closing is possible (it could only refuse); from mitigation it closes
    expect(Object.keys(slackForms.detection ?? {}).sort()).toEqual([
      'followup',
      'phase',
      'reclassify',
      'update',
    ]);
    expect(Object.keys(slackForms.mitigation ?? {})).toContain('close');
    expect(slackForms.detection?.phase).toEqual(
      expect.arrayContaining(['move', 'check:alert_validated', 'check:false_positives_ruled_out', 'reason']),
    );
    expect(Object.keys(slackForms.review ?? {})).toContain('review');
    expect(teamsForms).toEqual(slackForms);
  });
});
