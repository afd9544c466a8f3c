// A delivered text command is never dropped as "seen" unless its command is recorded (src/app/inbound.ts),
// through the real Slack and Teams apps, on SQLite and PostgreSQL. The crash window the two-replica test
// found is reproduced deterministically: a replica killed -9 after the delivery's sighting was committed
// and before its command was (the sighting written on its own, as the old two-commit flow left it), and a
// command's transaction dying after it wrote the sighting. Either way the retried delivery is recorded once.
// Duplicates of a form open one form, in sequence or at the same moment.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SOMETHING_WENT_WRONG } from '../../src/app/answers.js';
import { slashKey } from '../../src/platforms/slack/context.js';
import type { Db } from '../../src/storage/sql-db.js';
import type { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { declare, IC } from '../faults/fault-helpers.js';
import { backends } from '../helpers/backends.js';
import { dropPgDatabases } from '../helpers/pg.js';
import {
  ALICE,
  CAROL,
  findAction,
  GENERAL_CHANNEL,
  type Json,
  mentionMessage,
  type Person,
  taskFetch,
  taskSubmit,
} from '../platforms/teams/activities.js';
import { bootSlackBot, type SlackBot } from '../support/boot-slack-bot.js';
import { type BootedTeamsBot, bootTeamsBot } from '../support/boot-teams-bot.js';

afterAll(dropPgDatabases);
afterEach(() => {
  vi.restoreAllMocks();
});

const FORM = 'application/x-www-form-urlencoded';

/** Notes in the incident's log carrying `text`. */
function notes(store: IncidentStore, incidentKey: string, text: string) {
  return store
    .logEntries(incidentKey)
    .filter((e) => e.kind === 'note' && JSON.parse(e.payload).text === text);
}

const commands = (db: Db, key: string) =>
  db.prepare('SELECT COUNT(*) AS n FROM commands WHERE key = ?').get(key) as { n: number };
const sightings = (db: Db, id: string) =>
  db.prepare('SELECT COUNT(*) AS n FROM processed_events WHERE id = ?').get(id) as { n: number };

/**
 * The command's transaction dies once after it wrote the delivery's sighting and the idempotency record
 * (a replica killed before its commit): recordCommand runs, then throws; everything rolls back.
 */
function dieOnceAfterRecording(store: IncidentStore): void {
  const s = store as unknown as { recordCommand: (...a: unknown[]) => void };
  const original = s.recordCommand.bind(store);
  let died = false;
  vi.spyOn(s, 'recordCommand').mockImplementation((...a: unknown[]) => {
    original(...a);
    if (died) return;
    died = true;
    throw new Error('killed before the commit');
  });
}

describe.each(backends)('$name', (backend) => {
  describe('Slack: /incident retried', () => {
    let bot: SlackBot;
    let incident = '';
    let room = '';
    beforeAll(async () => {
      bot = await bootSlackBot({ db: await backend.openDb() });
      const i = await declare(bot);
      incident = i.key;
      room = i.room!.id;
    });
    afterAll(async () => {
      await bot?.close();
    });

    const slash = (text: string) => bot.sim.slashForm(text, { userId: IC, channelId: room });
    const send = (form: Record<string, string>, retryNum?: number) =>
      bot.sim.send(new URLSearchParams(form).toString(), FORM, retryNum ? { retryNum } : {});

    it('a sighting committed without its command (killed between them): the retry records it once', async () => {
      const text = 'broker 1 restarted';
      const form = slash(`log ${text}`);
      // what a replica killed -9 between the old flow's two commits left behind
      expect(bot.app.firstSighting(`slack:slash:${form.team_id}:${form.trigger_id}`)).toBe(true);
      const retried = await send(form, 1);
      expect(retried.status).toBe(200);
      expect(retried.body.text).toBeTruthy(); // the command's answer, not an empty "already seen" ack
      expect(notes(bot.store, incident, text)).toHaveLength(1);
      expect((await send(form, 2)).status).toBe(200);
      expect(notes(bot.store, incident, text)).toHaveLength(1);
      expect(commands(bot.store.db, slashKey(form.team_id!, form.trigger_id!)).n).toBe(1);
    });

    it("the command's transaction dies after writing the sighting: nothing stays, the retry records it once", async () => {
      const text = 'broker 2 restarted';
      const form = slash(`log ${text}`);
      const sighting = `slack:slash:${form.team_id}:${form.trigger_id}`;
      dieOnceAfterRecording(bot.store);
      const first = await send(form);
      expect(first.status).toBe(200);
      expect(first.body.text).toBe(SOMETHING_WENT_WRONG);
      expect(sightings(bot.store.db, sighting).n).toBe(0);
      expect(notes(bot.store, incident, text)).toHaveLength(0);
      await send(form, 1);
      expect(notes(bot.store, incident, text)).toHaveLength(1);
      expect(sightings(bot.store.db, sighting).n).toBe(1);
      expect((await send(form, 2)).body).toBeFalsy(); // handled: an empty ack
      expect(notes(bot.store, incident, text)).toHaveLength(1);
    });

    it('a form asked for twice at the same moment, then again: one modal', async () => {
      const form = slash('update');
      const before = bot.fake.callsTo('views.open').length;
      const answers = await Promise.all([send(form), send(form, 1)]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect((await send(form, 2)).status).toBe(200);
      await bot.fake.waitForCalls('views.open', before + 1);
      expect(bot.fake.callsTo('views.open')).toHaveLength(before + 1);
    });
  });

  describe('Teams: a message redelivered', () => {
    let bot: BootedTeamsBot;
    let incident = '';
    let room = '';
    const where = (from: Person, conversationId: string) => ({
      serviceUrl: bot.connector.serviceUrl,
      from,
      conversationId,
    });
    const post = async (activity: Json): Promise<void> => {
      expect((await bot.sendActivity(activity)).status).toBe(200);
    };

    beforeAll(async () => {
      bot = await bootTeamsBot({ db: await backend.openDb() });
      const w = `${GENERAL_CHANNEL};messageid=1760000900000`;
      const fetched = await bot.sendActivity(
        taskFetch({ data: { msteams: { type: 'task/fetch' }, dialog: 'declare' } }, where(ALICE, w)),
      );
      const submit = findAction(fetched.body.task.value.card.content, (a) => a.type === 'Action.Submit').data;
      const fields = { title: 'Crash window', triggerClass: 'service_outage', impact: 'No market data' };
      await post(
        taskSubmit({ ...submit, ...fields, severeImpact: 'false', drill: 'false' }, where(ALICE, w)),
      );
      await bot.settle();
      const i = bot.store.listOpen().find((x) => x.title === 'Crash window');
      incident = i!.key;
      room = i!.room!.id;
    });
    afterAll(async () => {
      await bot?.close();
    });

    it('a sighting committed without its command (killed between them): the redelivery records it once', async () => {
      const text = 'broker 3 restarted';
      const msg = mentionMessage(`incident log ${text}`, where(CAROL, room));
      expect(bot.outbox.firstSighting(`teams:msg:${msg.id}`, new Date())).toBe(true);
      await post(msg);
      expect(notes(bot.store, incident, text)).toHaveLength(1);
      await post(msg);
      expect(notes(bot.store, incident, text)).toHaveLength(1);
      expect(commands(bot.db, `teams:${msg.id}`).n).toBe(1);
    });

    it("the command's transaction dies after writing the sighting: the redelivery records it once", async () => {
      const text = 'broker 4 restarted';
      const msg = mentionMessage(`incident log ${text}`, where(CAROL, room));
      dieOnceAfterRecording(bot.store);
      await post(msg);
      expect(notes(bot.store, incident, text)).toHaveLength(0);
      expect(sightings(bot.db, `teams:msg:${msg.id}`).n).toBe(0);
      await post(msg);
      await post(msg);
      expect(notes(bot.store, incident, text)).toHaveLength(1);
    });

    it('a form asked for twice at the same moment, then again: one card', async () => {
      await bot.settle();
      const before = bot.connector.activities.length;
      const msg = mentionMessage('incident update', where(CAROL, room));
      await Promise.all([post(msg), post(msg)]);
      await post(msg);
      await bot.settle();
      const cards = bot.connector.activities
        .slice(before)
        .filter((a) => JSON.stringify(a.body).includes('application/vnd.microsoft.card.adaptive'));
      expect(cards).toHaveLength(1);
    });
  });
});
