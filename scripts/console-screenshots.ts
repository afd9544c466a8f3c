// Takes the local console's screenshots (docs/screenshots/console-*.png, 1280x800) in headless Chromium:
// boots the bot in local mode, plays a drill incident through the pages as its people would (declare,
// claim roles, tick the checklist, send the initial alert, log, move phase, let the drill clock run into a
// reminder, close, record the review), and a scripted drill from the Drills page. Also prints the room
// page's weight (HTML, console.css, console.js; raw and gzip) and the requests it makes.
// Run after a change to the console: `npx tsx scripts/console-screenshots.ts` (needs Chromium: CHROMIUM_PATH
// or /usr/bin/chromium, as the browser test; fonts-noto-color-emoji for the emoji to show).
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { bootLocalBot } from '../test/support/boot-local-bot.js';
import { CHROMIUM, field, navigates, say, submit, switchTo, WAIT } from '../test/support/console-browser.js';

const OUT = process.env.SHOTS_DIR ?? join(import.meta.dirname, '..', 'docs', 'screenshots');

async function openForm(page: Page, label: string): Promise<void> {
  const link = page.locator('.summary .actions').getByRole('link', { name: label, exact: true });
  await navigates(page, () => link.click());
}

async function claim(page: Page, person: string, role: string): Promise<void> {
  await switchTo(page, person);
  const row = page.locator('table.roles tr', { hasText: role });
  await navigates(page, () => row.getByRole('button', { name: 'Claim' }).click());
}

async function tick(page: Page, item: string): Promise<void> {
  const li = page.locator('.checklist li', { has: page.locator(`input[name="item"][value="${item}"]`) });
  await navigates(page, () => li.getByRole('button', { name: 'Done' }).click());
}

async function moveOn(page: Page, to: string): Promise<void> {
  await openForm(page, 'Change phase');
  await page.getByLabel(`Move on to ${to}`).check();
  for (const box of await page.locator('input[name="criteria"]').all()) await box.check();
  await submit(page, 'Move');
}

async function declare(
  page: Page,
  o: { title: string; trigger: string; impact: string; severe: boolean },
  shot?: string,
): Promise<string> {
  await navigates(page, () => page.goto(`${new URL(page.url()).origin}/declare`));
  await field(page, 'title').fill(o.title);
  await page.getByLabel(o.trigger).check();
  await field(page, 'impact').fill(o.impact);
  if (o.severe) await page.getByLabel('Yes: status updates every 15 minutes').check();
  await page.getByLabel('This is a drill').check();
  if (shot) await snap(page, shot);
  await submit(page, 'Declare');
  return /\/incidents\/([\w-]+)$/.exec(page.url())![1]!;
}

async function snap(page: Page, name: string): Promise<void> {
  const path = join(OUT, name);
  await page.screenshot({ path });
  console.log(`${name}: ${Math.round(statSync(path).size / 1024)} KB`);
}

/** The room page as a browser loads it: bytes of what it fetched, and every request it made. */
async function weigh(page: Page): Promise<void> {
  const requests: string[] = [];
  const bytes = new Map<string, Buffer>();
  const onRequest = (r: { url(): string; method(): string }) =>
    requests.push(`${r.method()} ${new URL(r.url()).pathname}`);
  page.on('request', onRequest);
  const doc = await page.reload();
  bytes.set('room page HTML', await doc!.body());
  await page.locator('body[data-live="connected"]').waitFor({ state: 'attached', timeout: WAIT });
  await page.waitForTimeout(500);
  page.off('request', onRequest);
  for (const asset of ['console.css', 'console.js']) {
    const r = await page.request.get(`${new URL(page.url()).origin}/assets/${asset}`);
    bytes.set(asset, await r.body());
  }
  let raw = 0;
  let gz = 0;
  console.log('\nRoom page weight (the server sends it uncompressed):');
  for (const [what, b] of bytes) {
    const g = gzipSync(b).length;
    raw += b.length;
    gz += g;
    console.log(`  ${what.padEnd(16)} ${String(b.length).padStart(7)} B   gzip ${String(g).padStart(6)} B`);
  }
  console.log(`  ${'total'.padEnd(16)} ${String(raw).padStart(7)} B   gzip ${String(gz).padStart(6)} B`);
  console.log(`Requests for the room page (${requests.length}): ${requests.join(', ')}\n`);
}

mkdirSync(OUT, { recursive: true });
// Drill steps 1.5 s apart, as `npm start` plays them (tests play them at once).
const local = await bootLocalBot({}, { drillPauseMs: 1500 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  await page.goto(local.bot.console!.url);

  // Dave declared a data-integrity drill earlier in the morning.
  await switchTo(page, 'dave');
  await declare(page, {
    title: 'EOD reconciliation missing for two custodians',
    trigger: 'Data integrity compromise',
    impact: 'End-of-day positions for two custodians were not reconciled; risk reports flagged.',
    severe: false,
  });
  await page.locator('#ff-minutes').selectOption('10');
  await submit(page, '⏩ Go');

  // Alice declares the outage.
  await switchTo(page, 'alice');
  const key = await declare(
    page,
    {
      title: 'Ingest pipeline hard down: market data stale',
      trigger: 'Severe service outage',
      impact:
        'Market data for every desk stopped updating at 09:52 UTC; pricing and risk run on stale prices.',
      severe: true,
    },
    'console-declare.png',
  );
  await claim(page, 'bob', 'Technical lead');
  await claim(page, 'carol', 'Communications lead');
  await claim(page, 'dave', 'Scribe');
  await switchTo(page, 'alice');
  await tick(page, 'stabilize.switch_off');
  // Workstream leads from the summary (the bot then ticks owners.workstreams).
  for (const ws of ['Containment', 'Investigation', 'Stakeholder comms', 'Compliance'])
    await navigates(page, () => page.getByRole('button', { name: `Lead ${ws}`, exact: true }).click());
  await switchTo(page, 'bob');
  await tick(page, 'stabilize.freeze_deploys');
  await tick(page, 'assess.confirm_systems');

  // Carol sends the initial alert from its prefilled form.
  await switchTo(page, 'carol');
  await openForm(page, 'Send initial alert');
  await field(page, 'field:summary').fill(
    'Kafka ingest is hard down and market data is stale for all desks. Trading continues on stale prices while we fail over.',
  );
  await field(page, 'field:actions').fill(
    'Deployments frozen; failing ingest over to the secondary Kafka cluster.',
  );
  await page.evaluate('window.scrollTo(0, 0)');
  await snap(page, 'console-alert-form.png');
  await submit(page, 'Send alert');

  await switchTo(page, 'bob');
  await say(page, 'log Consumer group lag at 2.1M messages; brokers 2 and 3 report ISR shrink since 09:51.');
  await switchTo(page, 'alice');
  await say(
    page,
    "decision Fail ingest over to the secondary cluster because the primary's partitions are corrupt",
  );
  await moveOn(page, 'Containment');

  // Nobody posts the status update: half an hour on, the bot nudges the room.
  await page.locator('#ff-minutes').selectOption('30');
  await submit(page, '⏩ Go');
  // (The page shows the room as the bot has delivered to it, whatever the live updates did meanwhile.)
  await local.settle();
  await page.reload();
  const nudge = page.locator('section.feed article.post', { hasText: 'A status update is due' }).first();
  await nudge.waitFor();
  // The room is taller than a screen: scrolled to the summary's facts and roles, the room's posts and the
  // nudge (the checklist follows the summary, below the picture).
  const box = (await nudge.boundingBox())!; // the page is at its top after the reload
  await page.evaluate(`window.scrollTo(0, ${Math.max(0, Math.round(box.y + box.height + 16 - 800))})`);
  await snap(page, 'console-room.png');
  await weigh(page);

  await navigates(page, () => page.getByRole('link', { name: 'incident-bot local console' }).click());
  await snap(page, 'console-incidents.png');

  // Carol posts the update; the team contains, recovers and closes; Alice records the review.
  await navigates(page, () => page.getByRole('link', { name: key }).click());
  await openForm(page, 'Status update');
  await field(page, 'field:status').selectOption('stabilizing');
  await field(page, 'field:developments').fill(
    '- Failover to the secondary cluster started at 10:05\n- Secondary consumers catching up, lag falling',
  );
  await field(page, 'field:risks').fill(
    '- Secondary cluster has half the partitions: lag may grow at the open',
  );
  await field(page, 'field:help').fill('None right now.');
  await submit(page, 'Post update');
  await switchTo(page, 'bob');
  await say(page, 'evidence Ingest lag dashboard https://grafana.example.com/d/ingest-lag?from=now-1h');
  await openForm(page, 'Add follow-up');
  await field(page, 'what').fill('Alert on ISR shrink across two or more brokers before consumers stall.');
  await field(page, 'acceptance').fill('Shrinking ISR on two brokers pages the on-call within five minutes.');
  await field(page, 'objective').selectOption('resilience');
  await submit(page, 'Add');
  await switchTo(page, 'alice');
  await moveOn(page, 'Mitigation & recovery');
  await page.locator('#ff-minutes').selectOption('15');
  await submit(page, '⏩ Go');
  await moveOn(page, 'Closure');
  await openForm(page, 'Close');
  for (const box of await page.locator('input[name="criteria"]').all()) await box.check();
  await field(page, 'field:followups').fill('Alert on ISR shrink (Bob, two weeks, resilience).');
  await submit(page, 'Close incident');
  await openForm(page, 'Record review');
  await field(page, 'summary').fill(
    "Two Kafka brokers lost in-sync replicas after a disk filled; the primary's partitions were corrupted and ingest stalled.",
  );
  const whys = [
    'Ingest stalled because the consumers could not read the corrupted partitions.',
    'The partitions were corrupted because two brokers fell out of sync at once.',
    'They fell out of sync because their log disks filled.',
    'The disks filled because retention was raised for an audit without resizing.',
    'Capacity checks are not part of the retention change procedure.',
  ];
  for (const [n, why] of whys.entries()) await field(page, `why_${n + 1}`).fill(why);
  await field(page, 'factor_resilience').fill(
    'No alert on ISR shrink; the secondary has half the partitions.',
  );
  await field(page, 'corrective_actions').fill(
    'Add capacity checks to retention changes; alert on ISR shrink.',
  );
  await field(page, 'verification_plan').fill(
    'Game day filling a broker disk on staging; the alert must fire.',
  );
  await field(page, 'question:readiness').fill(
    'ISR and disk alerts fire on staging; the Kafka failover drill met its 20-minute threshold.',
  );
  await field(page, 'question:runbook_library').fill(
    'kafka_ingest_offset_recovery gains the disk-full case (Bob, this week).',
  );
  await submit(page, 'Record review');
  await page.locator('figure.timeline').scrollIntoViewIfNeeded();
  await snap(page, 'console-review.png');

  // A scripted drill, played from the Drills page.
  await navigates(page, () => page.getByRole('link', { name: 'Drills' }).click());
  await submit(page, 'Play severe-outage');
  await page.locator('ol.steps li').nth(6).waitFor({ timeout: 60_000 });
  await snap(page, 'console-drill.png');
  await context.close();
} finally {
  await browser.close();
  await local.close();
}
