// Driving the local console in headless Chromium (playwright-core): what the browser test and the
// screenshots script both do — the system's Chromium, waiting for the page an action leads to, switching
// person, typing a verb, the form fields by id.
import type { Locator, Page } from 'playwright-core';

/** The system's Chromium (`.ci/run` installs Debian's package); playwright-core downloads none. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Generous: a slow CI machine is not a failure; nothing asserts on time. */
export const WAIT = 15_000;

/** Does `act` and waits for the page it leads to (a form post answered by a redirect, a link). */
export async function navigates(page: Page, act: () => Promise<unknown>): Promise<void> {
  const loaded = page.waitForEvent('load', { timeout: WAIT });
  try {
    await act();
  } catch (e) {
    loaded.catch(() => {});
    throw e;
  }
  await loaded;
}

/** Picks who this browser is in the header; waits for the page rendered for them. */
export async function switchTo(page: Page, person: string): Promise<void> {
  await page.locator('#who-select').selectOption(person);
  await navigates(page, () => page.getByRole('button', { name: 'Switch', exact: true }).click());
  await page.locator(`#who-select option[selected][value="${person}"]`).waitFor({ state: 'attached' });
}

/** Types a verb in the room's "Tell the bot" box and sends it with Enter. */
export async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Tell the bot').fill(text);
  await navigates(page, () => page.getByLabel('Tell the bot').press('Enter'));
}

export async function submit(page: Page, label: string): Promise<void> {
  await navigates(page, () => page.getByRole('button', { name: label }).click());
}

/** A form input by its field id (`#f-<id>`; ids such as `field:summary` hold a colon). */
export const field = (page: Page, id: string): Locator => page.locator(`[id="f-${id}"]`);
