// Exports are rendered in a worker thread on its own read-only connection: the same files as in the
// thread, the same refusal of a record that does not verify, and the event loop free meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import { exportFilesFor } from '../../../src/export/export-files.js';
import { RecordError } from '../../../src/export/incident-record.js';
import { exportRenderer } from '../../../src/storage/sqlite/export-renderer.js';
import { openDatabase } from '../../../src/storage/sqlite/open-database.js';
import { loadIncidentRecord } from '../../../src/storage/sqlite/record-reader.js';
import { tampered } from '../../helpers/attacker.js';
import { alertFields, declareRequest, ic, playbook, T0 } from '../../helpers/scenario.js';
import { openStack, type Stack, tempDb } from '../../helpers/store.js';

let stack: Stack | null = null;
afterEach(() => {
  stack?.close();
  stack = null;
});

const opts = { generatedAt: '2026-11-26T12:00:00.000Z', end: '2026-11-26T12:00:00.000Z' };

function incidentWithNotes(notes: number): { s: Stack; key: string } {
  const s = openStack(tempDb());
  stack = s;
  const d = s.service.handle(declareRequest('d1', { now: T0 }));
  if (!d.ok) throw new Error('declare failed');
  const key = d.incident.key;
  s.service.handle({
    key: 'a',
    incidentKey: key,
    command: { type: 'send_initial_alert', fields: alertFields },
    actor: ic,
    now: T0,
  });
  s.store.inOneTransaction(() => {
    for (let k = 0; k < notes; k++)
      s.store.appendSystemLog(key, [{ type: 'log', kind: 'note', payload: { text: `note ${k}` } }], T0);
  });
  return { s, key };
}

describe('export renderer', () => {
  it('renders in a worker exactly what the thread renders', async () => {
    const { s, key } = incidentWithNotes(20);
    const here = exportFilesFor((k, f) => loadIncidentRecord(s.db, k, f), key, opts);
    const there = await exportRenderer(s.db)(key, { opts, fallbackPlaybook: playbook });
    expect(there).toEqual(here);
    expect(there?.markdown.content).toContain('note 19');
    expect(await exportRenderer(s.db)('INC-1999-0001', { opts })).toBeNull();
  });

  it('refuses a record that does not verify, as a RecordError', async () => {
    const { s, key } = incidentWithNotes(3);
    const file = tampered(s.db.name, (db) =>
      db.prepare('UPDATE decision_log SET payload = \'{"text":"rewritten"}\' WHERE seq = 3').run(),
    );
    const copy = openDatabase(file, { migrate: false });
    try {
      const r = exportRenderer(copy)(key, { opts });
      await expect(r).rejects.toBeInstanceOf(RecordError);
      await expect(r).rejects.toThrow(/hash|chain|changed|verify/i);
    } finally {
      copy.close();
    }
  });

  it('reads the record as one snapshot while the bot commits on its own connection (no false tamper alarm)', () => {
    const { s, key } = incidentWithNotes(2);
    const worker = openDatabase(s.db.name, { readonly: true, migrate: false });
    // The worker's connection, with the bot appending to the incident just before the log is read.
    const racing = new Proxy(worker, {
      get(target, prop) {
        if (prop === 'prepare')
          return (sql: string) => {
            if (sql.startsWith('SELECT * FROM decision_log'))
              s.store.appendSystemLog(
                key,
                [{ type: 'log', kind: 'note', payload: { text: 'meanwhile' } }],
                T0,
              );
            return target.prepare(sql);
          };
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    try {
      const record = loadIncidentRecord(racing, key);
      expect(record?.entries.some((e) => JSON.stringify(e.payload).includes('note 1'))).toBe(true);
      expect(record?.entries.some((e) => JSON.stringify(e.payload).includes('meanwhile'))).toBe(false);
      expect(
        loadIncidentRecord(worker, key)?.entries.some((e) => JSON.stringify(e.payload).includes('meanwhile')),
      ).toBe(true);
    } finally {
      worker.close();
    }
  });

  it('leaves the event loop free while a 10,000-entry record is rendered', async () => {
    const { s, key } = incidentWithNotes(10_000);
    let turns = 0;
    const tick = setInterval(() => turns++, 1);
    try {
      const files = await exportRenderer(s.db)(key, { opts });
      expect(files?.markdown.content).toContain('note 9999');
    } finally {
      clearInterval(tick);
    }
    // Rendered in this thread, the whole export is one synchronous call: no timer could fire during it.
    expect(turns).toBeGreaterThan(5);
  });
});
