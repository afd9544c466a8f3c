// The review document lists the workstreams' leads at export and every change of lead, and its timeline
// says why the golden-hour item was done by the bot and why it was reopened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IncidentService } from '../../src/app/incident-service.js';
import type { Command } from '../../src/domain/commands.js';
import type { Actor } from '../../src/domain/incident.js';
import { renderMarkdown } from '../../src/export/export-markdown.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { openDatabase } from '../../src/storage/sqlite/open-database.js';
import { loadIncidentRecord } from '../../src/storage/sqlite/record-reader.js';
import { testSigner } from '../helpers/audit-key.js';
import { inTheRoom } from '../helpers/store.js';
import { at, FIXED_REF, ic, playbook, T0 } from './incident-fixture.js';

const alice: Actor = { platform: 'slack', id: 'U_ALICE', name: 'Alice' };
const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-ws-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function markdown(): string {
  const db = openDatabase(path.join(dir, 'bot.db'));
  const store = new IncidentStore(db, {}, testSigner);
  const service = inTheRoom(new IncidentService(store, { playbook, ref: FIXED_REF }, { clock: () => T0 }));
  let key = '';
  let n = 0;
  const run = (actor: Actor, now: Date, command: Command) => {
    const r = service.handle({ key: `ws:${++n}`, incidentKey: key || null, command, actor, now });
    if (!r.ok) throw new Error(`${command.type} refused: ${r.error.message}`);
    key = r.incident.key;
  };
  run(ic, T0, {
    type: 'declare',
    key: '',
    title: 'Ingest down',
    triggerClass: 'service_outage',
    impact: 'Stale prices',
    severeImpact: false,
    drill: false,
  });
  run(ic, at(1), { type: 'room_created', platform: 'slack', roomId: 'C0INC1', name: 'inc-ingest-down' });
  run(alice, at(2), { type: 'lead_workstream', workstream: 'containment', user: 'U_ALICE' });
  run(ic, at(3), { type: 'lead_workstream', workstream: 'investigation', user: 'U_BOB' });
  run(ic, at(4), { type: 'lead_workstream', workstream: 'stakeholder_comms', user: 'U_ALICE' });
  run(ic, at(5), { type: 'lead_workstream', workstream: 'compliance', user: 'U_IC' });
  run(ic, at(9), { type: 'release_workstream', workstream: 'investigation' });
  const record = loadIncidentRecord(db, key)!;
  db.close();
  return renderMarkdown(record);
}

describe('workstreams in the export', () => {
  it('lists each lead at export and every change, and the timeline says why the item was done and reopened', () => {
    const md = markdown();
    const section = md.slice(md.indexOf('## Workstream leads'), md.indexOf('## Phase timeline'));
    expect(section).toContain('| Workstream | Lead (at export) |');
    expect(section).toContain('| Containment | Alice (U\\_ALICE) |');
    expect(section).toContain('| Investigation | no lead |');
    expect(section).toContain('| Compliance | Irene Chen (U\\_IC) |');
    expect(section).toContain(
      '| 2026-11-26 10:03:00 | Investigation | assign |   | U\\_BOB | Irene Chen (U\\_IC) |',
    );
    expect(section).toContain('| 2026-11-26 10:09:00 | Investigation | release | U\\_BOB |');
    expect(md).toContain(
      'Checklist (done: every workstream has a named lead): Verify each workstream (containment, investigation, stakeholder comms, compliance) has a named lead.',
    );
    expect(md).toContain('Checklist (reopened: no lead for Investigation)');
    expect(md).toContain('U\\_BOB no longer leads Investigation (no lead)');
  });
});
