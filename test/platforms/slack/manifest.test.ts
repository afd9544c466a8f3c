import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SHORTCUT, SLASH_COMMAND } from '../../../src/platforms/slack/ids.js';
import { PENDING_CALLBACKS, registeredCallbackIds } from '../../../src/platforms/slack/register.js';
import { VERBS } from '../../../src/views/help.js';
import { schemaProblems } from '../../support/json-schema.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// biome-ignore lint/suspicious/noExplicitAny: JSON
type Json = any;
const manifest: Json = JSON.parse(readFileSync(join(ROOT, 'slack', 'manifest.json'), 'utf8'));
const schema: Json = JSON.parse(
  readFileSync(
    [
      join(ROOT, '..', 'shared', 'schemas', 'slack-app-manifest.schema.json'),
      join(ROOT, 'test', 'fixtures', 'schemas', 'slack-app-manifest.schema.json'),
    ].find((f) => existsSync(f))!,
    'utf8',
  ),
);

const problems = (value: Json) => schemaProblems(value, schema);

describe('slack/manifest.json', () => {
  it('is valid against the Slack app manifest schema', () => {
    expect(problems(manifest)).toEqual([]);
  });

  it('the validator does catch mistakes', () => {
    const bad = structuredClone(manifest);
    bad.display_information.name = 'x'.repeat(36);
    bad.features.shortcuts[0].name = 'A shortcut name that is far too long';
    bad.features.slash_commands[0].command = 'incident';
    bad.settings.interactivity = {};
    bad.unknown = 1;
    const p = problems(bad);
    expect(p.join('\n')).toMatch(/display_information\.name: longer than 35/);
    expect(p.join('\n')).toMatch(/shortcuts\[0\]\.name: longer than 24/);
    expect(p.join('\n')).toMatch(/command: does not match/);
    expect(p.join('\n')).toMatch(/interactivity: missing is_enabled/);
    expect(p.join('\n')).toMatch(/unexpected property unknown/);
  });

  it('asks for exactly the scopes the calls the bot makes and the events it takes need', () => {
    // What each Web API method and event needs (Slack's method pages); a DM's conversations.history needs im:history.
    const needs: Record<string, string[]> = {
      'auth.test': [],
      'chat.getPermalink': [],
      'chat.postEphemeral': ['chat:write'],
      'chat.postMessage': ['chat:write', 'chat:write.public'],
      'chat.update': ['chat:write'],
      'conversations.create': ['channels:manage', 'groups:write'],
      'conversations.history': ['channels:history', 'groups:history', 'im:history'],
      'conversations.info': ['channels:read', 'groups:read'],
      'conversations.invite': ['channels:manage', 'groups:write'],
      'conversations.join': ['channels:join'],
      'conversations.list': ['channels:read', 'groups:read'],
      'conversations.open': ['im:write'],
      'files.uploadV2': ['files:write'],
      'pins.add': ['pins:write'],
      'reactions.add': ['reactions:write'],
      'users.conversations': ['channels:read', 'groups:read'],
      'views.open': [],
      '/incident': ['commands'],
      'message.channels': ['channels:history'],
      'message.groups': ['groups:history'],
      member_joined_channel: ['channels:read', 'groups:read'],
      member_left_channel: ['channels:read', 'groups:read'],
    };
    const source = readdirSync(join(ROOT, 'src', 'platforms', 'slack'), { recursive: true })
      .filter((f) => String(f).endsWith('.ts'))
      .map((f) => readFileSync(join(ROOT, 'src', 'platforms', 'slack', String(f)), 'utf8'))
      .join('\n');
    const called = new Set([...source.matchAll(/client\.([a-z]+\.[a-zA-Z0-9]+)\(/g)].map((m) => m[1]!));
    for (const m of called)
      expect(Object.keys(needs), `${m} is called: say which scopes it needs`).toContain(m);
    const used = [...called, '/incident', ...manifest.settings.event_subscriptions.bot_events];
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(new Set(used.flatMap((m) => needs[m] ?? [])));
    expect(manifest.oauth_config.scopes.bot).not.toContain('users:read');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([
      'message.channels',
      'message.groups',
      'member_joined_channel',
      'member_left_channel',
    ]);
    for (const c of manifest.features.slash_commands) expect(c.url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
  });

  it("the command's usage hint lists every verb the bot knows, as help shows them", () => {
    expect(manifest.features.slash_commands[0].usage_hint).toBe(
      VERBS.map((v) => (v.args ? `${v.verb} ${v.args}` : v.verb)).join(' | '),
    );
  });

  it('declares exactly the commands and shortcuts the app registers (or knowingly leaves pending)', () => {
    const registered = registeredCallbackIds();
    const declaredCommands = manifest.features.slash_commands.map((c: Json) => c.command);
    expect(declaredCommands).toEqual([SLASH_COMMAND]);
    expect(new Set(registered.commands)).toEqual(new Set(declaredCommands));

    const declaredShortcuts: string[] = manifest.features.shortcuts.map((s: Json) => s.callback_id);
    expect(declaredShortcuts).toContain(SHORTCUT.addToLog);
    for (const id of declaredShortcuts) {
      expect(
        registered.shortcuts.includes(id) || id in PENDING_CALLBACKS,
        `shortcut ${id} has no listener`,
      ).toBe(true);
    }
    for (const id of registered.shortcuts)
      expect(declaredShortcuts, `registered shortcut ${id} missing from the manifest`).toContain(id);
    // a pending entry must not also be registered (remove it from PENDING_CALLBACKS when its listener lands)
    for (const id of Object.keys(PENDING_CALLBACKS)) expect(registered.shortcuts).not.toContain(id);
    // every shortcut id in ids.ts is declared
    for (const id of Object.values(SHORTCUT)) expect(declaredShortcuts).toContain(id);
  });
});
