// An incident keeps the playbook version it was declared under, across a file change and a restart.

import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncidentService } from '../../src/app/incident-service.js';
import { DEFAULT_PLAYBOOK_PATH, loadPlaybook } from '../../src/storage/playbook-file.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { openDatabase } from '../../src/storage/sqlite/open-database.js';
import { testSigner } from '../helpers/audit-key.js';
import { closureFields, criteria, declareRequest, ic, T0 } from '../helpers/scenario.js';
import { tempDb } from '../helpers/store.js';

function boot(dbFile: string, playbookFile: string) {
  const db = openDatabase(dbFile);
  const loaded = loadPlaybook(playbookFile);
  const service = new IncidentService(new IncidentStore(db, {}, testSigner), {
    playbook: loaded.playbook,
    ref: loaded.ref,
  });
  return { db, service, ref: loaded.ref };
}

describe('playbook versions', () => {
  it('an incident started under v1 finishes under v1 after the file changed to v2 and the bot restarted', () => {
    const dbFile = tempDb();
    const pbFile = path.join(path.dirname(dbFile), 'playbook.yaml');
    copyFileSync(DEFAULT_PLAYBOOK_PATH, pbFile);
    const v1 = boot(dbFile, pbFile);
    const declared = v1.service.handle(declareRequest('d1', { now: T0 }));
    if (!declared.ok) throw new Error(declared.error.message);
    const key = declared.incident.key;
    const first = v1.service.store.logEntries(key)[0]!;
    expect(JSON.parse(first.payload).playbook).toEqual(v1.ref);
    v1.db.close();

    // v2: a new "stabilisation" phase between mitigation and closure, and version 2.0.0.
    const text = readFileSync(pbFile, 'utf8')
      .replace(/^version: .*$/m, 'version: "2.0.0"')
      .replace(/(- id: mitigation[\s\S]*?next: )\[closure\]/, '$1[stabilisation]');
    const extraPhase = `  - id: stabilisation
    name: Stabilisation
    description: Watch it for a day.
    exitCriteria:
      - id: watched
        text: Watched for a day
    next: [closure]
    back: [mitigation]
    terminal: false
`;
    writeFileSync(pbFile, text.replace(/^ {2}- id: closure$/m, `${extraPhase}  - id: closure`));
    const v2 = boot(dbFile, pbFile);
    expect(v2.ref.version).toBe('2.0.0');
    expect(v2.service.current.playbook.phases.find((p) => p.id === 'mitigation')!.next).toEqual([
      'stabilisation',
    ]);
    expect(v2.ref.sha256).not.toBe(v1.ref.sha256);

    const step = (n: number, command: Parameters<typeof v2.service.handle>[0]['command']) => {
      const r = v2.service.handle({
        key: `s${n}`,
        incidentKey: key,
        command,
        actor: ic,
        now: new Date(T0.getTime() + n * 60_000),
      });
      if (!r.ok) throw new Error(r.error.message);
      return r.incident;
    };
    step(1, { type: 'advance_phase', confirmed: criteria('detection') });
    step(2, { type: 'advance_phase', confirmed: criteria('containment') });
    // Under v1, mitigation goes straight to closure; v2's stabilisation phase does not exist for this incident.
    const closed = step(3, {
      type: 'close',
      confirmed: [...criteria('mitigation'), ...criteria('closure')],
      fields: closureFields,
    });
    expect(closed.phases.map((p) => p.phase)).toEqual([
      'detection',
      'containment',
      'mitigation',
      'closure',
      'review',
    ]);
    expect(closed.playbook).toEqual(v1.ref);

    // A new incident runs under v2.
    const fresh = v2.service.handle(declareRequest('d2', { now: T0 }));
    expect(fresh.ok && fresh.incident.playbook).toEqual(v2.ref);
    v2.db.close();
  });
});
