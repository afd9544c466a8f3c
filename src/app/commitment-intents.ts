// The typed verbs of stakeholder commitments and questions, parsed (intents.ts hands them here):
//   commit <what> by <time>        question <text>[? from <who>]      commitments
//   kept <id> [how]                dropped <id> <why>                  answer <id> <answer>
// Times are resolved later, against the clock (./due-time.ts); here only the words are split.
import { command, userText } from '../domain/text.js';

export type CommitmentIntent =
  | { verb: 'commit'; what: string; due: string }
  | { verb: 'question'; text: string; from?: string }
  | { verb: 'kept'; id: string; note?: string }
  | { verb: 'dropped'; id: string; note: string }
  | { verb: 'answer'; id: string; answer: string }
  | { verb: 'commitments' };

type Usage = { verb: 'usage'; of: string; problem: string };

export const COMMITMENT_VERBS = ['commit', 'question', 'kept', 'dropped', 'answer', 'commitments'] as const;

export const COMMITMENT_ALIASES: Record<string, string> = {
  commitment: 'commit',
  promise: 'commit',
  ask: 'question',
  asked: 'question',
  keep: 'kept',
  drop: 'dropped',
  questions: 'commitments',
};

/** A mention token as the platforms write it into neutral text. */
const MENTION = /^\u0002@[^\u0002\u0003]+\u0003$/;

/** `c-1a2b3` / `1a2b3` / `C-1A2B3` -> `c-1a2b3` (ids are lower case; the prefix may be left out). */
export function normaliseId(word: string, prefix: 'c' | 'q'): string {
  const w = userText(word)
    .trim()
    .toLowerCase()
    .replace(/[.,;:]+$/, '')
    .slice(0, 40);
  return w.startsWith(`${prefix}-`) ? w : `${prefix}-${w}`;
}

/** The id (first word) and the rest. */
function idAndRest(rest: string): { id: string; text: string } {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(rest);
  return { id: m?.[1] ?? '', text: (m?.[2] ?? '').trim() };
}

export function parseCommitmentVerb(verb: string, rest: string): CommitmentIntent | Usage | null {
  switch (verb) {
    case 'commitments':
      return { verb };
    case 'commit': {
      // the last " by " splits the promise from its time ("send the RCA by email by 16:00")
      const by = rest.toLowerCase().lastIndexOf(' by ');
      if (!rest || by <= 0)
        return {
          verb: 'usage',
          of: 'commit',
          problem: rest ? 'Say by when, after "by".' : 'Say what was promised, and by when.',
        };
      const what = rest.slice(0, by).trim();
      const due = rest.slice(by + 4).trim();
      if (!what || !due)
        return { verb: 'usage', of: 'commit', problem: 'Say what was promised, and by when.' };
      return { verb, what, due };
    }
    case 'question': {
      if (!rest) return { verb: 'usage', of: 'question', problem: 'Say what the stakeholder asked.' };
      // "… ? from <who>" or "… from @person": who asked. Otherwise "from" is part of the question.
      const at = rest.toLowerCase().lastIndexOf(' from ');
      if (at > 0) {
        const text = rest.slice(0, at).trim();
        const from = rest.slice(at + 6).trim();
        if (from && (text.endsWith('?') || MENTION.test(from))) return { verb, text, from };
      }
      return { verb, text: rest };
    }
    case 'kept':
    case 'dropped': {
      const { id, text } = idAndRest(rest);
      if (!id)
        return {
          verb: 'usage',
          of: verb,
          problem: `Name the commitment by its id (${command('commitments')} lists them).`,
        };
      if (verb === 'dropped') {
        if (!text)
          return {
            verb: 'usage',
            of: verb,
            problem: 'Say why it is dropped (and how stakeholders were told).',
          };
        return { verb, id: normaliseId(id, 'c'), note: text };
      }
      return { verb, id: normaliseId(id, 'c'), ...(text ? { note: text } : {}) };
    }
    case 'answer': {
      const { id, text } = idAndRest(rest);
      if (!id || !text)
        return {
          verb: 'usage',
          of: 'answer',
          problem: `Name the question by its id (${command('commitments')} lists them), then give the answer.`,
        };
      return { verb, id: normaliseId(id, 'q'), answer: text };
    }
    default:
      return null;
  }
}
