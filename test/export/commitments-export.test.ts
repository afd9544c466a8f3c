// The review document lists the commitments to stakeholders and their questions with each outcome, and
// the timeline says what happened to each; an incident with neither has no such section.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import { renderMarkdown } from '../../src/export/export-markdown.js';
import { summarize } from '../../src/export/format.js';
import type { IncidentRecord, RecordEntry } from '../../src/export/incident-record.js';
import { alice, at, bob, ctx, declared, ic, must, playbook } from '../helpers/scenario.js';

function record(i: Incident): IncidentRecord {
  return {
    incident: i,
    playbook,
    entries: [],
    stored: { count: 0, head: '' },
    proof: {
      checkpoint: {
        n: 1,
        seq: 0,
        head: 'h',
        at: at(0).toISOString(),
        incidents: 1,
        keyId: 'k',
        signature: 's',
      },
      last: { gseq: 0, gprev_hash: '', ghash: '' },
      links: [],
    },
  };
}

const entry = (kind: string, payload: Record<string, unknown>) =>
  ({ kind, payload }) as unknown as RecordEntry;

describe('the export', () => {
  it('tables each commitment and question with its outcome (user text escaped)', () => {
    let i = must(declared(), { type: 'claim_role', role: 'comms_lead' }, ctx(alice, at(1)));
    const c = (id: string, what: string) =>
      ({ type: 'add_commitment', id, what, due: at(60).toISOString() }) as const;
    i = must(i, c('c-1', 'Next update to the *FX* desk'), ctx(alice, at(2)));
    i = must(i, c('c-2', 'Credit note by noon'), ctx(alice, at(2)));
    i = must(i, c('c-3', 'Call the regulator'), ctx(ic, at(2)));
    i = must(i, { type: 'resolve_commitment', id: 'c-1', outcome: 'kept' }, ctx(alice, at(50)));
    i = must(
      i,
      { type: 'resolve_commitment', id: 'c-2', outcome: 'dropped', note: 'Desk agreed to wait' },
      ctx(alice, at(50)),
    );
    i = must(
      i,
      { type: 'add_question', id: 'q-1', text: 'Credit | refund?', from: 'Sales' },
      ctx(bob, at(3)),
    );
    i = must(i, { type: 'add_question', id: 'q-2', text: 'ETA?' }, ctx(bob, at(3)));
    i = must(i, { type: 'answer_question', id: 'q-1', answer: 'Per the SLA' }, ctx(alice, at(4)));

    const md = renderMarkdown(record(i));
    expect(md).toContain('## Stakeholder commitments and questions');
    expect(md).toContain(
      '| c-1 | Next update to the \\*FX\\* desk | 2026-11-26 11:00:00 | U\\_ALICE, 2026-11-26 10:02:00 | kept 2026-11-26 10:50:00 by U\\_ALICE |',
    );
    expect(md).toContain('| dropped 2026-11-26 10:50:00 by U\\_ALICE: Desk agreed to wait |');
    expect(md).toContain(
      '| c-3 | Call the regulator | 2026-11-26 11:00:00 | U\\_IC, 2026-11-26 10:02:00 | still open |',
    );
    expect(md).toContain('| q-1 | Credit \\| refund? | Sales |');
    expect(md).toContain('| Per the SLA (2026-11-26 10:04:00, U\\_ALICE) |');
    expect(md).toContain('| q-2 | ETA? |   | 2026-11-26 10:03:00 by U\\_BOB | not answered |');

    expect(renderMarkdown(record(declared()))).not.toContain('Stakeholder commitments');
  });

  it('the timeline line of each log entry', () => {
    const line = (kind: string, p: Record<string, unknown>) => summarize(entry(kind, p), playbook);
    expect(line('commitment', { id: 'c-1', what: 'Update', due: at(60).toISOString(), state: 'open' })).toBe(
      'Commitment c-1 made to stakeholders: Update (due 2026-11-26 11:00:00)',
    );
    expect(line('commitment', { id: 'c-1', state: 'dropped', note: 'told' })).toBe(
      'Commitment c-1 dropped: told',
    );
    expect(line('question', { id: 'q-1', text: 'ETA?', from: 'Sales', state: 'open' })).toBe(
      'Stakeholder question q-1 from Sales: ETA?',
    );
    expect(line('question', { id: 'q-1', state: 'answered', answer: 'Noon' })).toBe(
      'Stakeholder question q-1 answered: Noon',
    );
  });
});
