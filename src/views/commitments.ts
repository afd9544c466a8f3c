// Stakeholder commitments and questions as people see them: lines for the status update (post and form),
// the room post when one is recorded or settled, the `commitments` list and the summary's fact.
import {
  commitmentsOf,
  openCommitments,
  openQuestions,
  questionsOf,
  type StakeholderItems,
  stakeholderOwners,
} from '../domain/commitments.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { code, command, mention, strong, type Text, time, userText } from '../domain/text.js';
import { cut, drillPrefix } from './format.js';
import type { ListView } from './lists.js';
import { type PostView, simplePost } from './post.js';

/**
 * How much of them a post shows: items of each kind before "…and N more", characters of each item's
 * text (the whole is in the record). A post stays readable and within the platforms' block limits; a form's
 * context (one Slack section) shows less.
 */
const IN_POST = { max: 10, width: 200 };
const IN_FORM = { max: 5, width: 120 };

function capped(lines: Text[], max: number, more: string): Text[] {
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max), `…and ${lines.length - max} more ${more}.`];
}

const askedBy = (from: string | undefined) => (from ? ` (from ${userText(cut(from, 100))})` : '');

/**
 * The open commitments and questions, and the answers given since the last update: what a status update
 * carries to its readers. With `ids` (the form, for the team, who settle them by id), each item names its id.
 */
export function stakeholderItemLines(s: StakeholderItems, o: { ids?: boolean } = {}): Text[] {
  const id = (x: string) => (o.ids ? ` ${code(x)}` : '');
  const { max, width: WIDTH } = o.ids ? IN_FORM : IN_POST;
  const lines: Text[] = [];
  if (s.commitments.length)
    lines.push(
      strong('Our open commitments'),
      ...capped(
        s.commitments.map((c) => `🤝 ${userText(cut(c.what, WIDTH))}: by ${time(c.due)}${id(c.id)}`),
        max,
        'commitments',
      ),
    );
  if (s.questions.length)
    lines.push(
      strong('Open questions'),
      ...capped(
        s.questions.map((q) => `❓ ${userText(cut(q.text, WIDTH))}${askedBy(q.from)}${id(q.id)}`),
        max,
        'questions',
      ),
    );
  if (s.answered.length)
    lines.push(
      strong('Answered since the last update'),
      ...capped(
        s.answered.map((q) => `💬 ${userText(cut(q.text, WIDTH))}: ${userText(cut(q.answer, WIDTH * 2))}`),
        max,
        'answers',
      ),
    );
  return lines;
}

/** The status update form's context: what the update will list, and how to change that first. */
export function stakeholderFormLines(i: Incident, s: StakeholderItems): Text[] {
  if (!s.commitments.length && !s.questions.length && !s.answered.length)
    return [
      `No open commitments or questions. Record them with ${command('commit <what> by <time>')} and ${command('question <text>')}.`,
    ];
  return [`This update will list (for ${i.key}):`, ...stakeholderItemLines(s, { ids: true })];
}

const owners = (i: Incident, pb: Playbook): Text => {
  const o = stakeholderOwners(i, pb);
  return o.length ? o.map(mention).join(', ') : 'nobody (the comms lead role is open)';
};

/** The room post when a commitment or question is recorded, kept, dropped or answered. */
export function stakeholderItemPost(i: Incident, pb: Playbook, d: Record<string, unknown>): PostView {
  const id = String(d.id ?? '');
  const event = String(d.event ?? '');
  if (d.kind === 'question') {
    const q = questionsOf(i).find((x) => x.id === id);
    if (!q)
      return simplePost(i, 'question', `question ${id}`, [`❓ Question ${code(id)}`], `${i.key}: question`);
    const line = `❓ ${strong('Stakeholder question')} ${code(q.id)}${askedBy(q.from)}: ${userText(q.text)}`;
    const lines: Text[] =
      event === 'answered'
        ? [
            line,
            `💬 Answered by ${mention(q.answeredBy ?? '')}: ${userText(q.answer ?? '')}`,
            'Stakeholders see the answer in the next status update.',
          ]
        : [
            line,
            `Recorded by ${mention(q.askedBy)}. Owner: ${owners(i, pb)}; answer with ${command(`answer ${q.id} <answer>`)}.`,
          ];
    return simplePost(
      i,
      `question:${q.id}:${event}`,
      event === 'answered' ? 'question answered' : 'stakeholder question',
      lines,
      `${i.key}: stakeholder question ${event === 'answered' ? 'answered' : 'recorded'}`,
    );
  }
  const c = commitmentsOf(i).find((x) => x.id === id);
  if (!c)
    return simplePost(
      i,
      'commitment',
      `commitment ${id}`,
      [`🤝 Commitment ${code(id)}`],
      `${i.key}: commitment`,
    );
  const what = `${strong('Commitment to stakeholders')} ${code(c.id)}: ${userText(c.what)}, by ${time(c.due)}`;
  const lines: Text[] =
    event === 'kept' || event === 'dropped'
      ? [
          `${event === 'kept' ? '✅ Kept' : '🚫 Dropped'}: ${what}`,
          `Marked by ${mention(c.resolvedBy ?? '')}${c.note ? `: ${userText(c.note)}` : '.'}`,
        ]
      : [
          `🤝 ${what}`,
          `Owner: ${owners(i, pb)}. When it is done, ${command(`kept ${c.id}`)}; if it cannot be, tell them and ${command(`dropped ${c.id} <why>`)}.`,
        ];
  return simplePost(
    i,
    `commitment:${c.id}:${event}`,
    event === 'kept' || event === 'dropped' ? `commitment ${event}` : 'commitment to stakeholders',
    lines,
    `${i.key}: commitment ${event === 'open' ? 'recorded' : event}`,
  );
}

/** `commitments`: every commitment and question, open first, with ids and owners. */
export function commitmentsList(i: Incident, pb: Playbook): ListView {
  const cs = commitmentsOf(i);
  const qs = questionsOf(i);
  const title = `${drillPrefix(i)}${i.key}: commitments and questions (owner ${owners(i, pb)})`;
  if (!cs.length && !qs.length)
    return {
      title,
      lines: [],
      empty: `${drillPrefix(i)}${i.key} has no commitments or questions yet. ${command('commit <what> by <time>')} and ${command('question <text>')} record them.`,
    };
  const open = openCommitments(i);
  const settled = cs.filter((c) => c.state !== 'open');
  const lines: Text[] = [
    ...open.map((c) => `🤝 ${code(c.id)} ${userText(cut(c.what, 300))}: due ${time(c.due)}`),
    ...openQuestions(i).map((q) => `❓ ${code(q.id)} ${userText(cut(q.text, 300))}${askedBy(q.from)}`),
    ...settled.map(
      (c) => `${c.state === 'kept' ? '✅' : '🚫'} ${code(c.id)} ${userText(cut(c.what, 300))}: ${c.state}`,
    ),
    ...qs
      .filter((q) => q.answer !== undefined)
      .map((q) => `💬 ${code(q.id)} ${userText(cut(q.text, 150))}: ${userText(cut(q.answer ?? '', 300))}`),
  ];
  const shown = lines.slice(0, 40);
  if (lines.length > shown.length)
    shown.push(`…and ${lines.length - shown.length} more (the export has them all).`);
  return { title, lines: shown };
}

/** The summary's line: how many are open, and when the next commitment falls due; null when none is. */
export function stakeholderStatus(i: Incident): Text | null {
  const cs = openCommitments(i);
  const qs = openQuestions(i);
  if (!cs.length && !qs.length) return null;
  const parts: Text[] = [];
  if (cs.length)
    parts.push(
      `${cs.length} commitment${cs.length === 1 ? '' : 's'} to stakeholders open, next due ${time(cs[0]!.due)}`,
    );
  if (qs.length) parts.push(`${qs.length} stakeholder question${qs.length === 1 ? '' : 's'} open`);
  return `🤝 ${parts.join(' · ')} (${command('commitments')})`;
}
