// Races and database trouble through the real endpoint: parallel claims of one role, racing phase
// moves, and a command while another connection holds the write lock.

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION, VIEW } from '../../src/platforms/slack/ids.js';
import type { SqliteDb } from '../../src/storage/sqlite/open-database.js';
import { bootSlackBot, type SlackBot } from '../support/boot-slack-bot.js';
import {
  BOB,
  CAROL,
  checkChains,
  declare,
  declareValues,
  freshViewId,
  IC,
  outboxRows,
  phaseValues,
  sleep,
  waitFor,
} from './fault-helpers.js';

let bot: SlackBot;
beforeEach(async () => {
  bot = await bootSlackBot();
});
afterEach(async () => {
  await bot.close();
});

describe('concurrency', () => {
  it('two users claim the same role at the same moment: one wins, the other is told who has it', async () => {
    const incident = await declare(bot);
    const room = incident.room!.id;
    const [a, b] = await Promise.all(
      [BOB, CAROL].map((user) =>
        bot.sim.blockAction({
          actionId: ACTION.claimRole,
          value: 'technical_lead',
          userId: user,
          channelId: room,
        }),
      ),
    );
    expect([a.status, b.status]).toEqual([200, 200]);
    const holder = await waitFor(() => bot.store.get(incident.key)!.roles.technical_lead?.[0], 'a holder');
    const loser = holder === BOB ? CAROL : BOB;
    expect(bot.store.get(incident.key)!.roles.technical_lead).toEqual([holder]);
    const refusal = await waitFor(() => bot.fake.ephemerals.find((e) => e.user === loser), 'refusal');
    expect(refusal.channel).toBe(room);
    expect(refusal.text).toContain(`<@${holder}> already holds the Technical lead role`);
    const roleLog = bot.store
      .logEntries(incident.key)
      .filter((e) => e.kind === 'role' && JSON.parse(e.payload).role === 'technical_lead');
    expect(roleLog).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('the same slash claim from ten users at once: exactly one holder, nine refusals', async () => {
    const incident = await declare(bot);
    const room = incident.room!.id;
    const users = Array.from({ length: 10 }, (_, n) => `U0RACE${n}`);
    const answers = await Promise.all(
      users.map((u) => bot.sim.slash('role technical_lead', { userId: u, channelId: room })),
    );
    const won = answers.filter((r) => /is now Technical lead/.test(r.body.text));
    const lost = answers.filter((r) => /already holds the Technical lead role/.test(r.body.text));
    expect([won.length, lost.length]).toEqual([1, 9]);
    expect(bot.store.get(incident.key)!.roles.technical_lead).toHaveLength(1);
  });

  it('two IC phase moves racing: one applies, the other is refused with the new state', async () => {
    const incident = await declare(bot);
    const meta = JSON.stringify({ k: incident.key, c: incident.room!.id });
    const [a, b] = await Promise.all(
      [1, 2].map(() =>
        bot.sim.viewSubmission({
          callbackId: VIEW.phase,
          userId: IC,
          values: phaseValues('detection', 'containment'),
          privateMetadata: meta,
          viewId: freshViewId(),
        }),
      ),
    );
    const bodies = [a.body, b.body];
    const applied = bodies.filter((x) => x === '');
    const refused = bodies.filter((x) => x?.response_action === 'errors');
    expect([applied.length, refused.length]).toEqual([1, 1]);
    expect(String(Object.values(refused[0].errors)[0])).toMatch(/From Containment/);
    expect(bot.store.get(incident.key)!.phase).toBe('containment');
    expect(bot.store.logEntries(incident.key).filter((e) => e.kind === 'phase')).toHaveLength(1);
    await bot.dispatcher.drain(5000);
    expect(
      bot.fake.messagesIn(incident.room!.id).filter((m) => /is now in Containment/.test(m.text ?? '')),
    ).toHaveLength(1);
  });
});

describe('database locked', () => {
  /** Holds the write lock from a second connection for `ms`. */
  function holdLock(ms: number) {
    const other = new Database(bot.store.db.name);
    other.exec('BEGIN IMMEDIATE');
    return {
      release: () => {
        other.exec('ROLLBACK');
        other.close();
      },
      auto: sleep(ms).then(() => {
        if (other.open) {
          other.exec('ROLLBACK');
          other.close();
        }
      }),
    };
  }

  function snapshot() {
    const db = bot.store.db;
    return {
      incidents: db.prepare('SELECT key, version FROM incidents ORDER BY key').all(),
      log: (db.prepare('SELECT COUNT(*) n FROM decision_log').get() as { n: number }).n,
      outbox: outboxRows(db).length,
      commands: (db.prepare('SELECT COUNT(*) n FROM commands').get() as { n: number }).n,
    };
  }

  it('a slash command, a button and a form while the database is locked: "could not save, nothing changed, try again"', async () => {
    const incident = await declare(bot);
    const room = incident.room!.id;
    (bot.store.db as SqliteDb).pragma('busy_timeout = 150');
    const before = snapshot();
    const lock = holdLock(5000);
    try {
      const slash = await bot.sim.slash('log Something happened', { userId: BOB, channelId: room });
      expect(slash.status).toBe(200);
      expect(slash.body.text).toMatch(/could not save/i);
      expect(slash.body.text).toMatch(/nothing was changed/i);
      expect(slash.body.text).toMatch(/try again/i);

      const form = await bot.sim.viewSubmission({
        callbackId: VIEW.declare,
        userId: IC,
        values: declareValues({ title: 'During the lock' }),
        privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
        viewId: freshViewId(),
      });
      expect(form.status).toBe(200);
      expect(form.body.response_action).toBe('errors');
      expect(String(Object.values(form.body.errors)[0])).toMatch(
        /could not save.*nothing was changed.*try again/is,
      );

      await bot.sim.blockAction({
        actionId: ACTION.claimRole,
        value: 'scribe',
        userId: CAROL,
        channelId: room,
      });
      const told = await waitFor(
        () => bot.fake.ephemerals.find((e) => e.user === CAROL),
        'busy answer to CAROL',
      );
      expect(told.text).toMatch(/could not save.*nothing was changed.*try again/is);
    } finally {
      lock.release();
    }
    expect(snapshot()).toEqual(before);
    // And after the lock is gone the same things work.
    (bot.store.db as SqliteDb).pragma('busy_timeout = 5000');
    const again = await bot.sim.slash('log Something happened', { userId: BOB, channelId: room });
    expect(again.body.text).toContain('Added to the incident log');
    checkChains(bot.store.db);
    expect(bot.errors.filter((e) => e.msg === 'slack listener error')).toEqual([]);
  });

  it('a full disk (SQLite cannot grow the file): "cannot be written, tell the operator", nothing changed', async () => {
    const incident = await declare(bot);
    const room = incident.room!.id;
    const pages = (bot.store.db as SqliteDb).pragma('page_count', { simple: true }) as number;
    (bot.store.db as SqliteDb).pragma(`max_page_count = ${pages}`); // what a full disk looks like to SQLite: SQLITE_FULL
    try {
      const before = snapshot();
      let answer = '';
      for (let n = 0; n < 20 && !answer.includes('cannot be written'); n++) {
        const r = await bot.sim.slash(`log ${'filler '.repeat(400)} ${n}`, { userId: BOB, channelId: room });
        answer = r.body.text;
      }
      expect(answer).toMatch(
        /cannot be written \(disk full or I\/O error\)\. Nothing was changed\. Tell the bot's operator/,
      );
      expect(snapshot().log).toBeGreaterThanOrEqual(before.log); // earlier fillers may have fitted
      checkChains(bot.store.db);
    } finally {
      (bot.store.db as SqliteDb).pragma('max_page_count = 1073741823');
    }
    const again = await bot.sim.slash('log Disk is back', { userId: BOB, channelId: room });
    expect(again.body.text).toContain('Added to the incident log');
    bot.errors.length = 0; // the failures were logged as errors, as they should be
  });
});
