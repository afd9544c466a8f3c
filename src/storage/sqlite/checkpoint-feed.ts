// The signed checkpoints as the audit publisher reads them, and the audit channel's outbox rows.
import { type CheckpointFeed, laneFor, type StoredCheckpoint } from '../../app/ports.js';
import { digestOf } from '../../domain/audit/checkpoint.js';
import { CHECKPOINT_COLUMNS, type CheckpointRecord, signedCheckpointOf } from './checkpoint-rows.js';
import type { Db } from './open-database.js';
import { type Statement, statementCache } from './statement-cache.js';

type Row = CheckpointRecord & { incident_key: string | null };

const SELECT = `SELECT ${CHECKPOINT_COLUMNS.split(', ')
  .map((c) => `c.${c}`)
  .join(', ')}, d.incident_key
  FROM audit_checkpoints c LEFT JOIN decision_log d ON d.gseq = c.seq`;

function checkpointOf(r: Row): StoredCheckpoint {
  return { ...signedCheckpointOf(r), id: r.n, incidentKey: r.incident_key ?? '' };
}

export class SqliteCheckpointFeed implements CheckpointFeed {
  private readonly stmt: (sql: string) => Statement;

  constructor(readonly db: Db) {
    this.stmt = statementCache(db);
  }

  latest(): StoredCheckpoint | null {
    const r = this.stmt(`${SELECT} ORDER BY c.n DESC LIMIT 1`).get() as Row | undefined;
    return r ? checkpointOf(r) : null;
  }

  after(id: number, limit: number): StoredCheckpoint[] {
    return (this.stmt(`${SELECT} WHERE c.n > ? ORDER BY c.n LIMIT ?`).all(id, limit) as Row[]).map(
      checkpointOf,
    );
  }

  lastPublished(platform: string): { n: number; at: Date } | null {
    const r = this.stmt('SELECT key, created_at FROM outbox WHERE lane = ? ORDER BY id DESC LIMIT 1').get(
      laneFor('', platform, { to: 'audit' }),
    ) as { key: string; created_at: string } | undefined;
    return r ? { n: Number(r.key.split(':').at(-1)), at: new Date(r.created_at) } : null;
  }

  publish(c: StoredCheckpoint, platform: string, now: Date): void {
    const at = now.toISOString();
    this.stmt(
      `INSERT INTO outbox (key, incident_key, platform, lane, target, body, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(
      `audit:${platform}:${c.n}`,
      c.incidentKey,
      platform,
      laneFor(c.incidentKey, platform, { to: 'audit' }),
      JSON.stringify({ to: 'audit' }),
      JSON.stringify({
        kind: 'post',
        template: 'audit_checkpoint',
        data: { n: c.n, seq: c.seq, at: c.at, incidents: c.incidents, keyId: c.keyId, digest: digestOf(c) },
      }),
      at,
      at,
    );
  }
}
