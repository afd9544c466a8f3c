// The page around every console screen: who you are (switchable), the drill clock with fast-forward, the
// navigation, the flash of what the bot answered, and the live-update hook (console.js).
import { LOCAL_PEOPLE, type LocalPerson } from '../../../app/local-people.js';
import { type Html, h, raw, timeHtml } from './html.js';

export interface PageChrome {
  title: string;
  me: LocalPerson;
  clock: { now: string; aheadMinutes: number };
  /** The path this page is at (forms post back to it). */
  path: string;
  /** What the bot answered the last action, already rendered. */
  flash?: Html[];
  /** The live event number the page was rendered after (see LiveHub). */
  seen?: number;
  /** `data-live` of the main region: what console.js refreshes on. */
  live?: { kind: 'incident' | 'home' | 'stakeholders' | 'drill'; id?: string };
}

function whoSwitch(c: PageChrome): Html {
  return h`<form method="post" action="/who" class="who-switch">
  <input type="hidden" name="back" value="${c.path}">
  <label for="who-select">You are</label>
  <select id="who-select" name="person">${LOCAL_PEOPLE.map(
    (p) => h`<option value="${p.id}"${raw(p.id === c.me.id ? ' selected' : '')}>${p.name}</option>`,
  )}</select>
  <button type="submit">Switch</button>
</form>`;
}

function clockBox(c: PageChrome): Html {
  const ahead = c.clock.aheadMinutes
    ? h` <span class="ahead">(+${String(c.clock.aheadMinutes)} min)</span>`
    : '';
  return h`<form method="post" action="/clock/forward" class="clock">
  <input type="hidden" name="back" value="${c.path}">
  <span>Drill clock ${timeHtml(c.clock.now)}${ahead}</span>
  <label for="ff-minutes">Fast-forward</label>
  <select id="ff-minutes" name="minutes">${[5, 10, 15, 30, 60].map(
    (m) => h`<option value="${String(m)}"${raw(m === 15 ? ' selected' : '')}>${String(m)} min</option>`,
  )}</select>
  <button type="submit">⏩ Go</button>
</form>`;
}

export function page(c: PageChrome, main: Html): string {
  const live = c.live
    ? h` data-live="${c.live.kind}" data-id="${c.live.id ?? ''}" data-seq="${String(c.seen ?? 0)}"`
    : '';
  return h`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${c.title} · incident-bot local console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/console.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <nav aria-label="Console"><a href="/" class="brand">incident-bot <span>local console</span></a>
  <a href="/stakeholders">Stakeholder channel</a> <a href="/drills">Drills</a> <a href="/audit">Audit trail</a></nav>
  ${clockBox(c)}
  ${whoSwitch(c)}
</header>
<main id="main"${live}>
${c.flash?.length ? h`<div class="flash" role="status">${c.flash.map((f) => h`<div>${f}</div>`)}</div>` : ''}
${main}
</main>
<footer>Local mode: drills and rehearsals on this machine only; nothing is sent anywhere. To connect Slack or Teams, see the README.</footer>
</body>
</html>`.html;
}

/** A page that is only a sentence (not found, not a member, signed out). */
export function notice(c: PageChrome, heading: string, text: Html): string {
  return page(c, h`<h1>${heading}</h1><p>${text}</p><p><a href="/">Back to the incidents</a></p>`);
}
