// Teams as the audit channel (AUDIT_CHANNEL=teams:<conversation id>): a queued checkpoint digest is posted
// to that conversation through the Bot Connector, and kept out of the incident's log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDigest } from '../../../src/domain/audit/checkpoint.js';
import { SqliteCheckpointFeed } from '../../../src/storage/sqlite/checkpoint-feed.js';
import { declareRequest } from '../../helpers/scenario.js';
import { type BootedTeamsBot, bootTeamsBot } from '../../support/boot-teams-bot.js';

const AUDIT = '19:audit@thread.tacv2';

describe('the audit channel on Teams', () => {
  let bot: BootedTeamsBot;
  beforeAll(async () => {
    bot = await bootTeamsBot({ env: { AUDIT_CHANNEL: `teams:${AUDIT}` } });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('posts the digest to the audit conversation', async () => {
    const d = bot.service.handle(
      declareRequest('audit-teams', {
        title: 'Feed down',
        impact: 'x',
        actor: { platform: 'teams', id: 'aad-ic' },
      }),
    );
    expect(d.ok).toBe(true);
    await bot.settle();
    const feed = new SqliteCheckpointFeed(bot.db);
    const latest = feed.latest()!;
    feed.publish(latest, 'teams', new Date());
    await bot.settle();
    const sent = bot.connector.sent().filter((r) => r.conversationId === AUDIT);
    expect(sent.length).toBe(1);
    const text = JSON.stringify(sent[0]!.body);
    const digest = /ibc1:[^`"\\ ]+/.exec(text)?.[0];
    expect(digest && parseDigest(digest)?.n).toBe(latest.n);
    expect(bot.outbox.pending()).toEqual([]);
  });
});
