// The rows a clone with history gets in the other tables: copies of its template's decision log, outbox,
// command records, reminder claims, message refs and signed checkpoints, renamed to the clone's key.
// What they skip: log entries keep the template's hashes (a clone's chain, and the global chain over
// them, would not pass `audit verify`; fill.ts signs a checkpoint over the new head so the bot's own
// write-time checks pass) and the template's timestamps inside payloads, outbox bodies and child rows.
// A finished clone's entries carry no state hash: its state is not re-digested, since acting on a
// finished incident is not what is measured; an active clone's carry the digest of its new state.
import type Database from 'better-sqlite3';

/** Copies the rows for every clone in the temp table clone_map (n, src, key, state_hash), in n order. */
export function copyHistory(db: Database.Database): void {
  const g0 = (db.prepare('SELECT max(gseq) FROM decision_log').pluck().get() as number) ?? 0;
  db.prepare(
    `INSERT INTO decision_log (incident_key, seq, at, recorded_at, actor, kind, payload, source, command_key,
       prev_hash, hash, gseq, gprev_hash, ghash, state_hash)
     SELECT m.key, d.seq, d.at, d.recorded_at, d.actor, d.kind, replace(d.payload, m.src, m.key), d.source,
       d.command_key || '#' || m.key, d.prev_hash, d.hash, ? + row_number() OVER (ORDER BY m.n, d.seq),
       d.gprev_hash, d.ghash, m.state_hash
     FROM clone_map m JOIN decision_log d ON d.incident_key = m.src ORDER BY m.n, d.seq`,
  ).run(g0);
  db.prepare(
    `INSERT INTO outbox (key, incident_key, platform, lane, target, body, created_at, attempts, next_attempt_at,
       sent_at, failed_at, last_error, result, in_flight_since)
     SELECT o.key || '#' || m.key, m.key, o.platform, replace(o.lane, m.src, m.key), o.target,
       replace(o.body, m.src, m.key), o.created_at, o.attempts, o.next_attempt_at, o.sent_at, o.failed_at,
       o.last_error, o.result, NULL
     FROM clone_map m JOIN outbox o ON o.incident_key = m.src ORDER BY m.n, o.id`,
  ).run();
  db.prepare(
    `INSERT INTO commands (key, incident_key, at, result)
     SELECT c.key || '#' || m.key, m.key, c.at, replace(c.result, m.src, m.key)
     FROM clone_map m JOIN commands c ON c.incident_key = m.src ORDER BY m.n`,
  ).run();
  db.prepare(
    `INSERT INTO reminders (key, incident_key, kind, due_at, claimed_at)
     SELECT r.key || '#' || m.key, m.key, r.kind, r.due_at, r.claimed_at
     FROM clone_map m JOIN reminders r ON r.incident_key = m.src ORDER BY m.n`,
  ).run();
  db.prepare(
    `INSERT INTO message_refs (incident_key, platform, name, channel, ref)
     SELECT m.key, x.platform, x.name, x.channel, x.ref FROM clone_map m JOIN message_refs x ON x.incident_key = m.src`,
  ).run();
  // The checkpoints signed for the templates' transactions, once per clone (as many rows as the bot
  // would have signed; their signatures are the templates').
  db.exec(`CREATE TEMP TABLE tpl_checkpoints AS SELECT d.incident_key AS src, c.* FROM audit_checkpoints c
    JOIN decision_log d ON d.gseq = c.seq`);
  const n0 = (db.prepare('SELECT max(n) FROM audit_checkpoints').pluck().get() as number) ?? 0;
  db.prepare(
    `INSERT INTO audit_checkpoints (n, seq, head, at, incidents, key_id, signature)
     SELECT ? + row_number() OVER (ORDER BY m.n, c.n), c.seq, c.head, c.at, c.incidents, c.key_id, c.signature
     FROM clone_map m JOIN tpl_checkpoints c ON c.src = m.src ORDER BY m.n, c.n`,
  ).run(n0);
}
