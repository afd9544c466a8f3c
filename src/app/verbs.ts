// The `/incident` verbs: usage and one line each. Rendered as Slack mrkdwn (so `<` is written `&lt;`).

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
  { verb: 'role', args: '<role> [@user]', summary: 'Take a role, or give it to someone.', scope: 'incident' },
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
    verb: 'decision',
    args: '<text> [because <rationale>]',
    summary: 'Record a decision (and why) in the decision log.',
    scope: 'incident',
  },
  { verb: 'evidence', args: '<link or text>', summary: 'Record a piece of evidence.', scope: 'incident' },
  {
    verb: 'followup',
    args: '',
    summary: 'Add a follow-up action with owner, due date and control objective (opens a form).',
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
    verb: 'export',
    args: '',
    summary: 'Upload the review document (Markdown + timeline SVG) to this channel.',
    scope: 'incident',
  },
];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function usage(verb: string, command = '/incident'): string {
  const v = VERBS.find((x) => x.verb === verb);
  return `\`${esc(`${command} ${verb}${v?.args ? ` ${v.args}` : ''}`)}\``;
}

/** The full help, grouped by where each verb works. */
export function helpText(command = '/incident'): string {
  const line = (v: VerbInfo) => `• ${usage(v.verb, command)}: ${v.summary}`;
  return [
    `*${command}* runs the emergency procedures handbook.`,
    '*Anywhere*',
    ...VERBS.filter((v) => v.scope === 'anywhere').map(line),
    "*In an incident's channel*",
    ...VERBS.filter((v) => v.scope === 'incident').map(line),
  ].join('\n');
}

/** The answer to an incident verb used outside an incident's channel. */
export function notInIncidentChannel(verb: string, command = '/incident'): string {
  return `${usage(verb, command)} works in an incident's channel. Run it there (\`${command} list\` shows the open incidents and their channels), or \`${command} declare\` to start one.`;
}

export function unknownVerb(word: string, command = '/incident'): string {
  return `I don't know \`${esc(`${command} ${word}`.slice(0, 60))}\`.\n\n${helpText(command)}`;
}
