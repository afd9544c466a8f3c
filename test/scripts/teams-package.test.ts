// `npm run teams:package`: refused without a real app id and host (a package with the zero GUID installs
// and never answers); with them, a zip whose manifest Microsoft's schema (v1.16) accepts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackage, PackageError } from '../../scripts/teams-package.js';
import { schemaProblems } from '../support/json-schema.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const schema = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/schemas/teams-manifest-1.16.schema.json'), 'utf8'),
);
const out = mkdtempSync(join(tmpdir(), 'teams-package-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const APP = '0b6fe6d1-fece-44f7-9a48-56465e2d5ab8';

/** The stored (uncompressed) zip's entries, read back from its local headers. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let at = 0;
  while (buf.readUInt32LE(at) === 0x04034b50) {
    const size = buf.readUInt32LE(at + 18);
    const nameLen = buf.readUInt16LE(at + 26);
    const name = buf.subarray(at + 30, at + 30 + nameLen).toString('utf8');
    files.set(name, buf.subarray(at + 30 + nameLen, at + 30 + nameLen + size));
    at += 30 + nameLen + size;
  }
  return files;
}

describe('teams/manifest.json', () => {
  it("is valid against Microsoft's Teams manifest schema v1.16, with webApplicationInfo for its RSC permissions", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'teams/manifest.json'), 'utf8'));
    expect(manifest.manifestVersion).toBe('1.16');
    expect(schemaProblems(manifest, schema)).toEqual([]);
    expect(manifest.authorization.permissions.resourceSpecific.length).toBeGreaterThan(0);
    expect(manifest.webApplicationInfo.id).toBe(manifest.bots[0].botId);
  });

  it('the validator catches what Teams would refuse', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'teams/manifest.json'), 'utf8'));
    manifest.webApplicationInfo.id = 'not-a-guid';
    manifest.name.short = 'x'.repeat(31);
    manifest.surprise = true;
    const p = schemaProblems(manifest, schema).join('\n');
    expect(p).toMatch(/webApplicationInfo\.id: does not match/);
    expect(p).toMatch(/name\.short: longer than 30/);
    expect(p).toMatch(/unexpected property surprise/);
  });
});

describe('teams:package', () => {
  it('refuses without TEAMS_CLIENT_ID or TEAMS_BOT_DOMAIN, or with placeholders: exit 2, naming each', () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', TSX, join(ROOT, 'scripts/teams-package.ts')], {
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
      });
    const none = run({});
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/TEAMS_CLIENT_ID is missing/);
    expect(none.stderr).toMatch(/TEAMS_BOT_DOMAIN is missing/);
    expect(none.stderr).not.toMatch(/^\s+at /m);
    const zero = run({
      TEAMS_CLIENT_ID: '00000000-0000-0000-0000-000000000000',
      TEAMS_BOT_DOMAIN: 'https://x.acme.com/',
    });
    expect(zero.status).toBe(2);
    expect(zero.stderr).toMatch(/TEAMS_CLIENT_ID "0{8}-.*" is not an Entra app id/);
    expect(zero.stderr).toMatch(/TEAMS_BOT_DOMAIN "https:\/\/x\.acme\.com\/" is not a host name/);
    expect(() =>
      buildPackage({ TEAMS_CLIENT_ID: APP, TEAMS_BOT_DOMAIN: 'incident-bot.example.com' }, out),
    ).toThrow(PackageError);
  });

  it('with a real id and host: every placeholder replaced, and the packaged manifest is valid', () => {
    const r = buildPackage(
      { TEAMS_CLIENT_ID: APP.toUpperCase(), TEAMS_BOT_DOMAIN: 'incident-bot.acme.com' },
      out,
    );
    const files = unzip(readFileSync(r.path));
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const text = files.get('manifest.json')!.toString('utf8');
    expect(text).not.toContain('00000000-0000-0000-0000-000000000000');
    expect(text).not.toContain('example.com/"');
    expect(text).not.toContain('incident-bot.example.com');
    const m = JSON.parse(text);
    expect(schemaProblems(m, schema)).toEqual([]);
    expect([m.id, m.bots[0].botId, m.composeExtensions[0].botId, m.webApplicationInfo.id]).toEqual([
      APP,
      APP,
      APP,
      APP,
    ]);
    expect(m.validDomains).toEqual(['incident-bot.acme.com']);
    expect(m.webApplicationInfo.resource).toBe(`api://incident-bot.acme.com/botid-${APP}`);
  });
});
