// The local console over HTTP, as a browser uses it: the real bot in local mode (startBot), cookies per
// person, forms posted with the console's own field names. What the browser test (browser.test.ts) shows
// by clicking, this checks at the edges: who may get in, who may see what, idempotency, the drill clock
// and its record, exports, the audit check, drills, and bad input.
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentFormName } from '../../../src/app/form-flow.js';
import { shownForm } from '../../../src/app/form-flow.js';
import { localActor, localPerson } from '../../../src/app/local-people.js';
import type { Incident } from '../../../src/domain/incident.js';
import type { FormView } from '../../../src/views/form.js';
import { inputs } from '../../../src/views/form.js';
import { bootLocalBot, ConsoleClient, type LocalBot } from '../../support/boot-local-bot.js';

let local: LocalBot;
beforeEach(async () => {
  local = await bootLocalBot();
});
afterEach(async () => {
  await local.close();
});

/** A form's fields as the browser posts them: what it opens with, then the overrides. */
function formBody(
  form: FormView,
  over: Record<string, string | string[]>,
  key: string,
): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = { _key: key };
  for (const f of inputs(form)) {
    if (f.kind === 'checks') body[f.id] = f.values;
    else if (f.kind === 'toggle') body[f.id] = f.value ? 'yes' : 'no';
    else if (f.value !== undefined) body[f.id] = f.value;
  }
  return { ...body, ...over };
}

async function declare(
  c: ConsoleClient,
  over: Record<string, string> = {},
  key = 'declare-0001',
): Promise<Incident> {
  const form = shownForm(
    local.bot.app,
    local.bot.console!.web.context.surface,
    'declare',
    null,
    localActor(localPerson('alice')!),
  );
  const r = await c.post(
    '/declare',
    formBody(
      form,
      {
        title: 'Ingest pipeline down',
        triggerClass: 'service_outage',
        impact: 'No prices since 09:00',
        severeImpact: 'yes',
        drill: 'yes',
        visibility: 'default',
        commander: 'me',
        ...over,
      },
      key,
    ),
  );
  expect(r.status, r.html.slice(0, 400)).toBe(303);
  const key2 = /\/incidents\/([^/]+)$/.exec(r.location ?? '')![1]!;
  await local.settle();
  return local.bot.app.incident(decodeURIComponent(key2))!;
}

async function submit(
  c: ConsoleClient,
  who: string,
  incident: Incident,
  name: IncidentFormName,
  over: Record<string, string | string[]>,
  key: string,
) {
  const i = local.bot.app.incident(incident.key)!;
  const form = shownForm(
    local.bot.app,
    local.bot.console!.web.context.surface,
    name,
    i,
    localActor(localPerson(who)!),
  );
  const r = await c.post(`/incidents/${i.key}/forms/${name}`, formBody(form, over, key));
  await local.settle();
  return r;
}

describe('getting in', () => {
  it('needs the key from the printed address; it becomes a cookie and leaves the address bar', async () => {
    const c = new ConsoleClient(local);
    expect((await c.get('/')).status).toBe(401);
    expect((await c.get('/?key=wrong')).status).toBe(401);
    const entered = await c.get(`/?key=${local.key}`);
    expect(entered.status).toBe(303);
    expect(entered.location).toBe('/');
    const home = await c.get('/');
    expect(home.status).toBe(200);
    expect(home.html).toContain('Declare an incident');
    expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('a post without Origin, or a fetch another site started, is refused; the key exchange stays on this site', async () => {
    const c = await new ConsoleClient(local).enter();
    const bare = await c.request('/clock/forward', {
      method: 'POST',
      body: 'minutes=60&back=/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(bare.status).toBe(403);
    const img = await c.request('/audit', { headers: { 'sec-fetch-site': 'same-site' } });
    expect(img.status).toBe(403);
    expect(local.bot.console!.clock.aheadMinutes()).toBe(0);
    const away = await new ConsoleClient(local).request(`//evil.example/x?key=${local.key}`);
    expect(away.status).toBe(303);
    expect(away.location).toBe('/evil.example/x');
    // Another local app's badly encoded cookie does not break the console.
    const odd = await c.request('/', { headers: { cookie: `${c.cookies()}; other=100%` } });
    expect(odd.status).toBe(200);
  });

  it('answers only to its own host name (a rebound DNS name is refused) and refuses forms from other sites', async () => {
    const c = await new ConsoleClient(local).enter();
    // fetch() will not send another Host header: a plain request does, as a rebound name would.
    const rebound = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(local.base);
      http
        .get({ host: '127.0.0.1', port, path: '/', headers: { host: 'evil.example' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(rebound).toBe(421);
    const forged = await c.request('/who', {
      method: 'POST',
      body: 'person=bob&back=/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    expect(forged.status).toBe(403);
    // Another app on another port of this machine is the same "site" to a browser: refused all the same.
    const otherPort = `http://127.0.0.1:${Number(new URL(local.base).port) + 1}`;
    for (const origin of ['null', '::not a url::', otherPort, `https://${new URL(local.base).host}`])
      expect(
        (
          await c.request('/who', {
            method: 'POST',
            body: 'person=bob&back=/',
            headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
          })
        ).status,
      ).toBe(403);
  });
});

describe('an incident in the console', () => {
  it('declares through the form into a room the sender makes, with the summary, checklist and announcement', async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const i = await declare(alice);
    expect(i.platform).toBe('web');
    expect(i.room?.id).toBe(`room-${i.key}`);
    const room = await alice.get(`/incidents/${i.key}`);
    expect(room.html).toContain('Golden hour checklist');
    expect(room.html).toContain('Ingest pipeline down');
    const stake = await alice.get('/stakeholders');
    expect(stake.html).toContain(i.key);
  });

  it('a double submit of one form (the same rendered key) is one command', async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const i = await declare(alice);
    const bob = await new ConsoleClient(local).enter('bob');
    for (let n = 0; n < 2; n++)
      await bob.post(`/incidents/${i.key}/press`, {
        _key: 'claim-tl-0001',
        kind: 'claim_role',
        role: 'technical_lead',
      });
    await local.settle();
    const roles = local.bot.app.logEntries(i.key).filter((e) => e.kind === 'role');
    expect(roles.filter((e) => e.payload.includes('technical_lead'))).toHaveLength(1);
    expect(local.bot.app.incident(i.key)!.roles.technical_lead).toEqual(['bob']);
  });

  it("one person's form key reused by another, or on another incident, is their own command, never a replay", async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const secret = await declare(
      alice,
      { title: 'Leaked key', triggerClass: 'security_exposure', severeImpact: 'no' },
      'declare-0010',
    );
    const open = await declare(alice, { title: 'Risk engine down' }, 'declare-0011');
    await alice.post(`/incidents/${secret.key}/press`, {
      _key: 'shared-key-0001',
      kind: 'claim_role',
      role: 'technical_lead',
    });
    const bob = await new ConsoleClient(local).enter('bob');
    await bob.post(`/incidents/${open.key}/press`, {
      _key: 'shared-key-0001',
      kind: 'claim_role',
      role: 'technical_lead',
    });
    await local.settle();
    expect(local.bot.app.incident(open.key)!.roles.technical_lead).toEqual(['bob']);
    const page = await bob.get(`/incidents/${open.key}`);
    expect(page.html).not.toContain('Leaked key');
    expect(page.html).not.toContain(secret.key);
    // Bob sending Alice's declare form again declares his own incident, not a replay naming hers.
    const again = await bob.post('/declare', {
      _key: 'declare-0010',
      title: 'Bob one',
      triggerClass: 'service_outage',
      impact: 'x',
      severeImpact: 'no',
      visibility: 'default',
      commander: 'me',
    });
    expect(again.location).not.toContain(secret.key);
  });

  it('typed verbs run in the incident: @name is a mention of a local person', async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const i = await declare(alice);
    await alice.post(`/incidents/${i.key}/say`, { text: 'role tl @Bob' });
    await alice.post(`/incidents/${i.key}/say`, {
      text: 'decision Fail over because the primary is corrupt',
    });
    await local.settle();
    const now = local.bot.app.incident(i.key)!;
    expect(now.roles.technical_lead).toEqual(['bob']);
    const room = await alice.get(`/incidents/${i.key}?fragment=live`);
    expect(room.html).toContain('Decision: Fail over (rationale: the primary is corrupt)');
    // Bob was told privately (a role brief among his own messages); Alice's own messages do not have it.
    const mine = (html: string) => /<section class="card mine"[\s\S]*?<\/section>/.exec(html)![0];
    const bobs = (
      await (await new ConsoleClient(local).enter('bob')).get(`/incidents/${i.key}?fragment=live`)
    ).html;
    expect(mine(bobs)).toContain('You are now <strong>Technical lead</strong>');
    expect(mine((await alice.get(`/incidents/${i.key}?fragment=live`)).html)).not.toContain('Technical lead');
  });

  it('the initial alert opens prefilled from its template; sent, it reaches the stakeholder channel', async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const i = await declare(alice);
    const carol = await new ConsoleClient(local).enter('carol');
    const form = await carol.get(`/incidents/${i.key}/forms/alert`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('value="Ingest pipeline down"');
    const r = await submit(
      carol,
      'carol',
      i,
      'alert',
      { 'field:actions': 'Failing over ingest' },
      'alert-0001',
    );
    expect(r.status, r.html.slice(0, 300)).toBe(303);
    expect(local.bot.app.incident(i.key)!.initialAlertAt).not.toBeNull();
    expect((await carol.get('/stakeholders')).html).toContain('Failing over ingest');
  });

  it('a confidential incident is shown to its members only, and not named to others', async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const i = await declare(
      alice,
      { title: 'Leaked deploy key', triggerClass: 'security_exposure', severeImpact: 'no' },
      'declare-0002',
    );
    expect(i.confidential).toBe(true);
    const bob = await new ConsoleClient(local).enter('bob');
    const refused = await bob.get(`/incidents/${i.key}`);
    expect(refused.status).toBe(403);
    expect(refused.html).not.toContain('Leaked deploy key');
    expect((await bob.get('/')).html).not.toContain(i.key);
    const pressed = await bob.post(`/incidents/${i.key}/press`, {
      _key: 'bob-claims-0001',
      kind: 'claim_role',
      role: 'technical_lead',
    });
    expect(pressed.status).toBe(403);
    await alice.post(`/incidents/${i.key}/say`, { text: 'add @bob' });
    await local.settle();
    expect((await bob.get(`/incidents/${i.key}`)).status).toBe(200);
  });

  it("live events name a confidential incident only to its members' pages", async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const i = await declare(
      alice,
      { title: 'Leaked key', triggerClass: 'security_exposure', severeImpact: 'no' },
      'declare-0003',
    );
    const listen = async (c: ConsoleClient) => {
      const ac = new AbortController();
      const res = await fetch(`${local.base}/events`, {
        headers: { cookie: c.cookies() },
        signal: ac.signal,
      });
      const reader = res.body!.getReader();
      let text = '';
      const reading = (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            text += new TextDecoder().decode(value);
          }
        } catch {
          // aborted
        }
      })();
      const stop = async () => {
        ac.abort();
        await reading;
      };
      return { text: () => text, stop };
    };
    const bob = await new ConsoleClient(local).enter('bob');
    const heard = { alice: await listen(alice), bob: await listen(bob) };
    await alice.post(`/incidents/${i.key}/say`, { text: 'log Rotated the key' });
    await local.settle();
    for (let n = 0; n < 50 && !heard.alice.text().includes(i.key); n++)
      await new Promise((r) => setTimeout(r, 20));
    await heard.alice.stop();
    await heard.bob.stop();
    expect(heard.alice.text()).toContain(i.key);
    expect(heard.bob.text()).not.toContain(i.key);
  });
});

describe('the drill clock', () => {
  it('fast-forward is recorded in every open incident, makes the owed reminders fall due, and the audit trail holds', async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const i = await declare(alice);
    const before = local.bot.console!.clock.now().getTime();
    const r = await alice.post('/clock/forward', { minutes: '30', back: `/incidents/${i.key}` });
    expect(r.status).toBe(303);
    await local.settle();
    expect(local.bot.console!.clock.aheadMinutes()).toBe(30);
    expect(local.bot.console!.clock.now().getTime() - before).toBeGreaterThanOrEqual(30 * 60_000);
    const log = local.bot.app.logEntries(i.key);
    const clock = log.filter((e) => e.kind === 'clock');
    expect(clock).toHaveLength(1);
    expect(JSON.parse(clock[0]!.payload)).toMatchObject({ minutes: 30, by: 'alice' });
    expect(log.some((e) => e.kind === 'nudge')).toBe(true);
    const page = await alice.get(`/incidents/${i.key}`);
    expect(page.html).toContain('Clock moved forward 30 minutes');
    const audit = await alice.get('/audit');
    expect(audit.html).toContain('holds');
    // Someone outside a confidential incident is not told its key by the report.
    const secret = await declare(
      alice,
      { title: 'Leaked key', triggerClass: 'security_exposure', severeImpact: 'no' },
      'declare-0004',
    );
    const forBob = await (await new ConsoleClient(local).enter('bob')).get('/audit');
    expect(forBob.html).not.toContain(secret.key);
    expect((await alice.get('/audit')).html).toContain(secret.key);
  });

  it('a restart never moves the clock back: the move is kept with the local database', async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    await alice.post('/clock/forward', { minutes: '60', back: '/' });
    expect(local.bot.console!.clock.aheadMinutes()).toBe(60);
    await local.bot.shutdown(1);
    const restarted = await bootLocalBot({ LOCAL_DATABASE_PATH: local.dbPath });
    try {
      expect(restarted.bot.console!.clock.aheadMinutes()).toBe(60);
      expect(restarted.key).toBe(local.key);
    } finally {
      await restarted.close();
    }
  });

  it('moves only forward, by 1 to 1440 minutes; a refused move records nothing', async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const i = await declare(alice);
    for (const minutes of ['0', '-5', '1441', 'ten'])
      await alice.post('/clock/forward', { minutes, back: '/' });
    expect(local.bot.console!.clock.aheadMinutes()).toBe(0);
    expect(local.bot.app.logEntries(i.key).filter((e) => e.kind === 'clock')).toHaveLength(0);
  });

  it('the domain refuses a clock move from anywhere but the console', () => {
    const r = local.bot.app.run({
      key: 'slack-clock',
      incidentKey: null,
      command: { type: 'clock_forwarded', minutes: 5 },
      actor: { platform: 'slack', id: 'U1' },
    });
    expect(r.ok).toBe(false);
  });
});

describe('the record', () => {
  it('exports Markdown with its SVG timeline, CSV and JSON Lines, each download in the log', async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const i = await declare(alice);
    const md = await alice.get(`/incidents/${i.key}/export/md`);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-disposition')).toContain(`${i.key}.md`);
    expect(md.html).toContain(`${i.key}-timeline.svg`);
    expect((await alice.get(`/incidents/${i.key}/export/svg`)).html).toMatch(/^<svg|<\?xml/);
    expect((await alice.get(`/incidents/${i.key}/export/csv`)).html.split('\n')[0]).toMatch(/at/i);
    const jsonl = (await alice.get(`/incidents/${i.key}/export/jsonl`)).html.trim().split('\n');
    expect(JSON.parse(jsonl[0]!)).toBeTypeOf('object');
    await local.settle();
    const exports = local.bot.app.logEntries(i.key).filter((e) => e.kind === 'export');
    expect(exports.map((e) => JSON.parse(e.payload).format)).toEqual(['md', 'svg', 'csv', 'jsonl']);
    expect((await alice.get(`/incidents/${i.key}/export/pdf`)).status).toBe(404);
  });
});

describe('scripted drills in the console', () => {
  it('plays a shipped drill through the bot, step by step, to a closed and reviewed incident', async () => {
    await local.close();
    local = await bootLocalBot({}, { drillPauseMs: 20 });
    const c = await new ConsoleClient(local).enter('alice');
    const list = await c.get('/drills');
    expect(list.html).toContain('Play severe-outage');
    const started = await c.post('/drills/severe-outage', {});
    expect(started.status).toBe(303);
    const runPath = started.location!;
    let fragment = '';
    for (let n = 0; n < 600 && !/Finished|Stopped/.test(fragment); n++) {
      await new Promise((r) => setTimeout(r, 100));
      fragment = (await c.get(`${runPath}?fragment=live`)).html;
    }
    expect(fragment).toContain('Finished');
    const key = /\/incidents\/(INC-[\w-]+)/.exec(fragment)![1]!;
    const i = local.bot.app.incident(key)!;
    expect(i.closedAt).not.toBeNull();
    expect(i.review).not.toBeNull();
    expect((await c.post('/drills/no-such', {})).status).toBe(404);
  }, 90_000);
});

describe('bad input', () => {
  it('gets a sentence: an unknown form or incident, a button it cannot read, a body too large', async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const i = await declare(alice);
    expect((await alice.get(`/incidents/${i.key}/forms/nope`)).status).toBe(404);
    expect((await alice.get('/incidents/INC-1999-9999')).status).toBe(404);
    await alice.post(`/incidents/${i.key}/press`, { kind: 'launch_missiles' });
    expect((await alice.get(`/incidents/${i.key}`)).html).toContain('I could not read that button.');
    const big = await alice.post(`/incidents/${i.key}/say`, { text: 'x'.repeat(100_000) });
    expect(big.status).toBe(413);
    expect(big.html).not.toContain(' at ');
  });

  it('a form with a missing field is shown again with the error next to it, and nothing is recorded', async () => {
    const alice = await new ConsoleClient(local).enter('alice');
    const n = local.bot.app.openIncidents().length;
    const r = await alice.post('/declare', {
      _key: 'declare-bad-01',
      title: '',
      triggerClass: 'service_outage',
      impact: 'x',
      severeImpact: 'no',
      visibility: 'default',
    });
    expect(r.status).toBe(422);
    expect(r.html).toMatch(/id="title-error"/);
    expect(local.bot.app.openIncidents()).toHaveLength(n);
  });
});
