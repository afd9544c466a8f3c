// What the typed commitment and question verbs ask of the core (text-commands.ts runs it): the command,
// with its id derived from the request's idempotency key (one request, one item, however often it is
// delivered), and the sentence for whoever typed it. Bad input gets an answer and changes nothing.
import { createHash } from 'node:crypto';
import type { Command } from '../domain/commands.js';
import { COMMITMENT_LIMITS as L, stakeholderOwners } from '../domain/commitments.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { cleanText } from '../domain/template-fields.js';
import { code, command, mention, segments, type Text, time, userText } from '../domain/text.js';
import { commitmentsList } from '../views/commitments.js';
import type { ListView } from '../views/lists.js';
import type { CommitmentIntent } from './commitment-intents.js';
import { parseDueTime } from './due-time.js';

export type CommitmentStep =
  | { kind: 'text'; text: Text }
  | { kind: 'list'; view: ListView }
  | { kind: 'run'; command: Command; done: Text };

export interface StepContext {
  incident: Incident;
  playbook: Playbook;
  now: Date;
  /** The request's idempotency key. */
  key: string;
  nameOf(user: string): string | undefined;
}

/** A short id from the request key: easy to type (`kept c-1a2b3`), the same on every redelivery. */
export function stakeholderItemId(prefix: 'c' | 'q', requestKey: string): string {
  return `${prefix}-${createHash('sha256').update(`${prefix}:${requestKey}`).digest('hex').slice(0, 5)}`;
}

/** Typed text as stored: token markers and control characters dropped, mentions as "@name". */
function plain(t: Text, nameOf: StepContext['nameOf']): string {
  const s = segments(t)
    .map((x) =>
      x.kind === 'mention'
        ? `@${nameOf(x.user) ?? x.user}`
        : x.kind === 'link'
          ? x.url
          : x.kind === 'text' || x.kind === 'strong' || x.kind === 'code'
            ? x.text
            : '',
    )
    .join('');
  return cleanText(userText(s)).trim();
}

function tooLong(what: string, n: number, max: number): CommitmentStep {
  return {
    kind: 'text',
    text: `That ${what} is too long (${n} characters; at most ${max}). Nothing was recorded.`,
  };
}

function ownerText(c: StepContext): Text {
  const o = stakeholderOwners(c.incident, c.playbook);
  return o.length ? o.map(mention).join(', ') : 'the comms lead';
}

export function commitmentStep(intent: CommitmentIntent, c: StepContext): CommitmentStep {
  switch (intent.verb) {
    case 'commitments':
      return { kind: 'list', view: commitmentsList(c.incident, c.playbook) };
    case 'commit': {
      const what = plain(intent.what, c.nameOf);
      if (what.length > L.what) return tooLong('commitment', what.length, L.what);
      const due = parseDueTime(userText(intent.due), c.now);
      if (!due.ok) return { kind: 'text', text: `${due.problem} Nothing was recorded.` };
      const id = stakeholderItemId('c', c.key);
      return {
        kind: 'run',
        command: { type: 'add_commitment', id, what, due: due.iso },
        done: `🤝 Commitment ${code(id)} recorded, due ${time(due.iso)}: I will remind ${ownerText(c)} then. Once done, ${command(`kept ${id}`)}.`,
      };
    }
    case 'question': {
      const text = plain(intent.text, c.nameOf);
      if (text.length > L.question) return tooLong('question', text.length, L.question);
      const from = intent.from ? plain(intent.from, c.nameOf) : '';
      if (from.length > L.from) return tooLong('"from"', from.length, L.from);
      const id = stakeholderItemId('q', c.key);
      return {
        kind: 'run',
        command: { type: 'add_question', id, text, ...(from ? { from } : {}) },
        done: `❓ Question ${code(id)} recorded; it is listed in status updates until ${command(`answer ${id} <answer>`)}.`,
      };
    }
    case 'kept':
    case 'dropped': {
      const note = intent.note ? plain(intent.note, c.nameOf) : '';
      if (note.length > L.note) return tooLong('note', note.length, L.note);
      return {
        kind: 'run',
        command: {
          type: 'resolve_commitment',
          id: intent.id,
          outcome: intent.verb,
          ...(note ? { note } : {}),
        },
        done: `Commitment ${code(intent.id)} marked ${intent.verb}.`,
      };
    }
    case 'answer': {
      const answer = plain(intent.answer, c.nameOf);
      if (answer.length > L.answer) return tooLong('answer', answer.length, L.answer);
      return {
        kind: 'run',
        command: { type: 'answer_question', id: intent.id, answer },
        done: `💬 Answer to ${code(intent.id)} recorded: stakeholders see it in the next status update.`,
      };
    }
  }
}
