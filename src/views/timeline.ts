// The incident's timeline in its room: the handbook's "timeline template", populated as the incident goes.
// Its sections are the playbook's phases (detection, containment, mitigation & recovery, closure, review):
// each period the incident spent in one, with the key decision-log entries written during it; the phases
// still ahead are listed as empty headings, so the template is visible from the start. Key times head it.
// Bounded for Slack's blocks and a Teams card: the latest TIMELINE_LIMITS.entries entries, each cut short,
// with a count and the way to the whole record (the export).
import { type Incident, isClosed, type PhaseSpan } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { BOT_ID, command, mention, strong, type Text, time, userText } from '../domain/text.js';
import { cut, drillPrefix, phaseName } from './format.js';
import type { PostView } from './post.js';

/** One key entry of the decision log, in the export's wording (plain text, not yet sanitised). */
export interface TimelineEntry {
  seq: number;
  /** When it happened (a logged message keeps the time it was written). */
  at: string;
  kind: string;
  /** Who did it (a platform user id, or the bot). */
  actor: string;
  text: string;
}

export interface TimelineSection {
  heading: Text;
  lines: Text[];
}

export interface TimelineView {
  key: string;
  version: number;
  drill: boolean;
  closed: boolean;
  heading: Text;
  /** The key times: declared, initial alert, resolved, review, recap. */
  milestones: Text[];
  sections: TimelineSection[];
  /** How many entries are shown of how many, and how to get them all. */
  footer: Text;
  fallback: Text;
}

export const TIMELINE_LIMITS = {
  /** Entries shown (the latest). */
  entries: 15,
  /** Characters of one entry's text. */
  entryChars: 240,
  /** Phase periods shown (the latest; a back-and-forth incident has many). */
  spans: 8,
} as const;

type Limits = { entries: number; entryChars: number; spans: number };

/**
 * The span an instant falls in. A phase passed through in that very instant holds it (closing from
 * mitigation passes through closure: the closure notice belongs there); else the first span that holds it,
 * its end included (the review entry belongs to the review phase, not to the one it leads to). Earlier
 * instants (a message written before the declaration) go to the first span.
 */
function spanIndex(spans: PhaseSpan[], at: string): number {
  const passed = spans.findIndex((s) => s.enteredAt === at && s.leftAt === at);
  if (passed >= 0) return passed;
  const k = spans.findIndex((s) => s.enteredAt <= at && (s.leftAt === null || at <= s.leftAt));
  return k >= 0 ? k : at < spans[0]!.enteredAt ? 0 : spans.length - 1;
}

/** The phases still ahead of the current one, following the first forward move of each. */
function ahead(i: Incident, pb: Playbook): string[] {
  const out: string[] = [];
  let cur = pb.phases.find((p) => p.id === i.phase);
  while (cur && !cur.terminal && cur.next.length && out.length < pb.phases.length) {
    const next = cur.next[0]!;
    if (out.includes(next) || next === i.phase) break;
    out.push(next);
    cur = pb.phases.find((p) => p.id === next);
  }
  return out;
}

function milestones(i: Incident): Text[] {
  const by = (id: string) => (id && id !== BOT_ID ? ` by ${mention(id)}` : '');
  const recap = i.recap?.sentAt
    ? `${time(i.recap.sentAt)}${by(i.recap.sentBy ?? '')}`
    : i.recap
      ? `owed: ${command('recap')}`
      : '—';
  const resolved = i.standDown
    ? `stood down ${time(i.standDown.at)} (false alarm)`
    : i.closedAt
      ? time(i.closedAt)
      : '—';
  return [
    `${strong('Declared')}: ${time(i.declaredAt)}${by(i.declaredBy)}`,
    `${strong('Initial alert')}: ${i.initialAlertAt ? time(i.initialAlertAt) : 'not sent yet'}`,
    `${strong('Resolved')}: ${resolved}`,
    `${strong('Review')}: ${i.reviewedAt ? time(i.reviewedAt) : i.reviewDueOn ? `due ${userText(i.reviewDueOn)}` : '—'}`,
    `${strong('Recap to stakeholders')}: ${recap}`,
  ];
}

/** `entries`: every key entry of the incident, oldest first. */
export function timelineView(
  i: Incident,
  pb: Playbook,
  entries: TimelineEntry[],
  limits: Limits = TIMELINE_LIMITS,
): TimelineView {
  const spans = i.phases.length
    ? i.phases
    : [{ phase: i.phase, enteredAt: i.declaredAt, leftAt: null, by: i.declaredBy, move: 'start' as const }];
  const shown = entries.slice(-limits.entries);
  const perSpan = spans.map(() => ({ total: 0, shown: [] as TimelineEntry[] }));
  for (const e of entries) perSpan[spanIndex(spans, e.at)]!.total++;
  for (const e of shown) perSpan[spanIndex(spans, e.at)]!.shown.push(e);
  const first = Math.max(0, spans.length - limits.spans);
  const sections: TimelineSection[] = [];
  if (first > 0)
    sections.push({
      heading: `${first} earlier phase periods`,
      lines: [`Not shown here: see the whole record (${command('export')}).`],
    });
  spans.slice(first).forEach((s, k) => {
    const n = first + k;
    const got = perSpan[n]!;
    const terminal = pb.phases.find((p) => p.id === s.phase)?.terminal ?? false;
    const left = s.leftAt ? ` → ${time(s.leftAt)}` : terminal ? '' : ' (now)';
    const lines: Text[] = [];
    const hidden = got.total - got.shown.length;
    if (hidden > 0) lines.push(`… ${hidden} earlier ${hidden === 1 ? 'entry' : 'entries'}`);
    for (const e of got.shown) {
      const who = e.actor && e.actor !== BOT_ID ? ` (${mention(e.actor)})` : '';
      lines.push(`• ${time(e.at)} ${userText(cut(e.text, limits.entryChars))}${who}`);
    }
    if (got.total === 0 && !s.leftAt && !terminal) lines.push('Nothing logged yet in this phase.');
    sections.push({ heading: `${strong(phaseName(pb, s.phase))} · ${time(s.enteredAt)}${left}`, lines });
  });
  if (!isClosed(i))
    for (const p of ahead(i, pb))
      sections.push({ heading: `${strong(phaseName(pb, p))} · not yet`, lines: [] });
  const total = entries.length;
  const count =
    total > shown.length
      ? `Latest ${shown.length} of ${total} entries`
      : `${total} ${total === 1 ? 'entry' : 'entries'}`;
  return {
    key: i.key,
    version: i.version,
    drill: i.drill,
    closed: isClosed(i),
    heading: `${drillPrefix(i)}Timeline: ${i.key}`,
    milestones: milestones(i),
    sections,
    footer: `${count} · the whole decision log and phase picture: ${command('export')}`,
    fallback: `${drillPrefix(i)}Timeline of ${i.key}: ${userText(i.title)}`,
  };
}

/** The timeline as a post every platform renders (its key times first, then one block per phase period). */
export function timelinePost(v: TimelineView): PostView {
  return {
    name: 'timeline',
    drill: v.drill,
    version: v.version,
    header: true,
    title: `🕒 ${v.heading}`,
    lines: [...v.milestones, ...v.sections.flatMap((s) => [s.heading, ...s.lines])],
    actions: [],
    footer: v.footer,
    fallback: v.fallback,
  };
}
