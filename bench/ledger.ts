// The audit ledger's costs: decision-log appends per second with and without signing, and for a ledger of
// N entries, its checkpoints (count, bytes each) and how long `audit verify` takes on it. The large ledger
// is written the way the dispatcher writes: one transaction of two entries (one checkpoint) at a time.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { IncidentService } from '../src/app/incident-service.js';
import { auditVerify } from '../src/cli/audit-verify.js';
import { type CheckpointSigner, signerOf } from '../src/domain/audit/checkpoint.js';
import { loadPlaybook } from '../src/storage/playbook-file.js';
import { IncidentStore } from '../src/storage/sqlite/incident-store.js';
import { openDatabase } from '../src/storage/sqlite/open-database.js';
import { startWalCheckpointer } from '../src/storage/sqlite/wal-checkpointer.js';
import { WalSync } from '../src/storage/sqlite/wal-sync.js';

const actor = { platform: 'slack' as const, id: 'U0IC' };

function keyPair(dir: string): { signer: CheckpointSigner; pub: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pub = path.join(dir, 'key.pub.pem');
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  return { signer: signerOf(privateKey), pub };
}

/** Declares incident number `k` (title `t<k>`) as the bench's IC; returns its key. */
export function declare(service: IncidentService, k: number): string {
  const d = service.handle({
    key: `d${k}`,
    incidentKey: null,
    command: {
      type: 'declare',
      key: '',
      title: `t${k}`,
      triggerClass: 'service_outage',
      impact: 'i',
      severeImpact: false,
      drill: false,
    },
    actor,
  });
  if (!d.ok) throw new Error(d.error.message);
  return d.incident.key;
}

export interface AppendMode {
  signed: boolean;
  /**
   * How each command is made durable before its ack: `none` (written to the WAL, not synced: what the bot did
   * before 2026-11-30), `full` (synchronous=FULL: each commit syncs on the event loop), or `group` (the bot's
   * way: commits are not synced, and `WalSync.durable()` syncs the WAL off the event loop once for all the
   * commands answered at that moment; `concurrent` commands arrive together).
   */
  durability: 'none' | 'full' | 'group';
  concurrent?: number;
}

/**
 * `log` commands per second through the service (one transaction each), set up as the bot runs: WAL
 * checkpoints in the worker thread, and each command durable before it counts as acknowledged.
 */
export async function benchAppends(n: number, mode: AppendMode): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-bench-ledger-'));
  const { signer } = keyPair(dir);
  const file = path.join(dir, 'log.db');
  const db = openDatabase(file);
  const checkpointer = startWalCheckpointer(db, file);
  if (mode.durability === 'full') db.pragma('synchronous = FULL');
  const wal = new WalSync(db);
  try {
    const service = new IncidentService(
      new IncidentStore(db, {}, mode.signed ? signer : undefined),
      loadPlaybook(),
    );
    const key = declare(service, 0);
    const together = mode.concurrent ?? 1;
    const t0 = performance.now();
    // `together` requests handled in one event-loop turn, then their acks wait for one sync; as in the bot,
    // the next requests are handled while that sync runs (at most one sync waited for at a time).
    let acked: Promise<void> = Promise.resolve();
    for (let k = 0; k < n; ) {
      for (let j = 0; j < together && k < n; j++, k++)
        service.handle({
          key: `l${k}`,
          incidentKey: key,
          command: { type: 'log', text: `note ${k}` },
          actor,
        });
      if (mode.durability !== 'group') continue;
      const synced = wal.durable();
      await acked;
      acked = synced;
    }
    await acked;
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await wal.close();
    await checkpointer?.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface LedgerBench {
  entries: number;
  checkpoints: number;
  /** Average stored size of one checkpoint row's values, bytes. */
  checkpointBytes: number;
  writeMs: number;
  verifyMs: number;
  verifyOk: boolean;
  dbMiB: number;
}

export function benchLedger(entries: number, incidents = 100): LedgerBench {
  const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-bench-ledger-'));
  const { signer, pub } = keyPair(dir);
  const file = path.join(dir, 'ledger.db');
  const db = openDatabase(file);
  try {
    const store = new IncidentStore(db, {}, signer);
    // The bench declares many incidents as one person: an admin, exempt from the declare limit.
    const service = new IncidentService(store, loadPlaybook(), { admins: [actor.id] });
    const keys = Array.from({ length: incidents }, (_, k) => declare(service, k));
    let have = (db.prepare('SELECT count(*) AS n FROM decision_log').get() as { n: number }).n;
    const t0 = performance.now();
    for (let k = 0; have < entries; k++) {
      const e = {
        type: 'log' as const,
        kind: 'message_sent' as const,
        payload: { outboxKey: `o${k}`, template: 'nudge' },
      };
      store.appendSystemLog(keys[k % keys.length]!, [e, e], new Date());
      have += 2;
    }
    const writeMs = performance.now() - t0;
    const cp = db
      .prepare(
        'SELECT count(*) AS n, avg(length(head) + length(at) + length(key_id) + length(signature) + 24) AS bytes FROM audit_checkpoints',
      )
      .get() as { n: number; bytes: number };
    db.close();
    const t1 = performance.now();
    const r = auditVerify({ dbPath: file, pubkeys: [pub] });
    const verifyMs = performance.now() - t1;
    return {
      entries: have,
      checkpoints: cp.n,
      checkpointBytes: cp.bytes,
      writeMs,
      verifyMs,
      verifyOk: r.code === 0,
      dbMiB: statSync(file).size / 2 ** 20,
    };
  } finally {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
