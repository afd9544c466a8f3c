// What people are told after a command, platform-neutral: the text for whoever acted, warnings for other
// people (an overload warning for whoever was given a role), and the sentences for a command that failed
// with an exception (nothing was stored, except perhaps when the connection was lost during the commit: that
// one says so). Each platform decides how to deliver them.
import { withHint } from '../domain/errors.js';
import type { Text } from '../domain/text.js';
import type { CommandOutcome, StorageFailure } from './ports.js';

export const SOMETHING_WENT_WRONG: Text =
  'Sorry, something went wrong on my side and nothing was changed. Please try again in a moment.';

/** The answer when the database could not take the write lock in time (another writer held it too long). */
export const DATABASE_BUSY: Text =
  'I could not save that: the incident database is busy. Nothing was changed; please try again in a moment.';

/** The answer when the database cannot be written at all (disk full, I/O error, read-only file). */
export const DATABASE_UNWRITABLE: Text =
  "I could not save that: the incident database cannot be written (disk full or I/O error). Nothing was changed. Tell the bot's operator, and keep notes elsewhere until it is fixed.";

/** The answer when the database server cannot be reached (its connection is lost; the bot is reconnecting). */
export const DATABASE_UNREACHABLE: Text =
  'I could not save that: the incident database cannot be reached right now. Nothing was changed; please try again shortly.';

/**
 * The answer when the connection was lost while the change was being committed: it may be stored, and typing
 * it again could record it twice.
 */
export const DATABASE_IN_DOUBT: Text =
  "I could not confirm that was saved: the connection to the incident database was lost while saving it, so it may have been saved. Check the incident's timeline before trying again.";

/** The answer when the decision log or an incident's state was changed outside the bot (see ledger-writer). */
export const RECORD_TAMPERED: Text =
  "I did not record that: the incident record was changed outside the bot since I last signed it, and I will not add to it until someone has looked. Nothing was changed. Tell the bot's operator (they can run `incident-bot audit verify`), and keep notes elsewhere meanwhile.";

export function failureAnswer(kind: StorageFailure): Text {
  switch (kind) {
    case 'busy':
      return DATABASE_BUSY;
    case 'unwritable':
      return DATABASE_UNWRITABLE;
    case 'unavailable':
      return DATABASE_UNREACHABLE;
    case 'uncertain':
      return DATABASE_IN_DOUBT;
    case 'integrity':
      return RECORD_TAMPERED;
    default:
      return SOMETHING_WENT_WRONG;
  }
}

/** A command's outcome, or a failure (an exception: the transaction rolled back). */
export type Outcome =
  | CommandOutcome
  | { ok: false; error: { code: 'conflict'; message: Text }; replay: false; incident: null; internal: true };

export interface Answer {
  ok: boolean;
  replay: boolean;
  /** For whoever acted ('' when there is nothing to say). */
  text: Text;
  /**
   * `text` without what the room already shows them (they acted in it: see NoticeEffect.shownInRoom), for
   * a platform where telling them costs a message of its own; absent when that is all of `text`.
   */
  unshown?: Text;
  /** For other people, each privately where the platform can (e.g. an overload warning). */
  others: { user: string; text: Text }[];
  /** The command failed with an exception (nothing was stored): a redelivery may be handled again. */
  failed?: true;
}

/** Warnings start with a sign every platform shows. */
export const WARNING = '⚠️ ';

/** Splits an outcome into the actor's text (notices, or the refusal with its hint) and other people's. */
export function answerFor(outcome: Outcome, actorId: string): Answer {
  if (!outcome.ok)
    return {
      ok: false,
      replay: outcome.replay,
      text: withHint(outcome.error),
      others: [],
      ...('internal' in outcome ? { failed: true as const } : {}),
    };
  const mine: { text: Text; shown: boolean }[] = [];
  const others = new Map<string, Text[]>();
  for (const n of outcome.notices) {
    const text = n.level === 'warning' ? `${WARNING}${n.text}` : n.text;
    if (!n.user || n.user === actorId) mine.push({ text, shown: n.shownInRoom === true });
    else others.set(n.user, [...(others.get(n.user) ?? []), text]);
  }
  const join = (ts: typeof mine) => ts.map((t) => t.text).join('\n');
  return {
    ok: true,
    replay: outcome.replay,
    text: join(mine),
    ...(mine.some((t) => t.shown) ? { unshown: join(mine.filter((t) => !t.shown)) } : {}),
    others: [...others].map(([user, texts]) => ({ user, text: texts.join('\n') })),
  };
}

/** Said after a communication or stand-down when no stakeholder channel is configured (`setting` names it). */
export function notToStakeholders(setting: string): Text {
  return `${WARNING}This went to the incident channel only: no stakeholder channel is configured (${setting}). Forward it to the stakeholders yourself.`;
}
