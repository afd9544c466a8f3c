// Exports are rendered in a worker thread on its own read-only connection (SQLite: the file again;
// PostgreSQL: a connection of its own): the same files as in the thread, the same refusal of a record that
// does not verify, one snapshot while the bot commits, and the event loop free meanwhile. On both databases.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { exportFilesFor } from '../../../src/export/export-files.js';
import { RecordError } from '../../../src/export/incident-record.js';
import { exportRenderer } from '../../../src/storage/sqlite/export-renderer.js';
import { loadIncidentRecord } from '../../../src/storage/sqlite/record-reader.js';
import { tamper } from '../../helpers/attacker.js';
import { anotherConnection, type BackendStack, backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { alertFields, declareRequest, ic, playbook, T0 } from '../../helpers/scenario.js';

afterAll(dropPgDatabases);

const opts = { generatedAt: '2026-11-26T12:00:00.000Z', end: '2026-11-26T12:00:00.000Z' };

describe.each(backends)('export renderer on $name', (backend) => {
  let stack: BackendStack | null = null;
  afterEach(async () => {
    await stack?.close();
    stack = null;
  });

  async function incidentWithNotes(notes: number): Promise<{ s: BackendStack; key: string }> {
    const s = await backend.open();
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

  it('renders in a worker exactly what the thread renders', async () => {
    const { s, key } = await incidentWithNotes(20);
    const here = exportFilesFor((k, f) => loadIncidentRecord(s.db, k, f), key, opts);
    const there = await exportRenderer(s.db)(key, { opts, fallbackPlaybook: playbook });
    expect(there).toEqual(here);
    expect(there?.markdown.content).toContain('note 19');
    expect(await exportRenderer(s.db)('INC-1999-0001', { opts })).toBeNull();
  });

  it('refuses a record that does not verify, as a RecordError', async () => {
    const { s, key } = await incidentWithNotes(3);
    tamper(s.db, (db) =>
      db.prepare('UPDATE decision_log SET payload = \'{"text":"rewritten"}\' WHERE seq = 3').run(),
    );
    const r = exportRenderer(s.db)(key, { opts });
    await expect(r).rejects.toBeInstanceOf(RecordError);
    await expect(r).rejects.toThrow(/hash|chain|changed|verify/i);
  });

  it('reads the record as one snapshot while the bot commits on its own connection (no false tamper alarm)', async () => {
    const { s, key } = await incidentWithNotes(2);
    const worker = await anotherConnection(s.db);
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
      await worker.close();
    }
  });

  it('leaves the event loop free while a large record is rendered', async () => {
    // 10,000 entries on SQLite; on PostgreSQL each append is a few round trips, so fewer (the worker's
    // start alone takes longer than a few timer turns).
    const notes = backend.name === 'sqlite' ? 10_000 : 1000;
    const { s, key } = await incidentWithNotes(notes);
    let turns = 0;
    const tick = setInterval(() => turns++, 1);
    try {
      const files = await exportRenderer(s.db)(key, { opts });
      expect(files?.markdown.content).toContain(`note ${notes - 1}`);
    } finally {
      clearInterval(tick);
    }
    // Rendered in this thread, the whole export is one synchronous call: no timer could fire during it.
    expect(turns).toBeGreaterThan(5);
  });
});
