// The playbook's links as people can follow them (issue 19, links): with `links.base` set, every relative
// runbook, guide and checklist link resolves against it and each platform renders a real link — Slack's
// summary and checklist messages, Teams' summary and checklist cards, the local console's room — each
// through its real endpoint.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK_PATH } from '../../src/storage/playbook-file.js';
import { SlackDriver } from '../scenarios/slack-driver.js';
import { TeamsDriver } from '../scenarios/teams-driver.js';
import { bootLocalBot, ConsoleClient } from '../support/boot-local-bot.js';
import { bootSlackBot } from '../support/boot-slack-bot.js';
import { bootTeamsBot } from '../support/boot-teams-bot.js';
import { tempDb } from '../support/temp-db.js';

const BASE = 'https://wiki.example.com/handbook/';
const RUNBOOK = `${BASE}runbooks/kafka_ingest_offset_recovery.md`;
const LIBRARY = `${BASE}runbooks/README.md`;
/** `../MASTER_SWITCH_GUIDE.md` from the handbook's folder, as a browser would resolve it. */
const MASTER_SWITCH = 'https://wiki.example.com/MASTER_SWITCH_GUIDE.md';

let file: string;
beforeAll(() => {
  file = path.join(path.dirname(tempDb().path), 'with-base.yaml');
  writeFileSync(
    file,
    readFileSync(DEFAULT_PLAYBOOK_PATH, 'utf8').replace(/^links:\n/m, `links:\n  base: ${BASE}\n`),
  );
});

const outage = {
  title: 'Ingest pipeline down',
  triggerClass: 'service_outage',
  impact: 'No prices since 09:00',
  severeImpact: true,
  drill: false,
};

describe('links resolved against links.base, as real links', () => {
  let closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
    closers = [];
  });

  it('Slack: the summary shows the runbooks and the runbook library, the checklist its guides', async () => {
    const bot = await bootSlackBot({ playbookPath: file });
    closers.push(() => bot.close());
    const key = await new SlackDriver(bot).declare(outage, 'ic');
    const room = bot.store.get(key)!.room!.id;
    const summary = JSON.stringify(
      bot.fake.message(room, bot.outbox.getMessageRef(key, 'slack', 'summary')!.ref),
    );
    expect(summary).toContain(`<${RUNBOOK}|kafka_ingest_offset_recovery>`);
    expect(summary).toContain(`<${LIBRARY}|runbook library>`);
    const checklist = JSON.stringify(
      bot.fake.message(room, bot.outbox.getMessageRef(key, 'slack', 'checklist')!.ref),
    );
    expect(checklist).toContain(`<${MASTER_SWITCH}|Master Switch Guide>`);
    expect(checklist).not.toContain('../MASTER_SWITCH_GUIDE.md');
  });

  it('Teams: the summary card and the checklist card carry the links', async () => {
    const bot = await bootTeamsBot({ playbookPath: file });
    closers.push(() => bot.close());
    const key = await new TeamsDriver(bot).declare(outage, 'ic');
    const card = (name: string) =>
      JSON.stringify(bot.connector.activityById(bot.outbox.getMessageRef(key, 'teams', name)!.ref));
    expect(card('summary')).toContain(`](${RUNBOOK})`);
    expect(card('summary')).toContain(`](${LIBRARY})`);
    expect(card('checklist')).toContain(`](${MASTER_SWITCH})`);
  });

  it('the local console: the room links them', async () => {
    const local = await bootLocalBot({ PLAYBOOK_PATH: file });
    closers.push(() => local.close());
    const c = await new ConsoleClient(local).enter('alice');
    const r = await c.post('/declare', {
      _key: 'links-declare-01',
      title: 'Ingest pipeline down',
      triggerClass: 'service_outage',
      impact: 'No prices',
      severeImpact: 'no',
      visibility: 'default',
      commander: 'me',
    });
    await local.settle();
    const room = (await c.get(r.location!)).html;
    expect(room).toContain(`<a href="${RUNBOOK}" rel="noopener noreferrer">kafka_ingest_offset_recovery</a>`);
    expect(room).toContain(`<a href="${MASTER_SWITCH}" rel="noopener noreferrer">Master Switch Guide</a>`);
  });
});
