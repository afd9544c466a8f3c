// The post-incident review document in Markdown (ready to paste into Confluence): everything is taken
// from the incident state and its decision log. Deterministic: the same record renders the same bytes
// (no "generated at" unless `generatedAt` is passed), so a test can compare it with a checked-in file.
// It runs over 400 lines: one section per part of the record, in the order the review reads them.

import { digestOf } from '../domain/audit/checkpoint.js';
import type { Communication, Incident } from '../domain/incident.js';
import type { TemplateId } from '../domain/playbook.js';
import { objectiveName, reviewMethod } from '../domain/playbook.js';
import { requiredRoles } from '../domain/roles.js';
import { renderSubject, renderTemplateLines } from '../domain/template-fields.js';
import { stakeholderTables, tablesMd } from './commitments-record.js';
import {
  actorLabel,
  byTime,
  duration,
  fileFacts,
  phaseName,
  roleName,
  severity,
  summarize,
  triggerName,
  utc,
} from './format.js';
import type { IncidentRecord, RecordEntry } from './incident-record.js';
import { workstreamsMarkdown } from './workstreams-record.js';

export interface MarkdownOptions {
  /** File name of the phase timeline SVG written next to the document (embedded as an image). */
  svgFile?: string;
  /** Shown as "Exported at"; omitted when not given so the output stays reproducible. */
  generatedAt?: string;
}

/** Escapes Markdown syntax in user text (inline). */
export function mdEscape(s: string): string {
  return s.replace(/[\\`*_[\]<>|~#]/g, (c) => `\\${c}`);
}

/** A table cell: escaped, line breaks as <br>, never empty. */
function cell(s: string | null | undefined): string {
  const t = (s ?? '').trim();
  if (!t) return ' ';
  return mdEscape(t).replace(/\r?\n/g, '<br>');
}

/** A paragraph of user text: escaped, line breaks kept as separate lines of a quote. */
function quote(s: string): string[] {
  const lines = mdEscape(s.trim())
    .split(/\r?\n/)
    .filter((l) => l.trim());
  return lines.flatMap((l, k) => (k ? ['>', `> ${l}`] : [`> ${l}`]));
}

function link(url: string | null | undefined, label = 'link'): string {
  if (!url) return ' ';
  if (/^https?:\/\/\S+$/.test(url))
    return `[${label}](${url.replace(/[()<> ]/g, (c) => encodeURIComponent(c))})`;
  return cell(url);
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

const none = (what: string) => [`_No ${what} recorded._`];

export function renderMarkdown(record: IncidentRecord, opts: MarkdownOptions = {}): string {
  const { incident: i, playbook: pb, entries } = record;
  const names = userNames(entries);
  const who = (id: string | null | undefined) => (id ? (names.get(id) ?? id) : '');
  const L: string[] = [];
  const section = (title: string, body: string[]) => {
    L.push('', `## ${title}`, '', ...body);
  };

  // ---------------------------------------------------------------- header
  L.push(`# ${i.drill ? '[DRILL] ' : ''}${mdEscape(i.key)}: ${mdEscape(i.title)}`, '');
  if (i.drill) L.push('> **DRILL**: this incident was an exercise, not a real emergency.', '');
  const facilitator = i.reviewFacilitator ? `, facilitator ${who(i.reviewFacilitator)}` : '';
  const review = i.reviewedAt
    ? `Recorded ${utc(i.reviewedAt)} (due on ${i.reviewDueOn ?? '?'}${facilitator})`
    : i.reviewDueOn
      ? `Due on ${i.reviewDueOn}${facilitator}`
      : i.standDown
        ? 'Not required (stood down as a false alarm)'
        : 'Not yet scheduled';
  L.push(
    ...table(
      ['Field', 'Value'],
      [
        ['Incident', cell(i.key)],
        ['Title', cell(i.title)],
        ['Trigger class', cell(triggerName(pb, i.triggerClass))],
        ['Severity', cell(severity(i, pb))],
        ['Drill', i.drill ? '**DRILL** (exercise)' : 'No'],
        ['Declared', cell(`${utc(i.declaredAt)} by ${who(i.declaredBy)}`)],
        [
          'Resolved',
          cell(
            i.closedAt
              ? `${utc(i.closedAt)} (${duration(i.declaredAt, i.closedAt)} after declaration)${
                  i.standDown ? `, stood down as a false alarm: ${i.standDown.reason}` : ''
                }`
              : 'Not yet',
          ),
        ],
        ['Review', cell(review)],
        ['Current phase', cell(phaseName(pb, i.phase))],
        [
          'Room',
          cell(i.room ? `${i.room.name || i.room.id}${i.room.fallback ? ' (fallback)' : ''}` : 'None'),
        ],
        [
          'Playbook',
          `${cell(`${pb.title} (${pb.id})`)} version ${cell(i.playbook.version)}, sha256 \`${i.playbook.sha256 || 'unknown'}\``,
        ],
      ],
    ),
  );
  L.push('', 'All times in this document are UTC.');
  if (opts.generatedAt) L.push('', `Exported at ${utc(opts.generatedAt)} from the decision log.`);

  // ---------------------------------------------------------------- impact
  const reclass = entries.filter((e) => e.kind === 'reclassified');
  section('Impact', [
    ...quote(i.impact),
    ...(reclass.length
      ? [
          '',
          'Re-classifications:',
          '',
          ...reclass.map((e) => `- ${utc(e.at)}: ${mdEscape(summarize(e, pb))}`),
        ]
      : []),
  ]);

  // ---------------------------------------------------------------- roles
  const required = requiredRoles(pb, i.triggerClass);
  const roleIds = [...new Set([...pb.roles.map((r) => r.id), ...Object.keys(i.roles)])];
  const holderRows = roleIds
    .filter((r) => (i.roles[r] ?? []).length || required.includes(r))
    .map((r) => {
      const h = i.roles[r] ?? [];
      return [cell(roleName(pb, r)), h.length ? cell(h.map(who).join(', ')) : '_unfilled (required)_'];
    });
  const changeRows = i.roleHistory.map((c) => [
    utc(c.at),
    cell(roleName(pb, c.role)),
    c.kind,
    cell(who(c.from)),
    cell(who(c.to)),
    cell(who(c.by)),
  ]);
  section('Roles and hand-offs', [
    ...table(['Role', 'Held by (at export)'], holderRows),
    '',
    ...(changeRows.length
      ? table(['Time (UTC)', 'Role', 'Change', 'From', 'To', 'By'], changeRows)
      : none('role changes')),
  ]);

  // ---------------------------------------------------------------- workstreams (workstreams-record.ts)
  const streams = workstreamsMarkdown(i, pb, who, { cell, table });
  if (streams.length) section('Workstream leads', streams);

  // ---------------------------------------------------------------- phases
  const phaseRows = i.phases.map((s) => {
    const def = pb.phases.find((p) => p.id === s.phase);
    const end = s.leftAt ? utc(s.leftAt) : def?.terminal ? '-' : 'ongoing';
    const dur = s.leftAt ? duration(s.enteredAt, s.leftAt) : def?.terminal ? '-' : 'ongoing';
    const how =
      s.move === 'back'
        ? `moved back: ${s.reason ?? ''}`
        : s.move === 'stand_down'
          ? `stood down (false alarm): ${s.reason ?? ''}`
          : s.move === 'start'
            ? 'declared'
            : 'forward';
    return [cell(phaseName(pb, s.phase)), utc(s.enteredAt), end, dur, cell(who(s.by)), cell(how)];
  });
  section('Phase timeline', [
    ...(opts.svgFile ? [`![Phase timeline (UTC)](${encodeURI(opts.svgFile)})`, ''] : []),
    ...table(['Phase', 'Start (UTC)', 'End (UTC)', 'Duration', 'By', 'How'], phaseRows),
  ]);

  // ---------------------------------------------------------------- checklist
  const start = Date.parse(i.declaredAt);
  const checkRows = pb.checklist.flatMap((g) =>
    g.items.map((item) => {
      const m = i.checklist[item.id];
      const due = new Date(start + item.deadlineMinutes * 60_000).toISOString();
      let state = i.closedAt ? 'not done' : 'open';
      let timing = `due ${utc(due)}`;
      if (m) {
        state = m.state === 'done' ? 'done' : `not applicable: ${m.reason ?? ''}`;
        timing = m.at <= due ? 'on time' : `late by ${duration(due, m.at)}`;
      }
      return [
        cell(`${g.name}: ${item.text}`),
        cell(state),
        cell(who(m?.by)),
        m ? utc(m.at) : ' ',
        cell(timing),
      ];
    }),
  );
  section('Golden hour checklist', table(['Item', 'State', 'By', 'At (UTC)', 'Deadline'], checkRows));

  // ---------------------------------------------------------------- communications
  const comms = communicationsWithDelivery(i, entries);
  section(
    'Status updates as sent',
    comms.length
      ? comms.flatMap(({ c, n, delivered }) => {
          const def = pb.templates.find((t) => t.id === (c.template as TemplateId));
          const subject = def ? renderSubject(def, c.fields) : undefined;
          const lines = def
            ? renderTemplateLines(def, c.fields)
            : Object.entries(c.fields).map(([k, v]) => `${k}: ${v}`);
          return [
            `### ${n + 1}. ${mdEscape(def?.name ?? c.template)}, ${utc(c.at)} by ${mdEscape(who(c.by))}`,
            '',
            ...(subject ? [`**Subject:** ${mdEscape(subject)}`, ''] : []),
            ...lines.flatMap((l, k) => [...(k ? ['>'] : []), ...quote(l)]),
            '',
            delivered,
            '',
          ];
        })
      : none('communications'),
  );
  if (comms.length) L.pop();

  // ---------------------------------------------------------------- stakeholder commitments and questions
  const held = stakeholderTables(i, who); // only when it recorded some, each with its outcome
  if (held.length) section('Stakeholder commitments and questions', tablesMd(held, cell, table));

  // ---------------------------------------------------------------- decisions
  const decisions = byTime(entries.filter((e) => e.kind === 'decision'));
  section(
    'Decisions',
    decisions.length
      ? table(
          ['Time (UTC)', 'Decision', 'Rationale', 'By', 'Source'],
          decisions.map((e) => [
            utc(e.at),
            cell(String(e.payload.text ?? '')),
            cell(e.payload.rationale ? String(e.payload.rationale) : ''),
            cell(e.payload.author ? who(String(e.payload.author)) : actorLabel(e.actor)),
            link(e.source),
          ]),
        )
      : none('decisions'),
  );

  // ---------------------------------------------------------------- timeline
  section('Timeline', [
    'Every entry of the decision log in time order. Times are UTC; a message logged later keeps the time it was written (#: the entry number in the audit chain).',
    '',
    ...table(
      ['#', 'Time (UTC)', 'Kind', 'Actor', 'Entry', 'Source'],
      byTime(entries).map((e) => [
        String(e.seq),
        utc(e.at),
        e.kind,
        cell(actorLabel(e.actor)),
        cell(summarize(e, pb)),
        link(e.source),
      ]),
    ),
  ]);

  // ---------------------------------------------------------------- evidence
  // an alert attached from its prompt is evidence too (its entry is kind `alert`: domain/decide/alerts.ts)
  const evidence = byTime(
    entries.filter(
      (e) =>
        e.kind === 'evidence' ||
        (e.kind === 'alert' && (e.payload.kind === 'attached' || e.payload.kind === 'firing_again')),
    ),
  );
  section(
    'Evidence',
    evidence.length
      ? table(
          ['Time (UTC)', 'Evidence', 'Link', 'By'],
          evidence.map((e) => [
            utc(e.at),
            cell(`${String(e.payload.name ?? '')}${fileFacts(e.payload)}`),
            link((e.payload.link as string | null) ?? e.source),
            cell(actorLabel(e.actor)),
          ]),
        )
      : none('evidence'),
  );
  // only incidents that came from monitoring have this section (older records render as before)
  if (i.alerts?.length)
    section(
      'Alerts',
      table(
        ['Alert', 'Summary', 'Started (UTC)', 'Resolved (UTC)', 'Link'],
        i.alerts.map((a) => [
          cell(a.id),
          cell(a.summary),
          utc(a.startsAt),
          a.resolvedAt ? utc(a.resolvedAt) : 'still firing at export',
          link(a.link),
        ]),
      ),
    );

  // ---------------------------------------------------------------- review
  const r = i.review;
  section(
    'Five whys',
    r
      ? [
          `Review recorded ${utc(r.at)} by ${mdEscape(who(r.by))}.`,
          '',
          ...quote(r.summary),
          '',
          ...(r.whys.length ? r.whys.map((w, k) => `${k + 1}. ${cell(w)}`) : none('whys')),
          '',
          '**Contributing factors**',
          '',
          ...(r.factors.trim() ? quote(r.factors) : none('contributing factors')),
          '',
          '**Corrective actions**',
          '',
          ...(r.correctiveActions?.trim() ? quote(r.correctiveActions) : none('corrective actions')),
          ...(r.noFollowups && i.followups.length === 0
            ? ['', '_The review found no follow-up tasks needed._']
            : []),
          '',
          '**Verification plans**',
          '',
          ...(r.verificationPlan?.trim() ? quote(r.verificationPlan) : none('verification plans')),
          '',
          '**Lessons learned**',
          '',
          ...(r.lessons.trim() ? quote(r.lessons) : none('lessons')),
          // The playbook's review questions (the readiness check, the runbook library...), as answered.
          ...Object.entries(r.answers ?? {}).flatMap(([id, a]) => [
            '',
            `**${mdEscape(reviewMethod(pb).questions.find((q) => q.id === id)?.label ?? id)}**`,
            '',
            ...quote(a),
          ]),
        ]
      : i.standDown && !i.reviewDueOn
        ? ['_No post-incident review is required: the incident was stood down as a false alarm._']
        : [
            `_The post-incident review has not been recorded yet${i.reviewDueOn ? ` (due on ${i.reviewDueOn})` : ''}._`,
          ],
  );

  // ---------------------------------------------------------------- follow-ups
  section(
    'Follow-up actions',
    i.followups.length
      ? table(
          ['ID', 'Action', 'Acceptance criteria', 'Owner', 'Due', 'Objective', 'State', 'Backlog'],
          i.followups.map((f) => [
            cell(f.id),
            cell(f.what),
            cell(f.acceptance),
            cell(who(f.owner)),
            cell(f.due),
            cell(objectiveName(pb, f.objective)),
            f.state === 'done'
              ? `done ${utc(f.doneAt)}${f.doneBy === 'tracker' ? ' (closed in the tracker)' : ''}`
              : 'open',
            f.issue
              ? `${link(f.issue.url, mdEscape(f.issue.key))}${f.issue.status ? ` ${cell(f.issue.status)}` : ''}`
              : f.filingFailed
                ? cell(`not filed: ${f.filingFailed.reason}`)
                : ' ',
          ]),
        )
      : none('follow-up actions'),
  );

  // ---------------------------------------------------------------- audit chain
  // The record was verified when it was loaded (storage refuses one that does not hold).
  const last = entries.at(-1);
  const c = record.proof.checkpoint;
  section('Audit chain', [
    `- Entries: ${entries.length}`,
    `- Head (hash of entry ${last?.seq ?? 0}): \`${last?.hash ?? 'none'}\``,
    '- Verified at export: every entry hashes to the next, the stored state is the one the log produced, and the log leads to the signed checkpoint below with nothing of this incident after it.',
    `- Signed checkpoint: global entry ${c.seq} at ${c.at}, key \`${c.keyId}\`; digest \`${digestOf(c)}\``,
    '- Check it again with `incident-bot audit verify --db PATH --pubkey KEY.pub.pem`, or offline with `incident-bot audit verify --file INCIDENT.jsonl --pubkey KEY.pub.pem` on the JSON Lines export.',
  ]);
  return `${L.join('\n')}\n`;
}

/** User id -> display name, from the actors seen in the log. */
function userNames(entries: RecordEntry[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of entries) if (e.actor?.name) m.set(e.actor.id, `${e.actor.name} (${e.actor.id})`);
  return m;
}

/** Each communication with a sentence saying when its messages were delivered (from `message_sent`). */
function communicationsWithDelivery(
  i: Incident,
  entries: RecordEntry[],
): { c: Communication; n: number; delivered: string }[] {
  const commEntries = entries.filter((e) => e.kind === 'communication');
  const sent = new Map<string, RecordEntry>();
  for (const e of entries) if (e.kind === 'message_sent') sent.set(String(e.payload.outboxKey ?? ''), e);
  return i.communications.map((c, n) => {
    const ck = commEntries[n]?.command_key;
    const parts: string[] = [];
    // Only the audiences the communication had (the playbook template's, logged with it).
    const logged = commEntries[n]?.payload.audiences;
    const audiences = Array.isArray(logged) ? logged : ['incident', 'stakeholders'];
    for (const [target, label] of [
      ['room', 'the incident room'],
      ['stakeholders', 'stakeholders'],
    ] as const) {
      if (!audiences.includes(target === 'room' ? 'incident' : 'stakeholders')) continue;
      const e = ck ? sent.get(`${ck}:comm:${n}:${target}`) : undefined;
      if (!e) parts.push(`to ${label}: no delivery recorded`);
      else if (e.payload.failed)
        parts.push(`to ${label}: delivery failed (${String(e.payload.error ?? '')})`);
      else if (e.payload.skipped) parts.push(`to ${label}: not sent (${String(e.payload.skipped)})`);
      else parts.push(`to ${label}: delivered ${utc(e.at)}`);
    }
    return { c, n, delivered: `Delivery: ${mdEscape(parts.join('; '))}.` };
  });
}
