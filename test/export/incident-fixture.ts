// A whole incident scripted through IncidentService.handle on a real SQLite file, with fixed times,
// so its exports are byte-for-byte reproducible. The playbook is the bundled one; its ref carries a
// fixed sha256 so that editing comments in the YAML does not change the expected files (the content
// still matters: phase, role and template names are rendered).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IncidentService } from '../../src/app/incident-service.js';
import type { Command } from '../../src/domain/commands.js';
import type { Actor, Incident } from '../../src/domain/incident.js';
import { loadPlaybook } from '../../src/storage/playbook-file.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { openDatabase } from '../../src/storage/sqlite/open-database.js';
import { testSigner } from '../helpers/audit-key.js';
import { inTheRoom } from '../helpers/store.js';

export const loaded = loadPlaybook();
export const playbook = loaded.playbook;
export const FIXED_REF = { version: loaded.ref.version, sha256: 'f'.repeat(64) };

export const T0 = new Date('2026-11-26T10:00:00.000Z');
export const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

export const ic: Actor = { platform: 'slack', id: 'U_IC', name: 'Irene Chen' };
export const alice: Actor = { platform: 'slack', id: 'U_ALICE', name: 'Alice' };
export const bob: Actor = { platform: 'slack', id: 'U_BOB', name: 'Bob' };
export const carol: Actor = { platform: 'slack', id: 'U_CAROL', name: 'Carol' };

const criteria = (phase: string) =>
  playbook.phases.find((p) => p.id === phase)!.exitCriteria.map((c) => c.id);

export interface ScriptedIncident {
  file: string;
  dir: string;
  key: string;
  incident: Incident;
}

/** Builds the database file and closes it (checkpointed: the file alone holds everything). */
export function scriptIncident(): ScriptedIncident {
  const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-export-'));
  const file = path.join(dir, 'bot.db');
  const db = openDatabase(file);
  const store = new IncidentStore(db, {}, testSigner);
  const service = inTheRoom(new IncidentService(store, { playbook, ref: FIXED_REF }, { clock: () => T0 }));
  let key = '';
  let n = 0;
  const run = (actor: Actor, now: Date, command: Command): string => {
    const cmdKey = `test:${++n}`;
    const r = service.handle({ key: cmdKey, incidentKey: key || null, command, actor, now });
    if (!r.ok) throw new Error(`${command.type} refused: ${r.error.message}`);
    key = r.incident.key;
    return cmdKey;
  };

  run(ic, T0, {
    type: 'declare',
    key: '',
    title: 'Kafka ingest down | prices stale',
    triggerClass: 'service_outage',
    impact: 'Market data prices are stale for all desks.\nThe risk engine runs on cached data.',
    severeImpact: true,
    drill: false,
  });
  run(ic, at(1), {
    type: 'room_created',
    platform: 'slack',
    roomId: 'C0INC1',
    name: 'inc-2026-11-26-kafka-ingest-down',
    link: 'https://example.slack.com/archives/C0INC1',
  });
  run(alice, at(2), { type: 'claim_role', role: 'technical_lead' });
  run(bob, at(3), { type: 'claim_role', role: 'comms_lead' });
  const alertKey = run(bob, at(8), {
    type: 'send_initial_alert',
    fields: {
      system: 'Ingest pipeline',
      summary: 'Kafka ingest is down. Market data is stale.',
      start_time: '2026-11-26T09:55Z',
      impact: 'Prices stale for all desks',
      actions: 'Failing over to the secondary cluster',
      next_update: '10:30 UTC in #inc-2026-11-26-kafka-ingest-down',
      commander: 'Irene Chen (U_IC)',
    },
  });
  // What the dispatcher logs when it delivers the alert.
  for (const target of ['room', 'stakeholders']) {
    store.appendSystemLog(
      key,
      [
        {
          type: 'log',
          kind: 'message_sent',
          payload: {
            outboxKey: `${alertKey}:comm:0:${target}`,
            template: 'communication',
            target: { to: target },
            attempts: 1,
          },
        },
      ],
      new Date(at(8).getTime() + 5_000),
      `${alertKey}:comm:0:${target}`,
    );
  }
  run(alice, at(12), { type: 'check_item', item: 'stabilize.freeze_deploys' });
  run(ic, at(14), {
    type: 'decision',
    text: 'Fail over to the secondary Kafka cluster',
    rationale: 'Primary cluster cannot be recovered within 30 minutes, "per" the runbook',
    source: {
      messageId: 'C0INC1:1795687980.000100',
      permalink: 'https://example.slack.com/archives/C0INC1/p1795687980000100',
      author: 'U_IC',
      writtenAt: at(13).toISOString(),
    },
  });
  run(ic, at(15), { type: 'advance_phase', to: 'containment', confirmed: criteria('detection') });
  run(bob, at(38), {
    type: 'post_status_update',
    fields: {
      status: 'investigating',
      developments: '- Secondary cluster is catching up\n- Lag is 1.2M messages',
      risks: 'Lag may grow',
      help: 'None',
      next_update: '2026-11-26T11:10Z',
    },
  });
  run(alice, at(40), {
    type: 'log',
    text: 'Consumer lag <b>peaked</b> at 2.1M messages, *not* 3M',
    source: {
      messageId: 'C0INC1:1795689000.000200',
      permalink: 'https://example.slack.com/archives/C0INC1/p1795689000000200',
      author: 'U_ALICE',
      writtenAt: at(20).toISOString(),
      files: [{ name: 'lag.png', permalink: 'https://example.slack.com/files/U_ALICE/F1/lag.png' }],
    },
  });
  run(alice, at(41), {
    type: 'evidence',
    name: 'Grafana: consumer lag dashboard',
    link: 'https://grafana.example.com/d/lag',
  });
  run(ic, at(45), { type: 'advance_phase', to: 'mitigation', confirmed: criteria('containment') });
  run(ic, at(60), { type: 'assign_role', role: 'technical_lead', user: 'U_CAROL' });
  run(ic, at(70), { type: 'revert_phase', to: 'containment', reason: 'Secondary cluster lagging again' });
  run(ic, at(80), { type: 'advance_phase', to: 'mitigation', confirmed: criteria('containment') });
  run(ic, at(110), { type: 'advance_phase', to: 'closure', confirmed: criteria('mitigation') });
  run(ic, at(120), {
    type: 'close',
    confirmed: criteria('closure'),
    fields: {
      resolved_at: '2026-11-26T12:00Z',
      impact_summary: 'Stale prices for two hours; no trades on stale prices.',
      followups: 'FU-1, FU-2 in the reliability backlog',
      review: '2026-11-30, facilitator Irene Chen',
    },
  });
  run(ic, at(125), {
    type: 'add_followup',
    id: 'FU-1',
    what: 'Alert on consumer lag above 500k',
    owner: 'U_ALICE',
    due: '2026-12-04',
    objective: 'resilience',
    acceptance: 'Lag above 500k pages the on-call within five minutes in a replayed backfill.',
  });
  run(ic, at(126), {
    type: 'add_followup',
    id: 'FU-2',
    what: 'Document the cluster failover runbook',
    owner: 'U_BOB',
    due: '2026-12-10',
    objective: 'compliance',
    acceptance: 'The runbook is in the library and a failover drill followed it end to end.',
  });
  run(ic, new Date('2026-11-30T14:00:00.000Z'), {
    type: 'record_review',
    summary: 'A broker disk filled up and the primary cluster stopped accepting writes.',
    whys: [
      'Ingest stopped because the primary Kafka cluster rejected writes.',
      'It rejected writes because a broker disk was full.',
      'The disk was full because log retention was raised for a backfill and never reverted.',
      'It was never reverted because the change had no expiry or owner.',
      'Temporary config changes have no review step in the promotion gate.',
    ],
    factors: 'No alert on broker disk usage; failover runbook out of date.',
    lessons: 'Temporary config changes need an owner and an expiry.',
    answers: {
      readiness: 'Disk alerts fire on staging; the failover drill met its 20-minute threshold.',
      runbook_library: 'The cluster failover runbook is rewritten (FU-2).',
    },
    correctiveActions:
      'Alert on broker disk usage above 80% (FU-1); rewrite the cluster failover runbook (FU-2).\nTemporary config changes get an owner and an expiry in the promotion gate.',
    verificationPlan:
      'Fill a staging broker disk to 85% and confirm the alert pages the on-call within 5 minutes; run the failover runbook in the next DR drill.',
  });
  run(alice, new Date('2026-12-01T09:00:00.000Z'), { type: 'complete_followup', id: 'FU-1' });

  const incident = store.get(key)!;
  db.close();
  return { file, dir, key, incident };
}
