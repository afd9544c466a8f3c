// The local console in a real browser (headless Chromium through playwright-core), driven only by clicking
// and typing, against the real bot in local mode: a whole drill incident from the declare form to the
// recorded review, its exports downloaded and the audit trail checked; live updates (Server-Sent Events)
// that change an open page without reloading it, both for the drill clock's reminder and between two
// people's browsers; and that the main path is reachable from the keyboard with named controls.
// Chromium comes from the system (CHROMIUM_PATH, else /usr/bin/chromium): `.ci/run` installs it.
import { existsSync, readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootLocalBot, type LocalBot } from '../../support/boot-local-bot.js';
import { CHROMIUM, field, navigates, say, switchTo, WAIT } from '../../support/console-browser.js';

let browser: Browser | undefined;
let local: LocalBot | undefined;
const contexts: BrowserContext[] = [];
/** Errors the console's script threw in any page. */
const scriptErrors: string[] = [];

// Launched by the first test (each test fails, none is skipped, when there is no Chromium).
beforeEach(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: install it (apt-get install -y --no-install-recommends chromium, as .ci/run does) or set CHROMIUM_PATH to a Chromium binary.`,
    );
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  local = await bootLocalBot();
  scriptErrors.length = 0;
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await local?.close();
  local = undefined;
});
afterAll(async () => {
  await browser?.close();
});

/** A browser window of its own (its own cookies) opened at the printed address, as `person`. */
async function open(person: string): Promise<Page> {
  const context = await browser!.newContext({ acceptDownloads: true });
  context.setDefaultTimeout(WAIT);
  contexts.push(context);
  const page = await context.newPage();
  watch(page);
  await page.goto(local!.bot.console!.url);
  // The key was exchanged for a cookie: it left the address bar.
  expect(new URL(page.url()).searchParams.has('key')).toBe(false);
  await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
  if (person !== 'alice') await switchTo(page, person);
  return page;
}

function watch(page: Page): void {
  page.on('pageerror', (e) => scriptErrors.push(`${page.url()}: ${String(e)}`));
}

/** Marks the document: still marked later means the page was not reloaded or navigated. */
async function mark(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as { __marker?: number }).__marker = 1;
  });
}
async function stillMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as { __marker?: number }).__marker === 1);
}

/** The page subscribed to live updates (console.js sets this once /events is open). */
async function live(page: Page): Promise<void> {
  await page.locator('body[data-live="connected"]').waitFor({ state: 'attached' });
}

const roleRow = (page: Page, role: string): Locator => page.locator('table.roles tr', { hasText: role });
const item = (page: Page, id: string): Locator =>
  page.locator('.checklist li', { has: page.locator(`input[name="item"][value="${id}"]`) });
const feed = (page: Page): Locator => page.locator('section.feed');
const log = (page: Page): Locator => page.locator('ol.log');

async function claim(page: Page, role: string): Promise<void> {
  await navigates(page, () => roleRow(page, role).getByRole('button', { name: 'Claim' }).click());
}

async function tick(page: Page, id: string): Promise<void> {
  await navigates(page, () => item(page, id).getByRole('button', { name: 'Done' }).click());
  await page.locator('.checklist li.marked', { has: page.locator(`input[value="${id}"]`) }).waitFor();
}

/** Opens a form from the summary's buttons. */
async function openForm(page: Page, label: string, title: string): Promise<void> {
  const link = page.locator('.summary .actions').getByRole('link', { name: label, exact: true });
  await navigates(page, () => link.click());
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
}

async function submitForm(page: Page, label: string): Promise<void> {
  await navigates(page, () => page.getByRole('button', { name: label }).click());
}

/** The phase form: forward with every exit criterion ticked. */
async function moveOn(page: Page, to: string): Promise<void> {
  await openForm(page, 'Change phase', 'Change phase');
  await page.getByLabel(`Move on to ${to}`).check();
  const boxes = page.locator('input[name="criteria"]');
  for (const box of await boxes.all()) await box.check();
  await submitForm(page, 'Move');
  await page.locator('.summary .facts div', { hasText: 'Phase' }).filter({ hasText: to }).waitFor();
}

async function declareDrill(page: Page, title: string): Promise<string> {
  await navigates(page, () => page.getByRole('link', { name: 'Declare an incident' }).click());
  await field(page, 'title').fill(title);
  await page.getByLabel('Severe service outage').check();
  await field(page, 'impact').fill(
    'Market data for every desk stopped updating; pricing runs on stale prices.',
  );
  await page.getByLabel('Yes: status updates every 15 minutes').check();
  await page.getByLabel('This is a drill').check();
  await submitForm(page, 'Declare');
  const m = /\/incidents\/([\w-]+)$/.exec(page.url());
  expect(m, `landed on ${page.url()}`).not.toBeNull();
  return m![1]!;
}

async function download(page: Page, label: string | RegExp): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([
    page.waitForEvent('download', { timeout: WAIT }),
    page.getByRole('link', { name: label }).click(),
  ]);
  const path = await d.path();
  return { name: d.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

describe('the local console in a real browser', () => {
  it('runs a drill incident from declaration to review', { timeout: 180_000 }, async () => {
    const alice = await open('alice');
    const key = await declareDrill(alice, 'Ingest pipeline hard down');

    // The room: the summary, the golden-hour checklist, the flash of what the bot answered.
    await alice.locator('.summary h2', { hasText: key }).waitFor();
    await alice.locator('.summary .drill').waitFor();
    await alice.locator('.checklist h2', { hasText: 'Golden hour checklist' }).waitFor();
    await alice.locator('.flash', { hasText: `${key} declared` }).waitFor();
    await expect
      .poll(() => roleRow(alice, 'Incident commander').locator('td').first().textContent())
      .toContain('Alice');

    // Roles, each claimed by its person (switched in the header).
    for (const [person, role, name] of [
      ['bob', 'Technical lead', 'Bob'],
      ['carol', 'Communications lead', 'Carol'],
      ['dave', 'Scribe', 'Dave'],
    ] as const) {
      await switchTo(alice, person);
      await claim(alice, role);
      await roleRow(alice, role).locator('.who', { hasText: name }).waitFor();
      // The role brief, for the claimant only.
      await alice.locator('section.mine article.post', { hasText: `you are ${role}` }).waitFor();
    }
    await switchTo(alice, 'alice');

    // The checklist, ticked.
    await tick(alice, 'stabilize.switch_off');
    // Workstream leads from the summary's Lead buttons: the bot ticks their checklist item.
    for (const ws of ['Containment', 'Investigation', 'Stakeholder comms', 'Compliance'])
      await navigates(alice, () => alice.getByRole('button', { name: `Lead ${ws}`, exact: true }).click());
    await alice.locator('table.workstreams tr', { hasText: 'Compliance' }).locator('.who').waitFor();
    await alice.locator('.checklist li.marked', { hasText: 'Verify each workstream' }).waitFor();
    await alice.locator('.checklist .progress', { hasText: '3/8 done' }).waitFor();

    // The initial alert, from its button, prefilled with what the bot knows.
    await openForm(alice, 'Send initial alert', 'Initial alert');
    expect(await field(alice, 'field:system').inputValue()).toBe('Ingest pipeline hard down');
    expect(await field(alice, 'field:commander').inputValue()).toBe('@Alice');
    expect(await field(alice, 'field:start_time').inputValue()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(await field(alice, 'field:next_update').inputValue()).not.toBe('');
    await field(alice, 'field:summary').fill(
      'Kafka ingest is hard down; market data is stale for all desks.',
    );
    await field(alice, 'field:actions').fill(
      'Deployments frozen; failing ingest over to the secondary cluster.',
    );
    await submitForm(alice, 'Send alert');
    await alice.locator('.flash', { hasText: 'Initial stakeholder alert sent' }).waitFor();
    await alice.locator('.checklist li.marked', { hasText: 'initial stakeholder alert' }).waitFor();
    // The room's posts: the alert, as posted in the incident room.
    await feed(alice).locator('article.post', { hasText: 'failing ingest over to the secondary' }).waitFor();

    // The stakeholder channel page shows it (and the announcement before it).
    await navigates(alice, () => alice.getByRole('link', { name: 'Stakeholder channel' }).click());
    await alice.locator('#live article.post', { hasText: 'failing ingest over to the secondary' }).waitFor();
    await navigates(alice, () => alice.getByRole('link', { name: key }).first().click());
    await alice.locator('.summary h2', { hasText: key }).waitFor();

    // Typed verbs: a log line, a decision with its reason, evidence with a link.
    await say(alice, 'log Consumer group lag at 2.1M messages; brokers 2 and 3 report ISR shrink');
    await log(alice).locator('li', { hasText: 'Consumer group lag at 2.1M messages' }).waitFor();
    await say(
      alice,
      'decision Fail over to the secondary cluster because the primary partitions are corrupt',
    );
    await log(alice).locator('li', { hasText: 'Fail over to the secondary cluster' }).waitFor();
    await say(alice, 'evidence Ingest lag dashboard https://grafana.example.com/d/ingest-lag');
    await log(alice).locator('li', { hasText: 'Ingest lag dashboard' }).waitFor();

    // A phase move, its exit criteria ticked.
    await moveOn(alice, 'Containment');

    // The drill clock moved on from another window: the reminder reaches this room page live.
    await live(alice);
    await mark(alice);
    const remindersBefore = await feed(alice).locator('article.post', { hasText: 'reminder' }).count();
    const other = await alice.context().newPage();
    watch(other);
    await other.goto(`${new URL(alice.url()).origin}/stakeholders`);
    await other.locator('#ff-minutes').selectOption('30');
    await navigates(other, () => other.getByRole('button', { name: '⏩ Go' }).click());
    await other.locator('.clock .ahead', { hasText: '+30 min' }).waitFor();
    const nudge = feed(alice).locator('article.post', { hasText: 'A status update is due' });
    await nudge.first().waitFor();
    expect(await feed(alice).locator('article.post', { hasText: 'reminder' }).count()).toBeGreaterThan(
      remindersBefore,
    );
    await nudge
      .first()
      .getByRole('link', { name: /status update/i })
      .waitFor();
    expect(await stillMarked(alice), 'the room page was reloaded').toBe(true);
    await other.close();

    // The status update the reminder asked for.
    await openForm(alice, 'Status update', 'Status update');
    await field(alice, 'field:status').selectOption('stabilizing');
    await field(alice, 'field:developments').fill(
      '- Failover to the secondary cluster started\n- Lag falling',
    );
    await field(alice, 'field:risks').fill('- The secondary has half the partitions');
    await field(alice, 'field:help').fill('None right now.');
    await submitForm(alice, 'Post update');
    await alice.locator('.flash', { hasText: 'Status update sent' }).waitFor();
    await feed(alice)
      .locator('article.post', { hasText: 'Failover to the secondary cluster started' })
      .waitFor();

    // A follow-up.
    await openForm(alice, 'Add follow-up', 'Follow-up action');
    await field(alice, 'what').fill('Alert on ISR shrink across two or more brokers');
    await field(alice, 'acceptance').fill('Shrinking ISR on two brokers pages the on-call');
    await field(alice, 'owner').selectOption('bob');
    await field(alice, 'objective').selectOption('resilience');
    await submitForm(alice, 'Add');
    await alice.locator('#followups-h + .list li', { hasText: 'Alert on ISR shrink' }).waitFor();

    // On to closure, then close with every closure criterion.
    await moveOn(alice, 'Mitigation & recovery');
    await moveOn(alice, 'Closure');
    await openForm(alice, 'Close', 'Close incident');
    for (const box of await alice.locator('input[name="criteria"]').all()) await box.check();
    expect(await field(alice, 'field:impact_summary').inputValue()).toContain('Market data');
    await field(alice, 'field:followups').fill('Alert on ISR shrink (Bob, two weeks, resilience).');
    await submitForm(alice, 'Close incident');
    await alice.locator('.flash', { hasText: `${key} is closed` }).waitFor();

    // The review: five whys, contributing factors by control objective.
    await openForm(alice, 'Record review', 'Post-incident review');
    await field(alice, 'summary').fill(
      'Two brokers lost in-sync replicas after a disk filled; ingest stalled.',
    );
    const whys = [
      'Ingest stalled because consumers could not read corrupted partitions.',
      'The partitions were corrupted because two brokers fell out of sync.',
      'They fell out of sync because their log disks filled.',
      'The disks filled because retention was raised without resizing.',
      'Capacity checks are not part of the retention change procedure.',
    ];
    for (const [n, why] of whys.entries()) await field(alice, `why_${n + 1}`).fill(why);
    await field(alice, 'factor_risk').fill('Stale prices reached traders for 30 minutes.');
    await field(alice, 'factor_resilience').fill('No alert on ISR shrink.');
    await field(alice, 'corrective_actions').fill(
      'Capacity checks on retention changes; alert on ISR shrink.',
    );
    await field(alice, 'verification_plan').fill('Game day filling a broker disk on staging.');
    await field(alice, 'question:readiness').fill(
      'ISR and disk alerts fire on staging; the failover drill met policy.',
    );
    await field(alice, 'question:runbook_library').fill(
      'The Kafka recovery runbook gains the disk-full case.',
    );
    await submitForm(alice, 'Record review');
    await alice.locator('.flash', { hasText: 'Review recorded' }).waitFor();
    await alice.locator('.summary .facts div', { hasText: 'Phase' }).filter({ hasText: 'Done' }).waitFor();

    const incident = local!.bot.app.incident(key)!;
    expect(incident.drill).toBe(true);
    expect(incident.phase).toBe('done');
    expect(incident.review?.whys).toEqual(whys);
    expect(incident.review?.answers?.readiness).toMatch(/failover drill met policy/);
    expect(incident.followups.map((f) => f.owner)).toEqual(['bob']);

    // The exports, downloaded.
    await navigates(alice, () => alice.getByRole('link', { name: 'Export the record' }).click());
    const md = await download(alice, 'Review document (Markdown)');
    expect(md.name).toMatch(/\.md$/);
    expect(md.text).toContain(key);
    expect(md.text).toMatch(/\]\([^)]*\.svg\)/);
    expect(md.text).toContain(whys[4]);
    const svg = await download(alice, 'Phase timeline (SVG)');
    expect(svg.text).toContain('<svg');
    const csv = await download(alice, 'Timeline (CSV)');
    expect(csv.name).toMatch(/\.csv$/);
    expect(csv.text.split('\n').length).toBeGreaterThan(10);
    expect(csv.text).toContain('Consumer group lag');
    const jsonl = await download(alice, /Decision log with its proof/);
    const lines = jsonl.text.trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(jsonl.text).toContain(key);

    // The audit trail holds.
    await navigates(alice, () => alice.getByRole('link', { name: 'Audit trail' }).click());
    await alice.getByRole('heading', { name: 'Audit trail: holds', level: 1 }).waitFor();
    expect(scriptErrors).toEqual([]);
  });

  it("shows each person's actions live in the other's open room", { timeout: 90_000 }, async () => {
    const alice = await open('alice');
    const key = await declareDrill(alice, 'Risk engine unavailable');
    const bob = await open('bob');
    await navigates(bob, () => bob.getByRole('link', { name: key }).click());
    await bob.locator('.summary h2', { hasText: key }).waitFor();
    await Promise.all([live(alice), live(bob)]);

    // Bob claims a role: Alice's page shows him holding it, without reloading.
    await mark(alice);
    await claim(bob, 'Technical lead');
    await roleRow(alice, 'Technical lead').locator('.who', { hasText: 'Bob' }).waitFor();
    await bob.locator('section.mine article.post', { hasText: 'you are Technical lead' }).waitFor();
    expect(await stillMarked(alice), "Alice's page was reloaded").toBe(true);

    // Alice logs something: Bob's page shows it in the decision log, without reloading.
    await live(bob);
    await mark(bob);
    await say(alice, 'log Risk engine pods crash-looping since the 09:40 deploy');
    await log(bob).locator('li', { hasText: 'Risk engine pods crash-looping' }).waitFor();
    expect(await stillMarked(bob), "Bob's page was reloaded").toBe(true);
    expect(local!.bot.app.incident(key)!.roles.technical_lead).toEqual(['bob']);
    expect(scriptErrors).toEqual([]);
  });

  it('lays the room out: no news button when nothing is new, the timeline picture within its card', async () => {
    const alice = await open('alice');
    const key = await declareDrill(alice, 'Settlement file not delivered');
    await alice.locator('.summary h2', { hasText: key }).waitFor();
    await live(alice);
    // A delivery refreshes the open page; nobody was typing, so nothing waits behind a button.
    await alice.locator('.checklist li.marked', { hasText: 'incident channel' }).waitFor();
    expect(
      await alice.locator('#stale').isVisible(),
      '"New activity" button shown with nothing held back',
    ).toBe(false);
    const picture = alice.locator('figure.timeline img');
    await picture.waitFor();
    // Loaded (an image that fails to load has no natural width).
    await expect
      .poll(() => picture.evaluate((img) => (img as { naturalWidth?: number }).naturalWidth ?? 0))
      .toBeGreaterThan(0);
    // Measured in one evaluation: a live refresh (the room's timeline post is refreshed too) may replace the
    // part between two separate look-ups. Pixels the picture sticks out past its card (null: not laid out).
    const OVERFLOW = `(() => {
      const img = document.querySelector('figure.timeline img')?.getBoundingClientRect();
      const card = document.querySelector('figure.timeline')?.closest('section')?.getBoundingClientRect();
      return img && card && img.width > 0 ? img.right - card.right : null;
    })()`;
    await expect.poll(() => alice.evaluate(OVERFLOW)).not.toBeNull();
    const px = (await alice.evaluate(OVERFLOW)) as number;
    expect(px, 'the timeline picture overflows its card').toBeLessThanOrEqual(0);
    expect(scriptErrors).toEqual([]);
  });

  it('reaches the main path from the keyboard, with named controls', { timeout: 60_000 }, async () => {
    const alice = await open('alice');
    const key = await declareDrill(alice, 'Order gateway rejecting orders');
    await alice.locator('.summary h2', { hasText: key }).waitFor();

    // Tab from the top of the room: the skip link first, then on to the "Tell the bot" box.
    await alice.locator('body').focus();
    await alice.keyboard.press('Tab');
    expect(await alice.locator(':focus').textContent()).toBe('Skip to content');
    let reached = false;
    for (let n = 0; n < 20 && !reached; n++) {
      await alice.keyboard.press('Tab');
      reached = (await alice.locator('#say-text:focus').count()) === 1;
    }
    expect(reached, 'Tab never reached the "Tell the bot" box').toBe(true);
    await alice.keyboard.type('log Typed from the keyboard alone');
    await navigates(alice, () => alice.keyboard.press('Enter'));
    await log(alice).locator('li', { hasText: 'Typed from the keyboard alone' }).waitFor();

    // Every control of the summary has an accessible name (a light check, not an audit).
    const tree = await alice.locator('section.summary').ariaSnapshot();
    expect(tree).toMatch(/button "Claim /);
    expect(tree).toMatch(/link "Send initial alert"/);
    expect(tree).toMatch(/combobox "Hand Incident commander over to"/);
    expect(tree).not.toMatch(/- (button|link|combobox|textbox|checkbox)(\s*$|\s*:|\s*\[)/m);
    // And the checklist's reason boxes are labelled too.
    const unlabelled = await alice
      .locator('#live input:not([type=hidden]), #live select')
      .evaluateAll(
        (els) => els.filter((e) => (e as { labels?: { length: number } }).labels?.length === 0).length,
      );
    expect(unlabelled).toBe(0);
    expect(scriptErrors).toEqual([]);
  });
});
