// The ledger as storage reads it for `audit verify`, held against an attacker with write access to the
// database, on both databases (SQLite; PostgreSQL with the append-only triggers disabled): named attacks
// (the property over any single tampering is in ledger-reader-property.test.ts). Also: PostgreSQL reads
// the log in pages without skipping a row, and one read transaction is one snapshot while the bot commits
// on another connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/storage/sql-db.js';
import { ledgerEntries } from '../../../src/storage/sqlite/ledger-reader.js';
import { rechain, resignAll, signHead, tamper, unlock } from '../../helpers/attacker.js';
import { otherSigner } from '../../helpers/audit-key.js';
import { anotherConnection, type BackendStack, backends } from '../../helpers/backends.js';
import { twoIncidents as build, undone, verifyStored } from '../../helpers/ledger.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { at, ic } from '../../helpers/scenario.js';

afterAll(dropPgDatabases);

const attacked = (db: Db, edit: (db: Db) => void) =>
  undone(db, () => {
    tamper(db, edit);
    return verifyStored(db);
  });

describe.each(backends)('the ledger read back on $name', (backend) => {
  let s: BackendStack;
  let A: string;
  let B: string;
  beforeAll(async () => {
    s = await backend.open();
    ({ A, B } = build(s));
  });
  afterAll(async () => {
    await s.close();
  });

  const broken = (edit: (db: Db) => void, problem: RegExp | string, code = 1) => {
    const r = attacked(s.db, edit);
    expect(r).toMatchObject({ ok: false, code });
    expect(r.ok ? '' : r.problem).toMatch(problem);
  };

  it('holds untouched', () => {
    const r = verifyStored(s.db);
    expect(r).toMatchObject({ ok: true, incidents: 2, checkpoints: 9 });
    expect(r.ok && r.entries).toBe(
      (s.db.prepare('SELECT count(*) AS n FROM decision_log').get() as { n: number }).n,
    );
  });

  it('an edited payload is caught by its hash', () => {
    broken(
      (db) =>
        db
          .prepare(
            "UPDATE decision_log SET payload = replace(payload, 'revoke', 'keep') WHERE kind = 'decision'",
          )
          .run(),
      /does not match its hash \(the entry was edited\)/,
    );
  });

  it('… and with both chains recomputed by the bot’s own code, by the signed checkpoint', () => {
    broken((db) => {
      db.prepare(
        "UPDATE decision_log SET payload = replace(payload, 'revoke', 'keep') WHERE kind = 'decision'",
      ).run();
      rechain(db);
    }, /checkpoint #\d+ signed global entry \d+ as [0-9a-f]{12}…, but the log has/);
  });

  it('… and re-signed with a key of their own: the wrong key', () => {
    broken(
      (db) => {
        db.prepare(
          "UPDATE decision_log SET payload = replace(payload, 'revoke', 'keep') WHERE kind = 'decision'",
        ).run();
        rechain(db);
        resignAll(db, otherSigner);
      },
      `the checkpoints are signed by key ${otherSigner.keyId}`,
      2,
    );
  });

  it('an entry appended by hand and covered by a forged checkpoint', () => {
    broken((db) => {
      db.prepare(
        `INSERT INTO decision_log (incident_key, seq, at, recorded_at, actor, kind, payload, source, command_key,
           prev_hash, hash, gseq, gprev_hash, ghash, state_hash)
         SELECT incident_key, seq + 1, at, recorded_at, actor, 'note', '{"text":"all fine"}', NULL, NULL, hash, 'x',
           gseq + 1, ghash, 'x', state_hash FROM decision_log WHERE gseq = (SELECT max(gseq) FROM decision_log)`,
      ).run();
      rechain(db);
      signHead(db, otherSigner);
    }, /checkpoint #\d+ is signed by key [0-9a-f]{16}, which is not one of the keys given/);
  });

  it("an incident's last entries deleted: missing from the global chain", () => {
    broken(
      (db) => db.prepare('DELETE FROM decision_log WHERE incident_key = ? AND seq > 2').run(A),
      /global entr(y|ies) [\d–]+ (is|are) missing \(deleted\)|log ends/,
    );
  });

  it('a column that repeats the state edited (an incident hidden from the open list)', () => {
    broken(
      (db) => db.prepare("UPDATE incidents SET closed_at = '2026-11-26T10:30:00.000Z' WHERE key = ?").run(B),
      `${B}: column closed_at says`,
    );
  });

  it('a checkpoint removed from the middle', () => {
    broken((db) => db.prepare('DELETE FROM audit_checkpoints WHERE n = 4').run(), 'checkpoint #4 is missing');
  });

  it('the last checkpoint deleted: the store refuses to write on top of a log past its checkpoint', () => {
    undone(s.db, () => {
      tamper(s.db, (db) =>
        db.prepare('DELETE FROM audit_checkpoints WHERE n = (SELECT max(n) FROM audit_checkpoints)').run(),
      );
      expect(() =>
        s.service.handle({
          key: 'x',
          incidentKey: A,
          command: { type: 'log', text: 'x' },
          actor: ic,
          now: at(30),
        }),
      ).toThrow(/last signed checkpoint covers entry/);
    });
    expect(verifyStored(s.db)).toMatchObject({ ok: true });
  });

  it('reads every row in pages, even a gseq repeated on a page boundary (its unique index dropped)', () => {
    const all = (s.db.prepare('SELECT count(*) AS n FROM decision_log').get() as { n: number }).n;
    expect([...ledgerEntries(s.db, 3)]).toEqual([...ledgerEntries(s.db)]);
    const r = undone(s.db, () => {
      unlock(s.db);
      s.db.exec('DROP INDEX decision_log_global');
      s.db
        .prepare(
          `INSERT INTO decision_log (incident_key, seq, at, recorded_at, actor, kind, payload, source, command_key,
             prev_hash, hash, gseq, gprev_hash, ghash, state_hash)
           SELECT incident_key, seq + 1000, at, recorded_at, actor, kind, payload, source, command_key,
             prev_hash, hash, gseq, gprev_hash, ghash, state_hash FROM decision_log WHERE gseq = 3`,
        )
        .run();
      return {
        rows: [...ledgerEntries(s.db, 3)].map((e) => e.gseq),
        report: verifyStored(s.db, undefined, 3),
      };
    });
    expect(r.rows).toHaveLength(all + 1);
    expect(r.rows.filter((g) => g === 3)).toHaveLength(2);
    expect(r.report.ok).toBe(false);
  });

  it('one read transaction is one snapshot while the bot commits on another connection', async () => {
    const reader = await anotherConnection(s.db);
    let appended = 0;
    const racing = new Proxy(reader, {
      get(target, prop) {
        if (prop === 'prepare')
          return (sql: string) => {
            // the bot appends (and signs) between the checkpoints' read and the entries'
            if (sql.startsWith('SELECT * FROM decision_log') && !appended++)
              s.store.appendSystemLog(
                A,
                [{ type: 'log', kind: 'note', payload: { text: 'meanwhile' } }],
                at(40),
              );
            return target.prepare(sql);
          };
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    try {
      const before = verifyStored(reader);
      expect(verifyStored(racing)).toEqual(before);
      expect(verifyStored(reader)).toMatchObject({ ok: true, entries: (before.ok ? before.entries : 0) + 1 });
    } finally {
      await reader.close();
    }
  });
});
