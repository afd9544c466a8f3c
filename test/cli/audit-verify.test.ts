// `audit verify` against an attacker who can write the database file (and has this code, but not the
// signing key): each attack of the issue, and a few more, must exit 1 naming what was broken; the wrong
// key exits 2; a digest kept elsewhere catches a rollback to an older (validly signed) copy.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IncidentApp } from '../../src/app/incident-app.js';
import { auditVerify } from '../../src/cli/audit-verify.js';
import { exportIncident } from '../../src/cli/export-incident.js';
import { digestOf } from '../../src/domain/audit/checkpoint.js';
import { entryHash } from '../../src/domain/audit/hash-chain.js';
import { SqliteCheckpointFeed } from '../../src/storage/sqlite/checkpoint-feed.js';
import { classifyStorageError } from '../../src/storage/sqlite/errors.js';
import { IntegrityError } from '../../src/storage/sqlite/ledger-writer.js';
import type { SqliteDb as Db } from '../../src/storage/sqlite/open-database.js';
import { release01 } from '../fixtures/databases/release-0.1.js';
import { rechain, resignAll, signHead, tampered } from '../helpers/attacker.js';
import { OTHER_PUBKEY_FILE, otherSigner, TEST_PUBKEY_FILE } from '../helpers/audit-key.js';
import { alertFields, alice, at, bob, declareRequest, ic, updateFields } from '../helpers/scenario.js';
import { openStack, type Stack, tempDb } from '../helpers/store.js';

const verify = (dbPath: string, checkpoints: string[] = [], pubkeys = [TEST_PUBKEY_FILE]) =>
  auditVerify({ dbPath, pubkeys, checkpoints });

let file: string;
let A: string;
let B: string;

/** Two incidents written in turns, so each one's entries sit in the middle of the global chain. */
function build(): void {
  file = tempDb();
  const s = openStack(file);
  const run = (key: string, incidentKey: string, command: never, actor = ic, m = 1) => {
    const r = s.service.handle({ key, incidentKey, command, actor, now: at(m) });
    if (!r.ok) throw new Error(`${key}: ${r.error.message}`);
  };
  const a = s.service.handle(declareRequest('a', { now: at(0), title: 'Ingest down' }));
  const b = s.service.handle(declareRequest('b', { now: at(1), title: 'Credential leak' }));
  if (!a.ok || !b.ok) throw new Error('declare');
  A = a.incident.key;
  B = b.incident.key;
  run('a-room', A, { type: 'room_created', platform: 'slack', roomId: 'C0A', name: 'inc-a' } as never, ic, 2);
  run('b-room', B, { type: 'room_created', platform: 'slack', roomId: 'C0B', name: 'inc-b' } as never, ic, 3);
  run('a-claim', A, { type: 'claim_role', role: 'comms_lead' } as never, alice, 4);
  run('b-claim', B, { type: 'claim_role', role: 'scribe' } as never, bob, 5);
  run('a-alert', A, { type: 'send_initial_alert', fields: alertFields } as never, alice, 6);
  run('b-log', B, { type: 'log', text: 'rotated the leaked key' } as never, bob, 7);
  run('a-update', A, { type: 'post_status_update', fields: updateFields } as never, alice, 20);
  run(
    'b-decision',
    B,
    { type: 'decision', text: 'revoke all sessions', rationale: 'scope unknown' } as never,
    ic,
    21,
  );
  s.close();
}

const rows = (f: string, sql: string, ...args: unknown[]) => {
  const s = openStack(f);
  try {
    return s.db.prepare(sql).all(...args) as Record<string, unknown>[];
  } finally {
    s.close();
  }
};

beforeAll(build);

/** An entry appended by hand after the last one (and both chains recomputed), as an attacker would. */
function appendByHand(db: Db): void {
  db.prepare(
    `INSERT INTO decision_log (incident_key, seq, at, recorded_at, actor, kind, payload, source, command_key,
       prev_hash, hash, gseq, gprev_hash, ghash, state_hash)
     SELECT incident_key, seq + 1, at, recorded_at, actor, 'note', '{"text":"all fine"}', NULL, NULL, hash, 'x',
       gseq + 1, ghash, 'x', state_hash FROM decision_log ORDER BY gseq DESC LIMIT 1`,
  ).run();
  rechain(db);
}

describe('audit verify --db: the untouched ledger', () => {
  it('holds, with the latest checkpoint and every head named', () => {
    const r = verify(file);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/^OK: \d+ entries in 2 incidents verified, with \d+ signed checkpoints/);
    expect(r.output).toContain("every incident's stored state is the one its log produced");
    expect(r.output).toMatch(/Latest checkpoint: global entry \d+ at .*: ibc1:/);
  });

  it('holds against a digest copied from the audit channel', () => {
    const latest = new SqliteCheckpointFeed(openStack(file).db).latest()!;
    const r = verify(file, [digestOf(latest)]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('is in this log, unchanged');
  });
});

describe('audit verify --db: the attacks', () => {
  const expectBroken = (f: string, ...phrases: (string | RegExp)[]) => {
    const r = verify(f);
    if (process.env.AUDIT_VERBOSE) console.log(r.output);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toMatch(/^FAILED: /);
    for (const p of phrases) expect(r.output).toMatch(p);
    return r.output;
  };

  it("deleting an incident's last entries and rewriting log_count / log_head", () => {
    const f = tampered(file, (db) => {
      const last = db.prepare('SELECT max(seq) AS n FROM decision_log WHERE incident_key = ?').get(A) as {
        n: number;
      };
      db.prepare('DELETE FROM decision_log WHERE incident_key = ? AND seq > ?').run(A, last.n - 2);
      const head = db
        .prepare('SELECT seq, hash FROM decision_log WHERE incident_key = ? ORDER BY seq DESC LIMIT 1')
        .get(A) as { seq: number; hash: string };
      db.prepare('UPDATE incidents SET log_count = ?, log_head = ? WHERE key = ?').run(
        head.seq,
        head.hash,
        A,
      );
    });
    expectBroken(f, /global entr(y|ies) [\d–]+ (is|are) missing \(deleted\)/);
  });

  it('deleting every entry of an incident and its row (a whole incident removed)', () => {
    const f = tampered(file, (db) => {
      db.prepare('DELETE FROM decision_log WHERE incident_key = ?').run(A);
      db.prepare('DELETE FROM incidents WHERE key = ?').run(A);
    });
    expectBroken(f, /missing \(deleted\)/);
    // and re-chained by the attacker: the signed heads and incident counts no longer match
    const g = tampered(file, (db) => {
      db.prepare('DELETE FROM decision_log WHERE incident_key = ?').run(A);
      db.prepare('DELETE FROM incidents WHERE key = ?').run(A);
      rechain(db);
    });
    expectBroken(g, /checkpoint #\d+ (signed global entry \d+ as|counts \d+ incidents)/);
  });

  it("editing a payload and recomputing both chains with the code's own hashes", () => {
    const f = tampered(file, (db) => {
      const r = db.prepare("SELECT id, payload FROM decision_log WHERE kind = 'decision'").get() as {
        id: number;
        payload: string;
      };
      db.prepare('UPDATE decision_log SET payload = ? WHERE id = ?').run(
        r.payload.replace('revoke all', 'keep all'),
        r.id,
      );
      rechain(db);
    });
    expectBroken(f, /checkpoint #\d+ signed global entry \d+ as [0-9a-f]{12}…, but the log has/);
  });

  it('… and re-signing every checkpoint with a key of their own', () => {
    const f = tampered(file, (db) => {
      db.prepare(
        "UPDATE decision_log SET payload = replace(payload, 'revoke', 'keep') WHERE kind = 'decision'",
      ).run();
      rechain(db);
      resignAll(db, otherSigner);
    });
    // no checkpoint is signed by the bot's key: that is the wrong key (2), and says whose it is
    const r = verify(f);
    expect(r.code).toBe(2);
    expect(r.output).toContain(`the checkpoints are signed by key ${otherSigner.keyId}`);
  });

  it("editing an incident's state (the title an export would show)", () => {
    const f = tampered(file, (db) =>
      db
        .prepare("UPDATE incidents SET state = replace(state, 'Ingest down', 'Innocent title') WHERE key = ?")
        .run(A),
    );
    expectBroken(f, `${A}: the stored state is not the one its log produced`, '(changed: title)');
    // and the export refuses to be built from it
    const e = exportIncident({
      dbPath: f,
      key: A,
      format: 'md',
      out: path.join(path.dirname(tempDb()), 'a.md'),
    });
    expect(e.code).toBe(1);
    expect(e.output).toContain(`The record of ${A} does not verify`);
    expect(e.output).toContain('changed: title');
  });

  it('editing a column that repeats the state (an incident hidden from the open list)', () => {
    const f = tampered(file, (db) =>
      db.prepare("UPDATE incidents SET closed_at = '2026-11-26T10:30:00.000Z' WHERE key = ?").run(A),
    );
    expectBroken(f, `${A}: column closed_at says`);
  });

  it('editing the kept field fingerprints', () => {
    const f = tampered(file, (db) =>
      db.prepare("UPDATE incidents SET state_digest = '{}' WHERE key = ?").run(B),
    );
    expectBroken(f, `${B}: its kept field fingerprints (state_digest) were edited`);
  });

  it('swapping two entries', () => {
    const f = tampered(file, (db) => {
      const [x, y] = db
        .prepare('SELECT id, gseq FROM decision_log WHERE gseq IN (5, 6) ORDER BY gseq')
        .all() as {
        id: number;
        gseq: number;
      }[];
      db.prepare('UPDATE decision_log SET gseq = -1 WHERE id = ?').run(x!.id);
      db.prepare('UPDATE decision_log SET gseq = 5 WHERE id = ?').run(y!.id);
      db.prepare('UPDATE decision_log SET gseq = 6 WHERE id = ?').run(x!.id);
    });
    expectBroken(f, /global entry (5|6)/);
  });

  it('a checkpoint whose signature was edited', () => {
    const f = tampered(file, (db) =>
      db.prepare("UPDATE audit_checkpoints SET signature = 'A' || substr(signature, 2) WHERE n = 3").run(),
    );
    expectBroken(f, 'checkpoint #3 has a signature that does not verify');
  });

  it('a checkpoint removed from the middle', () => {
    const f = tampered(file, (db) => db.prepare('DELETE FROM audit_checkpoints WHERE n = 4').run());
    expectBroken(f, 'checkpoint #4 is missing');
  });

  it('entries appended by hand after the last checkpoint (both chains computed correctly)', () => {
    const f = tampered(file, (db) => {
      const last = db.prepare('SELECT * FROM decision_log ORDER BY gseq DESC LIMIT 1').get() as Record<
        string,
        never
      >;
      db.prepare(
        `INSERT INTO decision_log (incident_key, seq, at, recorded_at, actor, kind, payload, source, command_key,
           prev_hash, hash, gseq, gprev_hash, ghash, state_hash)
         SELECT incident_key, seq + 1, at, recorded_at, actor, 'note', '{"text":"all fine"}', NULL, NULL, hash, 'x',
           gseq + 1, ghash, 'x', state_hash FROM decision_log WHERE id = ?`,
      ).run(last.id);
      rechain(db);
    });
    expectBroken(f, /unsigned tail: 1 entry \(global \d+\) after the last checkpoint/);
  });

  it('… and covered by a checkpoint signed with another key', () => {
    const f = tampered(file, (db) => {
      appendByHand(db);
      signHead(db, otherSigner);
    });
    expectBroken(f, /checkpoint #\d+ is signed by key [0-9a-f]{16}, which is not one of the keys given/);
  });

  it('a rollback to an older copy passes on its own, and fails against a later digest kept elsewhere', () => {
    const older = tampered(file, () => {});
    const s = openStack(file);
    const later = s.service.handle({
      key: 'later',
      incidentKey: B,
      command: { type: 'log', text: 'later' },
      actor: ic,
      now: at(30),
    });
    expect(later.ok).toBe(true);
    const digest = digestOf(new SqliteCheckpointFeed(s.db).latest()!);
    s.close();
    expect(verify(older).code).toBe(0);
    const r = verify(older, [digest]);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(
      /the checkpoint given covers global entry \d+, but the log ends at global entry \d+/,
    );
  });
});

describe('audit verify --db: keys and input', () => {
  it('exits 2 without a key, with the wrong key, with a malformed digest, on a database before the ledger', () => {
    expect(auditVerify({ dbPath: file, pubkeys: [] }).code).toBe(2);
    const wrong = verify(file, [], [OTHER_PUBKEY_FILE]);
    expect(wrong.code).toBe(2);
    expect(wrong.output).toContain('give the public key of the bot that wrote this database');
    expect(verify(file, ['ibc1:nonsense']).code).toBe(2);
    const old = path.join(path.dirname(tempDb()), 'old.db');
    release01(old);
    const r = verify(old);
    expect(r.code).toBe(2);
    expect(r.output).toContain('written before the audit ledger (schema 4)');
  });
});

describe('the bot will not add to a record changed outside it', () => {
  let s: Stack;
  const app = (stack: Stack) =>
    new IncidentApp({
      service: stack.service,
      dispatcher: { kick: () => {} } as never,
      dedupe: stack.outbox,
      refs: stack.outbox,
      renderExport: async () => null,
      classifyFailure: classifyStorageError,
    });

  it('refuses a command on an incident whose state was edited, and says why', () => {
    const f = tampered(file, (db) =>
      db
        .prepare("UPDATE incidents SET state = replace(state, 'Ingest down', 'Innocent title') WHERE key = ?")
        .run(A),
    );
    s = openStack(f);
    const before = rows(f, 'SELECT count(*) AS n FROM decision_log')[0]!.n;
    expect(() =>
      s.service.handle({
        key: 'x',
        incidentKey: A,
        command: { type: 'log', text: 'hi' },
        actor: ic,
        now: at(40),
      }),
    ).toThrow(IntegrityError);
    const answer = app(s).run({
      key: 'y',
      incidentKey: A,
      command: { type: 'log', text: 'hi' },
      actor: ic,
    });
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.error.message).toContain('the incident record was changed outside the bot');
    // the other incident, untouched, still works: its state is its own
    expect(
      s.service.handle({
        key: 'z',
        incidentKey: B,
        command: { type: 'log', text: 'hi' },
        actor: ic,
        now: at(40),
      }).ok,
    ).toBe(true);
    s.close();
    expect(Number(rows(f, 'SELECT count(*) AS n FROM decision_log')[0]!.n)).toBe(Number(before) + 1);
  });

  it('refuses to sign over entries appended by hand', () => {
    const f = tampered(file, (db) => {
      appendByHand(db);
    });
    s = openStack(f);
    expect(() =>
      s.service.handle({
        key: 'x',
        incidentKey: B,
        command: { type: 'log', text: 'hi' },
        actor: ic,
        now: at(40),
      }),
    ).toThrow(/ends at global entry \d+, but the last signed checkpoint covers entry \d+/);
    s.close();
  });
});

describe('audit verify --file: an edited export', () => {
  it('fails when an entry is edited and the export re-chained, and when the proof is swapped', () => {
    const out = path.join(path.dirname(tempDb()), 'b.jsonl');
    expect(exportIncident({ dbPath: file, key: B, format: 'json', out }).code).toBe(0);
    expect(auditVerify({ file: out, pubkeys: [TEST_PUBKEY_FILE] }).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const entries = lines.slice(0, -1).map((l) => JSON.parse(l));
    const d = entries.find((e) => e.kind === 'decision');
    d.payload.text = 'keep all sessions';
    let prev = '0'.repeat(64);
    for (const e of entries) {
      e.prev_hash = prev;
      e.hash = entryHash(prev, e);
      prev = e.hash;
    }
    writeFileSync(out, `${[...entries.map((e) => JSON.stringify(e)), lines.at(-1)].join('\n')}\n`);
    const r = auditVerify({ file: out, pubkeys: [TEST_PUBKEY_FILE] });
    expect(r.code).toBe(1);
    expect(r.output).toContain('the last entry is not where the proof says it is');
  });
});
