import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SHORTCUT, SLASH_COMMAND } from '../../../src/platforms/slack/ids.js';
import { PENDING_CALLBACKS, registeredCallbackIds } from '../../../src/platforms/slack/register.js';

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

/** A small JSON Schema validator for the keywords the Slack manifest schema uses. */
function validate(value: Json, s: Json, path: string, root: Json, out: string[]): void {
  if (s === true || s === undefined) return;
  if (s === false) {
    out.push(`${path}: not allowed`);
    return;
  }
  if (s.$ref) {
    const target = String(s.$ref)
      .replace(/^#\//, '')
      .split('/')
      .reduce((o: Json, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], root);
    if (!target) out.push(`${path}: unresolved $ref ${s.$ref}`);
    else validate(value, target, path, root, out);
    return;
  }
  if (s.anyOf) {
    const ok = s.anyOf.some((sub: Json) => {
      const o: string[] = [];
      validate(value, sub, path, root, o);
      return o.length === 0;
    });
    if (!ok) out.push(`${path}: matches none of anyOf`);
  }
  if (s.type) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const actual = Array.isArray(value)
      ? 'array'
      : value === null
        ? 'null'
        : Number.isInteger(value)
          ? 'integer'
          : typeof value;
    const ok = types.some((t: string) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) {
      out.push(`${path}: expected ${types.join('|')}, got ${actual}`);
      return;
    }
  }
  if (s.enum && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength)
      out.push(`${path}: shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && value.length > s.maxLength)
      out.push(`${path}: longer than ${s.maxLength}`);
    for (const p of [s.pattern, s.regex].filter(Boolean))
      if (!new RegExp(p).test(value)) out.push(`${path}: does not match ${p}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems)
      out.push(`${path}: fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems)
      out.push(`${path}: more than ${s.maxItems} items`);
    if (s.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length)
      out.push(`${path}: items not unique`);
    if (s.items) {
      value.forEach((v, i) => {
        validate(v, s.items, `${path}[${i}]`, root, out);
      });
    }
  } else if (value && typeof value === 'object') {
    for (const r of s.required ?? []) if (!(r in value)) out.push(`${path}: missing ${r}`);
    const keys = Object.keys(value);
    if (s.minProperties !== undefined && keys.length < s.minProperties)
      out.push(`${path}: too few properties`);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties)
      out.push(`${path}: too many properties`);
    for (const k of keys) {
      const sub = s.properties?.[k];
      const pat = Object.entries(s.patternProperties ?? {}).find(([p]) => new RegExp(p).test(k));
      if (sub !== undefined) validate(value[k], sub, `${path}.${k}`, root, out);
      else if (pat) validate(value[k], pat[1], `${path}.${k}`, root, out);
      else if (s.additionalProperties === false) out.push(`${path}: unexpected property ${k}`);
      else if (s.additionalProperties && typeof s.additionalProperties === 'object')
        validate(value[k], s.additionalProperties, `${path}.${k}`, root, out);
    }
  }
}

function problems(value: Json): string[] {
  const out: string[] = [];
  validate(value, schema, '$', schema, out);
  return out;
}

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

  it('asks for the minimal bot scopes and turns interactivity on', () => {
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(
      new Set([
        'commands',
        'chat:write',
        'chat:write.public',
        'channels:manage',
        'channels:read',
        'groups:write',
        'groups:read',
        'pins:write',
        'reactions:write',
        'users:read',
        'files:write',
        'channels:history',
        'groups:history',
        'im:history',
        'im:write',
      ]),
    );
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
