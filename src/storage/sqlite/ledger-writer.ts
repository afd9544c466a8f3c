// Appends decision-log entries inside the caller's transaction: the incident's chain, the global chain, the
// state digest, monotonic recorded time, and a signed checkpoint over the new head before the commit. It
// refuses to write on top of a log that ends past its last checkpoint or an incident whose state no longer
// matches its log: whatever did that was not the bot, and signing over it would launder it.
import type { CommandRequest } from '../../app/ports.js';
import { isAlertChain } from '../../domain/alert-decision-log.js';
import type { CheckpointSigner, SignedCheckpoint } from '../../domain/audit/checkpoint.js';
import { entryHash, GENESIS } from '../../domain/audit/hash-chain.js';
import { linkHash, stateDigest } from '../../domain/audit/ledger.js';
import type { LogEffect } from '../../domain/effects.js';
import type { Db } from './open-database.js';
import { type Statement, statementCache } from './statement-cache.js';

/** The log or a state was changed outside the bot; nothing is written until someone looks. */
export class IntegrityError extends Error {}

/** The string as UTF-8 stores it (SQLite's, and node-postgres's encoding): lone surrogates become U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * How many incidents' last-written states are remembered: the ones being worked on. Without a bound the map
 * kept the state text of every incident changed since the process started (a few KiB each, for ever); an
 * incident that dropped out is hashed again the next time it is checked (~0.05 ms), nothing else changes.
 */
const WRITTEN_LIMIT = 256;

const AUDIT_HINT = 'run `incident-bot audit verify --db <file> --pubkey <key.pub.pem>` to see what changed';

export class LedgerWriter {
  private readonly stmt: (sql: string) => Statement;
  /** Set once this transaction has appended: the checkpoint to sign before the commit. */
  private pending = false;
  /** The checkpoint this transaction continues from, and the incidents it declared (entry 1 of a chain). */
  private base: { n: number; incidents: number } | null = null;
  private added = 0;
  /** The head this transaction's last append wrote (signed at the commit without reading it back). */
  private tip: { gseq: number; ghash: string; recordedAt: string } | null = null;
  /** The state text and hash this process last wrote per incident (checked against what is stored). */
  private readonly written = new Map<string, { json: string; hash: string }>();

  constructor(
    readonly db: Db,
    private readonly signer?: CheckpointSigner,
  ) {
    this.stmt = statementCache(db);
  }

  /** The global head; `recordedAt` only from an entry the ledger wrote (older ones may be dated ahead). */
  private head(): { gseq: number; ghash: string; recordedAt: string } {
    const r = this.stmt(
      // IS NOT NULL: PostgreSQL sorts NULLs first in DESC order (SQLite last); only pre-ledger rows have none.
      'SELECT gseq, ghash, recorded_at, state_hash FROM decision_log WHERE gseq IS NOT NULL ORDER BY gseq DESC LIMIT 1',
    ).get() as { gseq: number; ghash: string; recorded_at: string; state_hash: string | null } | undefined;
    if (!r) return { gseq: 0, ghash: GENESIS, recordedAt: '' };
    return { gseq: r.gseq, ghash: r.ghash, recordedAt: r.state_hash ? r.recorded_at : '' };
  }

  /** The state digest the incident's log last recorded (null before the ledger). */
  lastStateHash(incidentKey: string): string | null {
    const r = this.stmt(
      'SELECT state_hash FROM decision_log WHERE incident_key = ? ORDER BY seq DESC LIMIT 1',
    ).get(incidentKey) as { state_hash: string | null } | undefined;
    return r?.state_hash ?? null;
  }

  /** Refuses to act on an incident whose stored state is not the one its log produced. */
  checkState(incidentKey: string, state: object, stored: string): void {
    const want = this.lastStateHash(incidentKey);
    if (!want) return;
    // The state this process last wrote for the incident is known to match: no need to hash it again.
    const known = this.written.get(incidentKey);
    if (known && known.json === stored && known.hash === want) return;
    if (stateDigest(state).hash !== want)
      throw new IntegrityError(
        `The stored state of ${incidentKey} is not the one its decision log produced: it was changed outside the bot. Nothing was recorded; ${AUDIT_HINT}.`,
      );
  }

  /** The last checkpoint: its number and incident count (the next one continues from them). */
  private lastCheckpoint(): { n: number; seq: number; head: string; incidents: number } {
    const last = this.stmt(
      'SELECT n, seq, head, incidents FROM audit_checkpoints ORDER BY n DESC LIMIT 1',
    ).get() as { n: number; seq: number; head: string; incidents: number } | undefined;
    return last ?? { n: 0, seq: 0, head: GENESIS, incidents: 0 };
  }

  /** Refuses to add to a log that ends past its last signed checkpoint (entries written outside the bot). */
  private checkSealed(head: { gseq: number; ghash: string }): void {
    if (!this.signer || this.pending) return;
    const signed = this.lastCheckpoint();
    if (signed.seq !== head.gseq || signed.head !== head.ghash)
      throw new IntegrityError(
        `The decision log ends at global entry ${head.gseq}, but the last signed checkpoint covers entry ${signed.seq}: it was changed outside the bot. Nothing was recorded; ${AUDIT_HINT}.`,
      );
    this.base = signed;
    this.added = 0;
  }

  /**
   * Appends `entries` to the incident's chain and the global chain. `state` is the incident's state after
   * them, with the JSON text stored for it (null: unchanged, so the last recorded digest is carried on).
   */
  append(
    incidentKey: string,
    req: Pick<CommandRequest, 'actor' | 'now'>,
    entries: LogEffect[],
    commandKey: string | null,
    state: { value: object; json?: string } | null,
  ): void {
    if (entries.length === 0) return;
    const head = this.head();
    this.checkSealed(head);
    // An alert group's chain (ALERT-<n>: its decisions) has no incidents row: its head is its last entry.
    const alert = isAlertChain(incidentKey);
    const chain = (
      alert
        ? (this.stmt(
            'SELECT seq AS log_count, hash AS log_head FROM decision_log WHERE incident_key = ? ORDER BY seq DESC LIMIT 1',
          ).get(incidentKey) ?? { log_count: 0, log_head: GENESIS })
        : this.stmt('SELECT log_count, log_head FROM incidents WHERE key = ?').get(incidentKey)
    ) as { log_count: number; log_head: string } | undefined;
    if (!chain) throw new Error(`no incident ${incidentKey}`);
    let stateHash: string | null;
    /** The per-field digest kept beside the state (written with the chain's head, one statement). */
    let digest: string | null = null;
    if (state && alert) stateHash = stateDigest(state.value).hash;
    else if (state) {
      const d = stateDigest(state.value);
      stateHash = d.hash;
      digest = JSON.stringify(d.fields);
      if (state.json) {
        this.written.delete(incidentKey);
        this.written.set(incidentKey, { json: state.json, hash: d.hash });
        if (this.written.size > WRITTEN_LIMIT)
          this.written.delete(this.written.keys().next().value as string);
      }
    } else stateHash = this.lastStateHash(incidentKey);
    let { gseq, ghash } = head;
    let seq = chain.log_count;
    let prev = chain.log_head || GENESIS;
    // Recorded time never goes back, even when the clock does (NTP step, another host's clock).
    const now = req.now.toISOString();
    // biome-ignore lint/complexity/useMathMinMax: ISO strings, compared as text (Math.max would give NaN)
    const recordedAt = now > head.recordedAt ? now : head.recordedAt;
    const actor = {
      platform: req.actor.platform,
      id: req.actor.id,
      ...(req.actor.name ? { name: req.actor.name } : {}),
    };
    const insert = this.stmt(
      `INSERT INTO decision_log (incident_key, seq, at, recorded_at, actor, kind, payload, source, command_key,
         prev_hash, hash, gseq, gprev_hash, ghash, state_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const e of entries) {
      seq++;
      gseq++;
      if (seq === 1) this.added++;
      // Text columns are stored as UTF-8, where a lone UTF-16 surrogate (possible in a platform-supplied
      // permalink or timestamp) becomes U+FFFD: hash exactly what is stored, or the chain would not verify.
      const entry = {
        incident_key: incidentKey,
        seq,
        at: wellFormed(e.at ?? recordedAt),
        recorded_at: recordedAt,
        actor,
        kind: e.kind,
        payload: e.payload,
        source: e.source == null ? null : wellFormed(e.source),
        command_key: commandKey == null ? null : wellFormed(commandKey),
        state_hash: stateHash,
      };
      const hash = entryHash(prev, entry);
      const link = linkHash(ghash, { gseq, incident_key: incidentKey, seq, hash });
      insert.run(
        incidentKey,
        seq,
        entry.at,
        recordedAt,
        JSON.stringify(actor),
        e.kind,
        JSON.stringify(e.payload),
        entry.source,
        entry.command_key,
        prev,
        hash,
        gseq,
        ghash,
        link,
        stateHash,
      );
      prev = hash;
      ghash = link;
    }
    if (digest !== null)
      this.stmt('UPDATE incidents SET log_count = ?, log_head = ?, state_digest = ? WHERE key = ?').run(
        seq,
        prev,
        digest,
        incidentKey,
      );
    else if (!alert)
      this.stmt('UPDATE incidents SET log_count = ?, log_head = ? WHERE key = ?').run(seq, prev, incidentKey);
    this.tip = { gseq, ghash, recordedAt: stateHash ? recordedAt : '' };
    this.pending = true;
  }

  /** Signs a checkpoint over the head, inside the transaction, if anything was appended since the last. */
  seal(): SignedCheckpoint | null {
    if (!this.pending) return null;
    this.pending = false;
    return this.signHead();
  }

  /** Signs a checkpoint over the log as it stands (the migration that builds the ledger uses it once). */
  signHead(): SignedCheckpoint | null {
    if (!this.signer) return null;
    // Under the write lock nothing else appended since this transaction did: no need to read the head back
    // (a round trip on PostgreSQL). head() keeps only times the ledger wrote; so does the tip.
    const head = this.tip ?? this.head();
    this.tip = null;
    // Within a transaction that appended, the count follows from the last checkpoint; otherwise count.
    const from = this.base ?? null;
    // Alert chains by a range of the (incident_key, seq) index: SQLite's LIKE is case-insensitive, so it cannot
    // use that index and would read the whole log. On PostgreSQL the column is COLLATE "C": the same byte order.
    const incidents = from
      ? from.incidents + this.added
      : (
          this.stmt(
            `SELECT (SELECT count(*) FROM incidents) +
                    (SELECT count(DISTINCT incident_key) FROM decision_log
                      WHERE incident_key >= 'ALERT-' AND incident_key < 'ALERT.') AS count`,
          ).get() as { count: number }
        ).count;
    const n = (from ?? this.lastCheckpoint()).n + 1;
    this.base = null;
    const c = this.signer.sign({ n, seq: head.gseq, head: head.ghash, at: head.recordedAt, incidents });
    this.stmt(
      'INSERT INTO audit_checkpoints (n, seq, head, at, incidents, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(c.n, c.seq, c.head, c.at, c.incidents, c.keyId, c.signature);
    return c;
  }

  /** Forgets an unsealed append and what it wrote (the transaction rolled back). */
  reset(): void {
    this.pending = false;
    this.tip = null;
    this.base = null;
    this.written.clear();
  }
}
