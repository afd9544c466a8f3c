// The `lead` verb (`/incident lead …` in Slack, `incident lead …` in Teams, the console's box):
//   lead                          the workstreams and their leads
//   lead <workstream>             take it
//   lead <workstream> @person     name its lead (the incident commander, or its lead handing it over)
//   lead <workstream> release     step back (its lead), or release its lead (the incident commander)
// Parsed here (intents.ts hands the words over) and turned into a core command or an answer.
import type { Command } from '../domain/commands.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { code, userText } from '../domain/text.js';
import { workstreamDefs } from '../domain/workstreams.js';
import { workstreamList } from '../views/workstreams.js';
import type { Reply } from './text-commands.js';

export type LeadIntent = {
  verb: 'lead';
  /** The workstream as typed ('' lists them). */
  workstream: string;
  user: string | null;
  release: boolean;
};

type Usage = { verb: 'usage'; of: string; problem: string };

export const LEAD_ALIASES: Record<string, string> = {
  workstream: 'lead',
  workstreams: 'lead',
  leads: 'lead',
};

const MENTION = /^\u0002@([^\u0002\u0003]+)\u0003$/;
const RELEASE = new Set(['release', 'none', 'off', 'unassign']);

export function parseLeadVerb(rest: string): LeadIntent | Usage {
  const parts = rest.split(/\s+/).filter(Boolean);
  let user: string | null = null;
  let release = false;
  const last = parts.at(-1);
  const mention = last ? MENTION.exec(last) : null;
  if (mention) {
    user = mention[1]!;
    parts.pop();
  } else if (last && RELEASE.has(last.toLowerCase())) {
    release = true;
    parts.pop();
  } else if (parts[0] && parts.length > 1 && RELEASE.has(parts[0].toLowerCase())) {
    release = true; // "lead release containment" reads as well
    parts.shift();
  } else if (last?.includes('@')) {
    return {
      verb: 'usage',
      of: 'lead',
      problem: `I can't tell who ${userText(last).slice(0, 60)} is. A lead is a person: @mention them, picked from the list your chat app offers.`,
    };
  }
  if (!parts.length && (user || release))
    return { verb: 'usage', of: 'lead', problem: 'Name the workstream first.' };
  return { verb: 'lead', workstream: parts.join(' '), user, release };
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s_-]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** A workstream by id, name, or the start or a word of either ("comms", "invest"); null when unknown. */
export function resolveWorkstream(pb: Playbook, text: string): string | null {
  const t = norm(text);
  if (!t) return null;
  const defs = workstreamDefs(pb);
  const hit =
    defs.find((w) => norm(w.id) === t || norm(w.name) === t) ??
    defs.find((w) => norm(w.id).startsWith(t) || norm(w.name).startsWith(t)) ??
    defs.find((w) => [norm(w.id), norm(w.name)].some((n) => n.split('_').some((word) => word.startsWith(t))));
  return hit?.id ?? null;
}

/** What `lead …` asks: the list, a sentence, or a command to run. */
export function leadStep(
  intent: LeadIntent,
  o: { incident: Incident; playbook: Playbook; actorId: string },
): Reply | { kind: 'run'; command: Command } {
  const defs = workstreamDefs(o.playbook);
  if (!intent.workstream || !defs.length)
    return { kind: 'list', view: workstreamList(o.incident, o.playbook) };
  const id = resolveWorkstream(o.playbook, intent.workstream);
  if (!id)
    return {
      kind: 'text',
      text: `There is no workstream "${userText(intent.workstream).slice(0, 60)}". Workstreams: ${defs.map((w) => `${code(w.id)} (${userText(w.name)})`).join(', ')}.`,
    };
  if (intent.release) return { kind: 'run', command: { type: 'release_workstream', workstream: id } };
  return {
    kind: 'run',
    command: { type: 'lead_workstream', workstream: id, user: intent.user ?? o.actorId },
  };
}
