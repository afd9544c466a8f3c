// The real entry point (src/main.ts, or any script) in a child process, as an operator starts it: tsx named
// by absolute URL (the cwd may be a temp folder), only PATH from the parent environment plus `env`.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const MAIN = join(ROOT, 'src', 'main.ts');
export const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Child {
  done: Promise<Exited>;
  stdout(): string;
  kill(signal?: NodeJS.Signals): void;
}

export function spawnMain(
  args: string[],
  env: Record<string, string>,
  o: { cwd: string; timeoutMs?: number },
): Child {
  // Only PATH from the parent: nothing else leaks in (no SLACK_* from the developer's shell).
  const child = spawn(process.execPath, ['--import', TSX, ...args], {
    cwd: o.cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const done = new Promise<Exited>((ok, ko) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      ko(new Error(`timed out; stdout=${stdout} stderr=${stderr}`));
    }, o.timeoutMs ?? 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
  return { done, stdout: () => stdout, kill: (s) => child.kill(s ?? 'SIGTERM') };
}
