// A claimed row stays its dispatcher's while the send lasts, however long (the lease is renewed), and the
// outcome is then recorded by it; the owner id tells processes apart.
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/app/dispatcher.js';
import { LeaseKeeper, replicaId } from '../../src/app/outbox-lease.js';
import type { OutboxRow, SendResult } from '../../src/app/ports.js';
import { atomically } from '../../src/storage/sqlite/open-database.js';
import { backends } from '../helpers/backends.js';
import { dropPgDatabases } from '../helpers/pg.js';
import { declareRequest } from '../helpers/scenario.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('replicaId', () => {
  it('names the host and process, and differs between two starts of the same process', () => {
    const [a, b] = [replicaId(), replicaId()];
    expect(a.startsWith(`${hostname()}:${process.pid}:`)).toBe(true);
    expect(a).not.toBe(b);
  });
});

describe('LeaseKeeper', () => {
  it('renews only what it holds, and a database error is reported, not thrown', () => {
    const calls: number[][] = [];
    let fail = false;
    const errors: unknown[] = [];
    const keeper = new LeaseKeeper({
      outbox: {
        renewLeases: (_owner, ids) => {
          if (fail) throw new Error('connection lost');
          calls.push([...ids]);
          return ids.length;
        },
      },
      owner: 'me',
      leaseMs: 60_000,
      now: () => new Date(),
      onError: (e) => errors.push(e),
    });
    keeper.renew();
    expect(calls).toEqual([]); // nothing held: no write
    keeper.hold([1, 2]);
    keeper.drop(1);
    keeper.renew();
    fail = true;
    keeper.renew();
    keeper.drop(2);
    expect(calls).toEqual([[2]]);
    expect(errors).toHaveLength(1);
  });
});

describe.each(backends)('a long send on $name', (backend) => {
  afterAll(dropPgDatabases);

  it('keeps its lease while it lasts, then records its own outcome', async () => {
    const s = await backend.open();
    try {
      const r = s.service.handle(declareRequest('d1'));
      if (!r.ok) throw new Error(r.error.message);
      let finish: (r: SendResult) => void = () => {};
      const started: OutboxRow[] = [];
      const warnings: string[] = [];
      const d = new Dispatcher({
        outbox: s.outbox,
        atomically: atomically(s.db),
        incidents: s.store,
        senders: {
          slack: {
            send: (row) =>
              new Promise((done) => {
                started.push(row);
                finish = done;
              }),
          },
        },
        owner: 'me',
        leaseMs: 600,
        batch: 1,
        logger: { info() {}, warn: (_o, msg) => warnings.push(String(msg)), error() {} },
      });
      const pass = d.runOnce();
      await until('the send to start', () => started.length === 1);
      const id = started[0]!.id;
      const leaseUntil = () =>
        (s.db.prepare('SELECT lease_until FROM outbox WHERE id = ?').get(id) as { lease_until: string })
          .lease_until;
      const first = leaseUntil();
      // The send outlasts several leases: each is renewed before it runs out.
      await until('two renewals', () => Date.parse(leaseUntil()) >= Date.parse(first) + 400);
      if (backend.name === 'postgres') {
        // Another replica finds it leased: it takes nothing in that lane.
        const claimed = s.outbox.claim(new Date(), {
          owner: 'other',
          leaseMs: 600,
          paceMs: 0,
          limit: 50,
          skipLanes: [],
        });
        expect(claimed.map((c) => c.id)).not.toContain(id);
      }
      finish({ status: 'sent', result: { ts: '1' } });
      expect(await pass).toBe(1);
      expect(warnings).toEqual([]);
      expect(
        s.db.prepare('SELECT sent_at IS NOT NULL AS sent, lease_owner FROM outbox WHERE id = ?').get(id),
      ).toEqual({
        sent: backend.name === 'postgres' ? true : 1,
        lease_owner: null,
      });
    } finally {
      await s.close();
    }
  });
});
