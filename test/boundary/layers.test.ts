// The layer table, enforced over every file in src/ (docs/architecture.md explains it):
//   domain <- views, export <- app <- platforms/<x>, storage <- ops, cli <- bot.ts / main.ts
// plus: no platform syntax (`<@`, `<#`, `/incident`, `<at>`) outside its platform's folder, and a platform
// folder holds no validation schema, no SQL and no permission logic.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(source: string): string[] {
  const re =
    /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  const out: string[] = [];
  for (const m of source.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  return out;
}

/** The layer of a file: its first folder under src/ (platforms/<x> for a platform), or the file itself. */
function layerOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  if (rel[0] === 'platforms') return rel.length > 2 ? `platforms/${rel[1]}` : 'platforms';
  return rel.length > 1 ? rel[0]! : 'root';
}

/** Which layers each layer may import from (itself always). */
const MAY_IMPORT: Record<string, string[]> = {
  domain: [],
  views: ['domain'],
  export: ['domain', 'views', 'app/ports'],
  app: ['domain', 'views', 'export'],
  platforms: ['domain', 'app'],
  'platforms/slack': ['domain', 'views', 'app', 'platforms/platform', 'ops/metrics'],
  'platforms/teams': ['domain', 'views', 'app', 'platforms/platform', 'ops/metrics'],
  'platforms/web': ['domain', 'views', 'app', 'platforms/platform'],
  // Outside services the outbox delivers to (webhook actions, issue trackers): HTTP clients, like a platform.
  integrations: ['domain', 'views', 'app'],
  // app/alert-ports: the alert store's port (issue 21), like app/ports for incidents.
  storage: ['domain', 'app/ports', 'app/alert-ports', 'export'],
  ops: ['domain', 'views', 'app', 'storage', 'logger', 'integrations'],
  cli: ['domain', 'views', 'app', 'export', 'storage', 'ops', 'root'],
  root: ['*'],
};

/** Packages no file of a layer may use (SDKs, drivers, loggers, servers, I/O). */
const PURE = [
  /^@slack\//,
  /^@microsoft\//,
  /^better-sqlite3$/,
  /^pino/,
  /^(node:)?https?$/,
  /^(node:)?fs(\/promises)?$/,
  /^(node:)?net$/,
  /^node-cron$/,
  /^express$/,
  /^prom-client$/,
];
const FORBIDDEN: Record<string, RegExp[]> = {
  domain: PURE,
  views: [...PURE, /^zod$/],
  export: PURE,
  app: PURE,
  platforms: PURE.filter((re) => !re.test('express')),
  'platforms/slack': [/^@microsoft\//, /^better-sqlite3$/, /^pino/, /^zod$/, /^(node:)?fs(\/promises)?$/],
  'platforms/teams': [/^@slack\//, /^better-sqlite3$/, /^pino/, /^zod$/, /^(node:)?fs(\/promises)?$/],
  'platforms/web': [
    /^@slack\//,
    /^@microsoft\//,
    /^better-sqlite3$/,
    /^pino/,
    /^zod$/,
    /^(node:)?fs(\/promises)?$/,
  ],
  storage: [/^@slack\//, /^@microsoft\//, /^express$/],
  integrations: [
    /^@slack\//,
    /^@microsoft\//,
    /^better-sqlite3$/,
    /^pino/,
    /^express$/,
    /^(node:)?fs(\/promises)?$/,
  ],
};

/** The layer (or layer/file) an import resolves to, e.g. "app/ports" or "platforms/slack". */
function targetOf(from: string, spec: string): { layer: string; module: string } | null {
  if (!spec.startsWith('.')) return null;
  const abs = path.resolve(path.dirname(from), spec.replace(/\.js$/, '.ts'));
  const rel = path.relative(SRC, abs).split(path.sep);
  const module = rel.join('/').replace(/\.ts$/, '');
  return { layer: layerOf(abs), module };
}

function allowed(layer: string, target: { layer: string; module: string }): boolean {
  if (target.layer === layer) return true;
  const may = MAY_IMPORT[layer] ?? [];
  return may.some(
    (m) => m === '*' || m === target.layer || target.module === m || target.module.startsWith(`${m}/`),
  );
}

/** Lines of code without comments (a comment may name another platform's syntax). */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

describe('the layer table', () => {
  const all = files(SRC);

  it('finds files in every layer', () => {
    const layers = new Set(all.map(layerOf));
    for (const l of [
      'domain',
      'views',
      'app',
      'platforms/slack',
      'platforms/teams',
      'platforms/web',
      'storage',
      'ops',
      'cli',
      'export',
    ])
      expect(layers.has(l), l).toBe(true);
  });

  it('imports flow only the way the table says', () => {
    const offenders: string[] = [];
    for (const f of all) {
      const layer = layerOf(f);
      for (const spec of importsOf(readFileSync(f, 'utf8'))) {
        if ((FORBIDDEN[layer] ?? []).some((re) => re.test(spec)))
          offenders.push(`${path.relative(SRC, f)} (${layer}) uses ${spec}`);
        const t = targetOf(f, spec);
        if (t && !allowed(layer, t))
          offenders.push(`${path.relative(SRC, f)} (${layer}) imports ${t.module}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('no package index that loads a whole library (date-fns: 2 s and ~160 MiB at start-up)', () => {
    const barrels = [/^date-fns$/];
    const offenders = all.flatMap((f) =>
      importsOf(readFileSync(f, 'utf8'))
        .filter((spec) => barrels.some((re) => re.test(spec)))
        .map((spec) => `${path.relative(SRC, f)} uses ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("no platform's syntax outside its own folder", () => {
    const syntax: [RegExp, string][] = [
      [/<@|<#|(^|[^\w./-])\/incident\b|<!date/, 'platforms/slack'],
      [/<\/?at>/, 'platforms/teams'],
    ];
    const offenders: string[] = [];
    for (const f of all) {
      const src = code(readFileSync(f, 'utf8'));
      for (const [re, home] of syntax)
        if (layerOf(f) !== home && layerOf(f) !== 'root' && re.test(src))
          offenders.push(`${path.relative(SRC, f)}: ${re.exec(src)![0]}`);
    }
    expect(offenders).toEqual([]);
  });

  it('a platform folder has no schema, no SQL and no permission logic', () => {
    const offenders: string[] = [];
    for (const f of all.filter((x) => layerOf(x).startsWith('platforms/'))) {
      const src = code(readFileSync(f, 'utf8'));
      const rel = path.relative(SRC, f);
      if (/\b(SELECT|INSERT|UPDATE|DELETE)\s+(\*|INTO|FROM|[a-z_]+\s+SET)\b|\.prepare\(/.test(src))
        offenders.push(`${rel}: SQL`);
      if (/from '(\.\.\/)+domain\/(decide|roles|phases)(\.js|\/)/.test(src))
        offenders.push(`${rel}: decides for itself`);
      if (/\b(isCommander|PERMISSIONS|holders\(.+commanderRole)/.test(src))
        offenders.push(`${rel}: permission logic`);
    }
    expect(offenders).toEqual([]);
  });

  it('the checks catch what they are for', () => {
    const here = path.join(SRC, 'domain', 'x.ts');
    expect(allowed('domain', targetOf(here, '../storage/sqlite/open-database.js')!)).toBe(false);
    expect(allowed('app', targetOf(path.join(SRC, 'app', 'x.ts'), '../platforms/slack/ids.js')!)).toBe(false);
    expect(
      allowed('platforms/teams', targetOf(path.join(SRC, 'platforms', 'teams', 'x.ts'), '../slack/ids.js')!),
    ).toBe(false);
    expect(
      allowed('storage', targetOf(path.join(SRC, 'storage', 'sqlite', 'x.ts'), '../../app/ports.js')!),
    ).toBe(true);
    expect(
      allowed('storage', targetOf(path.join(SRC, 'storage', 'sqlite', 'x.ts'), '../../app/incident-app.js')!),
    ).toBe(false);
    const specs = importsOf(
      "import { App } from '@slack/bolt';\nimport Database from 'better-sqlite3';\nconst x = await import('pino');",
    );
    expect(specs.filter((s) => PURE.some((re) => re.test(s)))).toEqual([
      '@slack/bolt',
      'better-sqlite3',
      'pino',
    ]);
    expect(code("const a = '<@U1>'; // <at>x</at>")).not.toContain('<at>');
  });
});

describe('file sizes', () => {
  it('every file in src/ over 400 lines says why in its header', () => {
    const long = files(SRC)
      .map((f) => ({ f, text: readFileSync(f, 'utf8') }))
      .filter(
        ({ text }) =>
          text.split('\n').length > 400 &&
          !/^\/\/.*over 400 lines/m.test(text.split('\n').slice(0, 6).join('\n')),
      )
      .map(({ f }) => path.relative(SRC, f));
    expect(long).toEqual([]);
  });
});
