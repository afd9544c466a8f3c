// The incident verbs: usage and one line each, and the help built from them. Commands are tokens: each
// platform writes them its own way (a slash command, a mention of the bot).
import { command, type Text, userText } from '../domain/text.js';

export type VerbScope = 'anywhere' | 'incident';

export interface VerbInfo {
  verb: string;
  /** Arguments after the verb, as shown to people (plain text; escaped when rendered). */
  args: string;
  summary: string;
  scope: VerbScope;
}

export const VERBS: readonly VerbInfo[] = [
  { verb: 'declare', args: '[title]', summary: 'Declare an incident (opens a form).', scope: 'anywhere' },
  {
    verb: 'list',
    args: '',
    summary: 'Open incidents with phase, incident commander and age.',
    scope: 'anywhere',
  },
  { verb: 'help', args: '', summary: 'This list.', scope: 'anywhere' },
  { verb: 'status', args: '', summary: "The incident's phase, roles and communications.", scope: 'incident' },
  {
    verb: 'alert',
    args: '',
    summary: 'Send the initial stakeholder alert (opens a form).',
    scope: 'incident',
  },
  { verb: 'update', args: '', summary: 'Post a status update (opens a form).', scope: 'incident' },
  {
    verb: 'action',
    args: '[<id> [why]]',
    summary:
      "Run a playbook action such as freezing deployments or the master switch, after confirming its consequence (the action's roles; the incident commander by default). Without an id: the actions and whether they are configured.",
    scope: 'incident',
  },
  {
    verb: 'page',
    args: '[<role or service>]',
    summary:
      "Page a role's or a service's on-call through PagerDuty or Opsgenie, once per incident (incident commander or comms lead). Alone: who can be paged.",
    scope: 'incident',
  },
  {
    verb: 'commit',
    args: '<what> by <time>',
    summary:
      'Record a commitment to stakeholders, due HH:MM (UTC), at an ISO time or "in 30m"; reminded when due (comms lead or incident commander).',
    scope: 'incident',
  },
  {
    verb: 'question',
    args: '<text>[? from <who>]',
    summary: "Record a stakeholder's question, listed in status updates until answered.",
    scope: 'incident',
  },
  {
    verb: 'answer',
    args: '<id> <answer>',
    summary: 'Record the answer to a stakeholder question (comms lead or incident commander).',
    scope: 'incident',
  },
  {
    verb: 'kept',
    args: '<id> [how]',
    summary: 'Mark a commitment to stakeholders kept (comms lead or incident commander).',
    scope: 'incident',
  },
  {
    verb: 'dropped',
    args: '<id> <why>',
    summary: 'Mark a commitment dropped, saying why (comms lead or incident commander).',
    scope: 'incident',
  },
  {
    verb: 'commitments',
    args: '',
    summary: 'List the commitments and stakeholder questions, with their ids.',
    scope: 'incident',
  },
  { verb: 'role', args: '<role> [@user]', summary: 'Take a role, or give it to someone.', scope: 'incident' },
  {
    verb: 'lead',
    args: '[<workstream> [@user | release]]',
    summary:
      'Lead a workstream (containment, investigation, stakeholder comms, compliance), name its lead (incident commander), or step back; alone, lists them.',
    scope: 'incident',
  },
  {
    verb: 'phase',
    args: '',
    summary: 'Move to the next phase, or back (incident commander).',
    scope: 'incident',
  },
  {
    verb: 'reclassify',
    args: '',
    summary: 'Change trigger class or severity (incident commander).',
    scope: 'incident',
  },
  {
    verb: 'close',
    args: '',
    summary: 'Close the incident with the closure notice (incident commander).',
    scope: 'incident',
  },
  {
    verb: 'standdown',
    args: '<reason>',
    summary: 'Stand a false alarm down during triage, with the reason (incident commander).',
    scope: 'incident',
  },
  { verb: 'log', args: '<text>', summary: 'Add a note to the decision log.', scope: 'incident' },
  {
    verb: 'add',
    args: '@user',
    summary: 'Add someone to the incident (members read and write its record).',
    scope: 'incident',
  },
  {
    verb: 'confidential',
    args: '',
    summary: 'Show the incident to its members only (incident commander).',
    scope: 'incident',
  },
  {
    verb: 'public',
    args: '<reason>',
    summary: 'Show a confidential incident to everyone again, with the reason (incident commander).',
    scope: 'incident',
  },
  {
    verb: 'decision',
    args: '<text> [because <rationale>]',
    summary: 'Record a decision (and why) in the decision log.',
    scope: 'incident',
  },
  { verb: 'evidence', args: '<link or text>', summary: 'Record a piece of evidence.', scope: 'incident' },
  {
    verb: 'followup',
    args: '',
    summary:
      'Add a follow-up action with acceptance criteria, owner, due date and control objective (opens a form; filed in the backlog when one is connected).',
    scope: 'incident',
  },
  { verb: 'followups', args: '', summary: 'List the follow-ups and mark them done.', scope: 'incident' },
  {
    verb: 'review',
    args: '',
    summary: 'Record the post-incident review after closure (opens a form).',
    scope: 'incident',
  },
  {
    verb: 'recap',
    args: '',
    summary:
      'Send stakeholders the communication recap after the review: prefilled from it, checked by you (comms lead or incident commander; opens a form).',
    scope: 'incident',
  },
  {
    verb: 'export',
    args: '',
    summary: 'The review document (Markdown) and its phase timeline (SVG), in the incident channel.',
    scope: 'incident',
  },
];

export interface HelpView {
  /** A line before the help (e.g. "I don't know …"). */
  lead?: Text;
  title: Text;
  sections: { heading: string; lines: Text[] }[];
  footer: Text[];
}

export function usage(verb: string): Text {
  const v = VERBS.find((x) => x.verb === verb);
  return command(`${verb}${v?.args ? ` ${v.args}` : ''}`);
}

/** The full help, grouped by where each verb works. */
export function helpView(lead?: Text): HelpView {
  const line = (v: VerbInfo) => `${usage(v.verb)}: ${v.summary}`;
  return {
    ...(lead ? { lead } : {}),
    title: 'The incident bot runs the emergency procedures handbook.',
    sections: [
      { heading: 'Anywhere', lines: VERBS.filter((v) => v.scope === 'anywhere').map(line) },
      { heading: "In an incident's channel", lines: VERBS.filter((v) => v.scope === 'incident').map(line) },
    ],
    footer: ['On any message: the "Add to incident log" message action logs it with its author and time.'],
  };
}

/** The answer to an incident verb used outside an incident's room. */
export function notInIncidentRoom(verb: string): Text {
  return `${usage(verb)} works in an incident's channel. Run it there (${command('list')} shows the open incidents and their channels), or ${command('declare')} to start one.`;
}

export function unknownVerb(word: string): HelpView {
  return helpView(`I don't know ${command(userText(word).slice(0, 40))}.`);
}
