// What every sub-command shares: strict argument parsing, usage errors, and results as exit code + text.
import { type ParseArgsConfig, parseArgs } from 'node:util';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class UsageError extends Error {}

export const ok = (output: string): CliResult => ({ code: 0, stdout: withNewline(output), stderr: '' });
export const result = (code: number, output: string): CliResult =>
  code === 0 ? ok(output) : { code, stdout: '', stderr: withNewline(output) };
function withNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

export function parse(args: string[], options: ParseArgsConfig['options'], maxPositionals: number) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    const msg = (e as Error).message.split('. ')[0]!.replace(/\.$/, '');
    throw new UsageError(`${msg}.`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`Unexpected argument "${parsed.positionals[maxPositionals]}".`);
  }
  return {
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

export const str = (v: string | boolean | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;
