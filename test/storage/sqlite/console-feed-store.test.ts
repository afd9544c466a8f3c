// The local console's delivered messages (src/storage/sqlite/console-feed-store.ts) on SQLite and
// PostgreSQL: one post per outbox row however often it is delivered, read back oldest first per page.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/storage/sql-db.js';
import { ConsoleFeedStore } from '../../../src/storage/sqlite/console-feed-store.js';
import { backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { at } from '../../helpers/scenario.js';

let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});
afterAll(dropPgDatabases);

describe.each(backends)('ConsoleFeedStore on $name', (backend) => {
  it('appends a delivery once and lists the newest `limit` posts of a page, oldest first', async () => {
    db = await backend.openDb();
    const feed = new ConsoleFeedStore(db);
    const post = (n: number, incidentKey: string, to = 'room') =>
      feed.append({ outboxKey: `o${n}`, incidentKey, to, at: at(n), view: `{"n":${n}}` });
    expect(post(1, 'INC-1')).toBe(true);
    expect(post(1, 'INC-1')).toBe(false); // a retried delivery of the same outbox row
    post(2, 'INC-2');
    post(3, 'INC-1');
    post(4, 'INC-1', 'stakeholders');
    const list = feed.list('INC-1', 'room', 10);
    expect(list.map((p) => [p.incidentKey, p.to, p.at, p.view])).toEqual([
      ['INC-1', 'room', at(1).toISOString(), '{"n":1}'],
      ['INC-1', 'room', at(3).toISOString(), '{"n":3}'],
    ]);
    expect(typeof list[0]?.id).toBe('number');
    expect(list[0]!.id).toBeLessThan(list[1]!.id);
    expect(feed.list(null, 'room', 2).map((p) => p.view)).toEqual(['{"n":2}', '{"n":3}']);
    expect(feed.list(null, 'stakeholders', 10).map((p) => p.incidentKey)).toEqual(['INC-1']);
    expect(feed.list('INC-9', 'room', 10)).toEqual([]);
  });
});
