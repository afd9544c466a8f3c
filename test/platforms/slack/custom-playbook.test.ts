// A firm's own playbook (another role, one extra phase) runs through the Slack path end to end.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK_PATH } from '../../../src/storage/playbook-file.js';
import { SlackDriver } from '../../scenarios/slack-driver.js';
import { checkAllRecorded } from '../../support/blockkit-limits.js';
import { bootSlackBot, type SlackBot } from '../../support/boot-slack-bot.js';
import { tempDb } from '../../support/temp-db.js';

function customPlaybook(): string {
  const dir = path.dirname(tempDb().path);
  const file = path.join(dir, 'custom.yaml');
  let text = readFileSync(DEFAULT_PLAYBOOK_PATH, 'utf8').replace(/^version: .*$/m, 'version: "7.1.0-firm"');
  // A regulator liaison role, required for safety/regulatory incidents instead of the compliance lead.
  text = text.replace(
    /^roles:\n/m,
    `roles:
  - id: liaison
    name: Regulator liaison
    description: Keeps the regulator informed and records every contact.
    multiple: false
    conflictsWithCommander: true
`,
  );
  text = text.replace(/(- id: safety_regulatory[\s\S]*?initialOwners: )\[[^\]]*\]/, '$1[commander, liaison]');
  // A stabilisation phase between mitigation and closure.
  text = text.replace(/(- id: mitigation[\s\S]*?next: )\[closure\]/, '$1[stabilisation]');
  text = text.replace(/(- id: closure[\s\S]*?back: )\[mitigation\]/, '$1[stabilisation]');
  text = text.replace(
    /^ {2}- id: closure$/m,
    `  - id: stabilisation
    name: Stabilisation
    description: Watch the fix through one trading session.
    exitCriteria:
      - id: session_clean
        text: One full trading session without recurrence
    next: [closure]
    back: [mitigation]
    terminal: false
  - id: closure`,
  );
  writeFileSync(file, text);
  return file;
}

describe('a custom playbook through Slack', () => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await bootSlackBot({ playbookPath: customPlaybook() });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('declares with the new required role, walks the extra phase, closes; the incident records the version', async () => {
    const pb = bot.service.current.playbook;
    expect(pb.version).toBe('7.1.0-firm');
    expect(pb.phases.map((p) => p.id)).toContain('stabilisation');
    const d = new SlackDriver(bot);
    const key = await d.declare(
      {
        title: 'Fat-finger protection disabled',
        triggerClass: 'safety_regulatory',
        impact: 'Orders unchecked',
        severeImpact: true,
        drill: false,
      },
      'ic',
    );
    const room = bot.store.get(key)!.room!.id;
    const summary = bot.fake.message(room, bot.outbox.getMessageRef(key, 'slack', 'summary')!.ref)!;
    expect(JSON.stringify(summary)).toMatch(/Regulator liaison/);
    await d.claim('liaison', 'comms');
    await d.advancePhase(['alert_validated', 'false_positives_ruled_out']);
    await d.advancePhase(['damage_contained', 'containment_measures']);
    await d.advancePhase([
      'runbooks_executed',
      'service_restored',
      'telemetry_stable',
      'evidence_documented',
    ]);
    expect(bot.store.get(key)!.phase).toBe('stabilisation');
    await d.close(['session_clean', 'impact_ceased', 'monitoring_stable', 'stakeholders_informed'], {
      resolved_at: '2026-11-26 16:00 UTC',
      impact_summary: 'No orders went out unchecked',
      followups: 'none',
      review: 'Monday',
    });
    await d.settle();
    expect(d.problems).toEqual([]);
    const i = bot.store.get(key)!;
    expect(i.roles.liaison).toEqual(['U0COMMS']);
    expect(i.phases.map((p) => p.phase)).toEqual([
      'detection',
      'containment',
      'mitigation',
      'stabilisation',
      'closure',
      'review',
    ]);
    expect(i.playbook).toEqual(bot.service.current.ref);
    const declared = JSON.parse(bot.store.logEntries(key)[0]!.payload);
    expect(declared.playbook.version).toBe('7.1.0-firm');
    expect(checkAllRecorded(bot.fake)).toEqual([]);
  });
});
