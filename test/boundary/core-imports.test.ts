// src/domain is platform-neutral and pure: no SDK, no database driver, no logger, no I/O.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const FORBIDDEN = [
  /^@slack\//,
  /^@microsoft\//,
  /^better-sqlite3$/,
  /^pino/,
  /^(node:)?https?$/,
  /^(node:)?fs(\/promises)?$/,
  /^(node:)?net$/,
  /^node-cron$/,
  /^express$/,
];
const CORE = path.resolve('src/domain');

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

describe('the core boundary', () => {
  it('finds core files to check', () => {
    expect(files(CORE).length).toBeGreaterThan(5);
  });

  it('nothing under src/domain imports an SDK, a database driver, a logger, http or fs', () => {
    const offenders: string[] = [];
    for (const f of files(CORE)) {
      for (const spec of importsOf(readFileSync(f, 'utf8'))) {
        if (FORBIDDEN.some((re) => re.test(spec)))
          offenders.push(`${path.relative(process.cwd(), f)} imports ${spec}`);
        if (spec.startsWith('.') && !path.resolve(path.dirname(f), spec).startsWith(CORE)) {
          offenders.push(`${path.relative(process.cwd(), f)} reaches outside the core: ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the checker itself catches a forbidden import', () => {
    const specs = importsOf(
      "import { App } from '@slack/bolt';\nimport Database from 'better-sqlite3';\nconst x = await import('pino');",
    );
    expect(specs.filter((s) => FORBIDDEN.some((re) => re.test(s)))).toEqual([
      '@slack/bolt',
      'better-sqlite3',
      'pino',
    ]);
  });
});
