// The database settings: SQLite's file, or PostgreSQL's URL for several replicas (docs/postgres.md), and their
// checks. Part of src/config.ts's schema (spread into SETTINGS at this place), like config-paging.ts.
import { z } from 'zod';
import { connectionStringProblem } from './storage/postgres/pg-url.js';

const opt = z
  .string()
  .transform((v) => v.trim())
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const DATABASE_SETTINGS = {
  DATABASE_PATH: {
    schema: z.string().min(1).default('./data/incident-bot.db'),
    required: 'no',
    default: './data/incident-bot.db',
    purpose: 'SQLite file holding incidents, the decision log and the outbox (created if missing).',
  },
  DATABASE_URL: {
    schema: opt,
    required: 'no',
    default: '',
    purpose:
      'postgres://user:password@host:5432/db selects PostgreSQL (several replicas share it) instead of the SQLite file at DATABASE_PATH; unset: SQLite.',
  },
  DATABASE_CONNECT_TIMEOUT_SECONDS: {
    schema: z.coerce.number().min(1).max(3600).default(30),
    required: 'no',
    default: '30',
    purpose:
      'With DATABASE_URL: how long start-up waits for PostgreSQL to accept a connection (each failed attempt is logged); then the bot exits 2.',
  },
} as const;

/** What is wrong with the database settings (never repeating DATABASE_URL: it may hold a password). */
export function databaseProblems(c: { DATABASE_URL?: string | undefined }): string[] {
  if (!c.DATABASE_URL) return [];
  if (!/^postgres(ql)?:\/\/./.test(c.DATABASE_URL))
    return [
      `DATABASE_URL must be a PostgreSQL connection string (postgres://user:password@host:5432/database); ${schemeOf(c.DATABASE_URL)}. For SQLite, unset it and set DATABASE_PATH.`,
    ];
  // One the bridge could not parse would otherwise only fail on its worker thread, after start-up.
  const problem = connectionStringProblem(c.DATABASE_URL);
  return problem ? [`DATABASE_URL ${problem}.`] : [];
}

/** What a refused DATABASE_URL is, without repeating it. */
function schemeOf(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  return scheme ? `this one is ${scheme}:` : 'this one is not a URL';
}
