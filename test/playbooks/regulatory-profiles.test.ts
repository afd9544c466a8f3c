// The regulatory clock profiles the shipped playbook carries ready to enable (issue 19): each one, put in
// place of its trigger's `regulatoryClock: null` as the playbook's comment says, passes `playbook check`,
// names its source, and makes the IC's reminders fall due at its deadline, counted from activation.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { playbookCheck } from '../../src/cli/playbook-check.js';
import type { Command } from '../../src/domain/commands.js';
import { decide } from '../../src/domain/decide.js';
import { dueReminders } from '../../src/domain/reminders.js';
import { DEFAULT_PLAYBOOK_PATH, loadPlaybook } from '../../src/storage/playbook-file.js';
import { ic, T0 } from '../helpers/scenario.js';
import { tempDb } from '../support/temp-db.js';

const shipped = readFileSync(DEFAULT_PLAYBOOK_PATH, 'utf8');
const PROFILE = /^( {4})regulatoryClock: null\n {4}# (regulatoryClock: \{.*\})$/gm;

const profiles = [...shipped.matchAll(PROFILE)].map((m) => ({ at: m.index, line: m[2]! }));

describe('regulatory clock profiles in the shipped playbook', () => {
  it('ships one ready-to-enable profile per trigger class, none enabled, each naming its source', () => {
    const pb = loadPlaybook().playbook;
    expect(profiles).toHaveLength(pb.triggers.length);
    expect(pb.triggers.every((t) => !t.regulatoryClock)).toBe(true);
    for (const p of profiles) expect(p.line).toMatch(/label: "(SEC Regulation SCI|EU DORA|GDPR Art\. 33)/);
  });

  it.each(profiles.map((p, n) => [n, p] as const))(
    'profile %i, enabled, passes playbook check and runs',
    (n, p) => {
      const text = shipped.slice(0, p.at) + shipped.slice(p.at).replace(PROFILE, `$1$2`);
      const file = path.join(path.dirname(tempDb().path), `profile-${n}.yaml`);
      writeFileSync(file, text);
      const check = playbookCheck(file);
      expect(check.code, check.output).toBe(0);
      const pb = loadPlaybook(file).playbook;
      const trigger = pb.triggers.find((t) => t.regulatoryClock)!;
      expect(trigger).toBeDefined();
      const clock = trigger.regulatoryClock!;
      const declare: Command = {
        type: 'declare',
        key: 'INC-2026-0009',
        title: 'Profile check',
        triggerClass: trigger.id,
        impact: 'x',
        severeImpact: false,
        drill: false,
      };
      const d = decide(null, declare, { actor: ic, now: T0, playbook: pb });
      if (!d.ok) throw new Error(d.error.message);
      const deadline = new Date(T0.getTime() + clock.hours * 3_600_000);
      const due = dueReminders([{ incident: d.incident, playbook: pb }], new Set(), deadline).filter((r) =>
        r.kind.startsWith('regulatory'),
      );
      expect(due.map((r) => r.kind)).toContain('regulatory-clock-due');
      expect(JSON.stringify(due)).toContain(clock.label.slice(0, 20));
    },
  );
});
