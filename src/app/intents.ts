// Parses the words after the incident command into an intent. Platforms hand in neutral text: people
// @mentioned are mention tokens (src/domain/text.ts), whatever the platform's own syntax was.
import type { Playbook } from '../domain/playbook.js';
import { userText } from '../domain/text.js';
import { VERBS, type VerbScope } from '../views/help.js';
import { type ActionIntent, parseActionVerb } from './action-verbs.js';
import { COMMITMENT_ALIASES, type CommitmentIntent, parseCommitmentVerb } from './commitment-intents.js';
import type { PageIntent } from './page-verbs.js';
import { LEAD_ALIASES, type LeadIntent, parseLeadVerb } from './workstream-verbs.js';

export type IncidentIntent =
  | { verb: 'help' }
  | { verb: 'declare'; title: string }
  | { verb: 'list' }
  | { verb: 'status' }
  | { verb: 'alert' }
  | { verb: 'update' }
  | { verb: 'role'; role: string; user: string | null }
  | LeadIntent
  | { verb: 'phase' }
  | { verb: 'reclassify' }
  | { verb: 'close' }
  | { verb: 'standdown'; reason: string }
  | { verb: 'log'; text: string }
  | { verb: 'decision'; text: string; rationale?: string }
  | { verb: 'evidence'; text: string }
  | { verb: 'followup' }
  | { verb: 'followups' }
  | { verb: 'review' }
  | { verb: 'recap' }
  | { verb: 'export' }
  | { verb: 'add'; user: string }
  | { verb: 'confidential' }
  | { verb: 'public'; reason: string }
  | CommitmentIntent
  | ActionIntent
  | PageIntent
  | { verb: 'usage'; of: string; problem: string }
  | { verb: 'unknown'; word: string };

const ALIASES: Record<string, string> = {
  '': 'help',
  '?': 'help',
  new: 'declare',
  start: 'declare',
  ls: 'list',
  info: 'status',
  'initial-alert': 'alert',
  'status-update': 'update',
  note: 'log',
  decide: 'decision',
  roles: 'role',
  'follow-up': 'followup',
  'follow-ups': 'followups',
  'stand-down': 'standdown',
  'false-alarm': 'standdown',
  invite: 'add',
  private: 'confidential',
  ...LEAD_ALIASES,
  ...COMMITMENT_ALIASES,
};

/** A mention token as the platforms write it into neutral text. */
const USER_MENTION = /^\u0002@([^\u0002\u0003]+)\u0003$/;

export function parseIncidentCommand(raw: string): IncidentIntent {
  const text = raw.trim();
  const m = /^(\S*)\s*([\s\S]*)$/.exec(text);
  const word = (m?.[1] ?? '').toLowerCase();
  const rest = (m?.[2] ?? '').trim();
  const verb = ALIASES[word] ?? word;
  switch (verb) {
    case 'help':
      return { verb: 'help' };
    case 'declare':
      return { verb: 'declare', title: rest };
    case 'list':
    case 'status':
    case 'alert':
    case 'update':
    case 'phase':
    case 'reclassify':
    case 'close':
    case 'followup':
    case 'followups':
    case 'review':
    case 'recap':
    case 'export':
    case 'confidential':
      return { verb };
    case 'public':
      return rest
        ? { verb: 'public', reason: rest }
        : {
            verb: 'usage',
            of: 'public',
            problem: 'Say why everyone may see the incident: the reason is kept in the log.',
          };
    case 'add': {
      const mention = USER_MENTION.exec(rest);
      if (mention) return { verb: 'add', user: mention[1]! };
      return {
        verb: 'usage',
        of: 'add',
        problem: rest
          ? `I can't tell who ${userText(rest.slice(0, 60))} is: @mention them, picked from the list your chat app offers.`
          : 'Say whom to add: @mention them.',
      };
    }
    case 'log':
    case 'decision':
    case 'evidence': {
      if (!rest)
        return {
          verb: 'usage',
          of: verb,
          problem:
            verb === 'log'
              ? 'Say what to log.'
              : verb === 'decision'
                ? 'Say what was decided.'
                : 'Give a link or describe the evidence.',
        };
      if (verb !== 'decision') return { verb, text: rest };
      // "<decision> because <rationale>": the first " because " splits them.
      const because = /\s+because\s+/i.exec(rest);
      if (because && because.index > 0) {
        const rationale = rest.slice(because.index + because[0].length).trim();
        if (rationale) return { verb, text: rest.slice(0, because.index).trim(), rationale };
      }
      return { verb, text: rest };
    }
    case 'standdown':
      return rest
        ? { verb: 'standdown', reason: rest }
        : { verb: 'usage', of: 'standdown', problem: 'Say why it is a false alarm.' };
    case 'role': {
      const parts = rest.split(/\s+/).filter(Boolean);
      if (parts.length === 0) return { verb: 'usage', of: 'role', problem: 'Name the role.' };
      const last = parts[parts.length - 1]!;
      const mention = USER_MENTION.exec(last);
      if (mention) {
        if (parts.length < 2)
          return { verb: 'usage', of: 'role', problem: 'Name the role before the person.' };
        return { verb: 'role', role: parts.slice(0, -1).join(' '), user: mention[1]! };
      }
      if (last.includes('@')) {
        return {
          verb: 'usage',
          of: 'role',
          problem: `I can't tell who ${userText(last)} is. A role goes to a person: @mention them, picked from the list your chat app offers.`,
        };
      }
      return { verb: 'role', role: parts.join(' '), user: null };
    }
    case 'lead':
      return parseLeadVerb(rest);
    case 'action':
      return parseActionVerb(rest);
    case 'page':
      return { verb: 'page', target: rest };
    case 'commit':
    case 'question':
    case 'kept':
    case 'dropped':
    case 'answer':
    case 'commitments':
      return parseCommitmentVerb(verb, rest) ?? { verb: 'unknown', word };
    default:
      return { verb: 'unknown', word };
  }
}

export function scopeOf(verb: string): VerbScope | null {
  return VERBS.find((v) => v.verb === verb)?.scope ?? null;
}

const ROLE_ALIASES: Record<string, string> = {
  tl: 'technical_lead',
  tech: 'technical_lead',
  comms: 'comms_lead',
};

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s_-]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** The role a common abbreviation names ("ic", "tl", "comms"), exactly; null otherwise. */
export function roleAlias(pb: Playbook, text: string): string | null {
  const lower = text.toLowerCase().trim();
  if (lower === 'ic' || lower === 'commander' || lower === 'incident-commander') return pb.commanderRole;
  const alias = ROLE_ALIASES[lower];
  return alias && pb.roles.some((r) => r.id === alias) ? alias : null;
}

/** Finds a role by id, name or a common abbreviation ("ic", "tl", "comms"); null when unknown. */
export function resolveRole(pb: Playbook, text: string): string | null {
  const t = norm(text);
  if (!t) return null;
  const alias = roleAlias(pb, text);
  if (alias) return alias;
  const hit =
    pb.roles.find((r) => norm(r.id) === t) ??
    pb.roles.find((r) => norm(r.name) === t) ??
    pb.roles.find((r) => norm(r.name).startsWith(t) || norm(r.id).startsWith(t));
  return hit?.id ?? null;
}
