// NUL in user text, on both databases. PostgreSQL's text cannot hold NUL, and a JSON column holding its
// escape (\u0000) cannot be read as jsonb (nor with json's operators): rows stored before user text was
// cleaned must not break the queries that read JSON fields (sql-db.ts drops the escape first), and user text
// now loses its control characters once, where every command passes (IncidentService.handle), so a command
// stores the same bytes on SQLite and PostgreSQL.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { HandleRequest } from '../../src/app/incident-service.js';
import type { CommandOutcome } from '../../src/app/ports.js';
import { decide } from '../../src/domain/decide.js';
import { TIMELINE_KINDS } from '../../src/domain/timeline.js';
import { SqliteAlertStore } from '../../src/storage/sqlite/alert-store.js';
import { openIncidentCounts } from '../../src/storage/sqlite/metrics-queries.js';
import { trackedIncidents } from '../../src/storage/sqlite/tracked-followups.js';
import { alertGroup } from '../helpers/alerts.js';
import { type BackendStack, backends } from '../helpers/backends.js';
import { dropPgDatabases } from '../helpers/pg.js';
import { at, criteria, declareRequest, ic } from '../helpers/scenario.js';

let s: BackendStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});
afterAll(dropPgDatabases);

const NUL = '\u0000';
const bot = { platform: 'slack' as const, id: 'incident-bot' };

/** A command stored as IncidentService stored it before it cleaned user text: how old rows hold NUL. */
function storedUncleaned(req: HandleRequest): CommandOutcome {
  const now = req.now ?? at(0);
  const r = s!.store.run({ ...req, now }, (incident, nextKey) => {
    const command = req.command.type === 'declare' ? { ...req.command, key: nextKey() } : req.command;
    return decide(incident, command, { ...s!.service.contextFor(incident, req.actor), now, inRoom: true });
  });
  if (!r.ok) throw new Error(`${req.command.type}: ${r.error.message}`);
  return r;
}

describe.each(backends)('NUL in user text on $name', (backend) => {
  it('old rows holding a \\u0000 escape break none of the queries reading JSON fields', async () => {
    s = await backend.open();
    const d = storedUncleaned(declareRequest('d', { title: `Pasted${NUL} title`, now: at(0) }));
    const key = d.ok ? d.incident.key : '';
    expect(s.db.prepare('SELECT state FROM incidents WHERE key = ?').pluck().get(key)).toContain('\\u0000');
    const detection = s.store.get(key)!.phase;
    const step = (k: string, command: HandleRequest['command'], actor = ic, n = 1) =>
      storedUncleaned({ key: k, incidentKey: key, command, actor, now: at(n) });
    step('fu', {
      type: 'add_followup',
      id: 'FU-1',
      what: `w${NUL}`,
      owner: ic.id,
      due: '2026-12-10',
      objective: 'risk',
      acceptance: 'a',
    });
    step(
      'filed',
      { type: 'followup_filed', id: 'FU-1', tracker: 'jira', issueKey: 'REL-1', url: 'https://x/1' },
      bot,
    );
    step('fwd', { type: 'advance_phase', confirmed: criteria(detection) }, ic, 2);
    step('back', { type: 'revert_phase', to: detection, reason: `mitigation${NUL} failed` }, ic, 3);
    const alerts = new SqliteAlertStore(s.db, { ledger: s.store });
    alerts.save(
      alertGroup({
        summary: `disk${NUL}full`,
        suggestion: { rule: 'r', severe: false, mode: 'prompt', notify: [] },
      }),
      at(4),
    );

    // metrics-queries: one open incident, counted by phase and class
    expect(openIncidentCounts(s.db)()).toEqual([{ phase: detection, triggerClass: 'service_outage', n: 1 }]);
    // tracked-followups: the follow-up filed in the tracker (its array element holds the escape too)
    expect(trackedIncidents(s.db).map((t) => [t.incident.key, t.active, t.incident.title])).toEqual([
      [key, true, `Pasted${NUL} title`],
    ]);
    // incident-store keyLogEntries: the back move (its payload holds the escape) kept, the forward one not
    const log = s.store.keyLogEntries(key, [...TIMELINE_KINDS], 10);
    const phases = log.recent.filter((r) => r.kind === 'phase').map((r) => JSON.parse(r.payload));
    expect(phases).toEqual([expect.objectContaining({ move: 'back', reason: `mitigation${NUL} failed` })]);
    // alert-store createdSince: the group counts (a prompt, not severe)
    expect(alerts.createdSince(at(-1))).toBe(1);
    // outbox-store hasLaterView: the room lane holds the phase post with the escape, and later summaries
    const rows = s.outbox.pending();
    const summaries = rows.filter((r) => r.body.kind === 'view' && r.body.view === 'summary');
    expect(summaries.length).toBeGreaterThan(1);
    expect(rows.some((r) => JSON.stringify(r.body).includes('\\u0000'))).toBe(true);
    expect(summaries.map((r) => s!.outbox.hasLaterView(r))).toEqual([
      ...summaries.map(() => true).slice(1),
      false,
    ]);
  });

  it('user text loses its control characters once, wherever it comes from: the same bytes on both', async () => {
    s = await backend.open();
    const name = `Ann${NUL}e\u0007`;
    const d = s.service.handle({
      ...declareRequest('d', { title: `Disk${NUL} full\u0001 on db-1\tnow`, now: at(0) }),
      actor: { ...ic, name },
    });
    if (!d.ok) throw new Error(d.error.message);
    const key = d.incident.key;
    const note = s.service.handle({
      key: 'n',
      incidentKey: key,
      command: { type: 'log', text: `line one${NUL}\r\nline\u001b two` },
      actor: { ...ic, name },
      now: at(1),
    });
    expect(note.ok).toBe(true);
    const state = s.db.prepare('SELECT state FROM incidents WHERE key = ?').pluck().get(key) as string;
    expect(JSON.parse(state).title).toBe('Disk full on db-1\tnow');
    expect(state).not.toMatch(/\\u00(00|01|07|1b)/);
    const entries = s.store.logEntries(key);
    const logged = entries.find((e) => e.kind === 'note');
    expect(JSON.parse(logged!.payload).text).toBe('line one\r\nline two');
    expect(entries.every((e) => !/\\u00(00|01|07|1b)/.test(e.payload + e.actor))).toBe(true);
    expect(JSON.parse(logged!.actor).name).toBe('Anne');
    // the same command again is the same command (its key): a replay, nothing stored twice
    const again = s.service.handle({
      key: 'n',
      incidentKey: key,
      command: { type: 'log', text: `line one${NUL}\r\nline\u001b two` },
      actor: ic,
      now: at(2),
    });
    expect(again.ok && again.replay).toBe(true);
  });
});
