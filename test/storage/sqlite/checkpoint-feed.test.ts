// The signed checkpoints as the audit publisher reads them, and the audit channel's outbox rows (queued
// once per checkpoint and platform), on both databases.
import { afterAll, describe, expect, it } from 'vitest';
import { parseDigest } from '../../../src/domain/audit/checkpoint.js';
import { SqliteCheckpointFeed } from '../../../src/storage/sqlite/checkpoint-feed.js';
import { backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { at, declareRequest, ic } from '../../helpers/scenario.js';

afterAll(dropPgDatabases);

describe.each(backends)('the checkpoint feed on $name', (backend) => {
  it('reads the checkpoints in order with the incident of their head, and queues each digest once', async () => {
    const s = await backend.open();
    try {
      const feed = new SqliteCheckpointFeed(s.db);
      expect(feed.latest()).toBeNull();
      const d = s.service.handle(declareRequest('d', { now: at(0) }));
      if (!d.ok) throw new Error('declare');
      for (let n = 1; n <= 3; n++)
        s.service.handle({
          key: `n${n}`,
          incidentKey: d.incident.key,
          command: { type: 'log', text: `note ${n}` },
          actor: ic,
          now: at(n),
        });
      const latest = feed.latest()!;
      expect(latest).toMatchObject({ id: 4, n: 4, incidentKey: d.incident.key, at: at(3).toISOString() });
      expect(feed.after(1, 2).map((c) => c.n)).toEqual([2, 3]);
      expect(feed.after(4, 10)).toEqual([]);
      expect(feed.lastPublished('slack')).toBeNull();
      feed.publish(latest, 'slack', at(5));
      feed.publish(latest, 'slack', at(6));
      expect(feed.lastPublished('slack')).toEqual({ n: 4, at: at(5) });
      const rows = s.db.prepare("SELECT key, body FROM outbox WHERE key LIKE 'audit:%'").all() as {
        key: string;
        body: string;
      }[];
      expect(rows.map((r) => r.key)).toEqual(['audit:slack:4']);
      const digest = (JSON.parse(rows[0]!.body) as { data: { digest: string } }).data.digest;
      expect(parseDigest(digest)).toMatchObject({ n: 4, seq: latest.seq, head: latest.head });
    } finally {
      await s.close();
    }
  });
});
