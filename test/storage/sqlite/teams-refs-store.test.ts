// Teams conversation references and people (src/storage/sqlite/teams-refs-store.ts) on SQLite and
// PostgreSQL: a refresh keeps what the new activity does not say, a thread inherits its channel's
// reference, and people are found by either id.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/storage/sql-db.js';
import { TeamsRefStore } from '../../../src/storage/sqlite/teams-refs-store.js';
import { backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { at } from '../../helpers/scenario.js';

let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});
afterAll(dropPgDatabases);

const CHANNEL = '19:abc@thread.tacv2';
const SVC = 'https://smba.trafficmanager.net/emea/';

describe.each(backends)('TeamsRefStore on $name', (backend) => {
  it('remembers a conversation; a later activity refreshes it without losing what it does not say', async () => {
    db = await backend.openDb();
    const refs = new TeamsRefStore(db);
    expect(refs.get(CHANNEL)).toBeNull();
    expect(refs.latest()).toBeNull();
    refs.remember(
      { conversationId: CHANNEL, serviceUrl: SVC, tenantId: 'T1', channelId: CHANNEL, teamId: 'TEAM1' },
      at(0),
    );
    refs.remember({ conversationId: CHANNEL, serviceUrl: `${SVC}v2/`, conversationType: 'channel' }, at(1));
    expect(refs.get(CHANNEL)).toEqual({
      conversationId: CHANNEL,
      serviceUrl: `${SVC}v2/`,
      tenantId: 'T1',
      channelId: CHANNEL,
      teamId: 'TEAM1',
      conversationType: 'channel',
    });
    // a thread of the channel never heard from inherits the channel's reference
    const thread = `${CHANNEL};messageid=1700000000000`;
    expect(refs.resolve(thread)).toMatchObject({
      conversationId: thread,
      channelId: CHANNEL,
      tenantId: 'T1',
    });
    expect(refs.resolve('19:other@thread.tacv2')).toBeNull();
    refs.remember({ conversationId: 'a:personal', serviceUrl: SVC, conversationType: 'personal' }, at(2));
    expect(refs.latest()?.conversationId).toBe('a:personal');
  });

  it('remembers people by user id or Teams id, keeps a known name, lists the named ones newest first', async () => {
    db = await backend.openDb();
    const refs = new TeamsRefStore(db);
    refs.rememberUser({ userId: 'aad-1', name: 'Ada', platformId: '29:1' }, at(0));
    refs.rememberUser({ userId: 'aad-1', personalConversationId: 'a:1' }, at(1));
    refs.rememberUser({ userId: 'aad-2' }, at(2));
    refs.rememberUser({ userId: 'aad-3', name: 'Brendan' }, at(3));
    expect(refs.user('aad-1')).toEqual({
      userId: 'aad-1',
      name: 'Ada',
      platformId: '29:1',
      personalConversationId: 'a:1',
    });
    expect(refs.user('29:1')?.userId).toBe('aad-1');
    expect(refs.user('nobody')).toBeNull();
    expect(refs.nameOf('aad-3')).toBe('Brendan');
    expect(refs.nameOf(null)).toBeUndefined();
    expect(refs.people()).toEqual([
      { userId: 'aad-3', name: 'Brendan' },
      { userId: 'aad-1', name: 'Ada' },
    ]);
    expect(refs.people(1)).toEqual([{ userId: 'aad-3', name: 'Brendan' }]);
  });
});
