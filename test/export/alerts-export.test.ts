// The review document lists an incident's monitoring alerts (issue 21) with when each resolved, an alert
// added from its prompt is among the evidence, and each alert entry reads as one line; an incident without
// alerts has no such section (the checked-in exports stay as they were).
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import { BOT_ID } from '../../src/domain/text.js';
import { renderMarkdown } from '../../src/export/export-markdown.js';
import { summarize } from '../../src/export/format.js';
import type { IncidentRecord, RecordEntry } from '../../src/export/incident-record.js';
import { at, ctx, declared, ic, must, playbook } from '../helpers/scenario.js';

function record(i: Incident, entries: RecordEntry[] = []): IncidentRecord {
  return {
    incident: i,
    playbook,
    entries,
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

const evidence = (alert: string, summary: string) => ({
  alert,
  source: 'alertmanager' as const,
  summary,
  status: 'firing' as const,
  startsAt: '2026-11-26T09:55:00.000Z',
  link: `https://prometheus.example.com/graph?${alert}`,
  labels: { severity: 'page' },
  raw: '{}',
});

describe('alerts in the export', () => {
  it('an Alerts table (resolved, or still firing at export) and the attached alert as evidence', () => {
    let i = must(
      declared(),
      { type: 'attach_alert', alert: evidence('ALERT-3', 'Kafka lag') },
      ctx(ic, at(2)),
    );
    i = must(i, { type: 'attach_alert', alert: evidence('ALERT-4', 'Stale | prices') }, ctx(ic, at(3)));
    i = must(
      i,
      { type: 'alert_resolved', alert: 'ALERT-3', resolvedAt: '2026-11-26T14:02:00.000Z' },
      ctx({ platform: 'slack', id: BOT_ID }, at(4)),
    );
    const attached = {
      kind: 'alert',
      at: at(2).toISOString(),
      actor: { id: 'U_IC' },
      payload: {
        kind: 'attached',
        name: 'Alert ALERT-3: Kafka lag',
        link: null,
        alert: 'ALERT-3',
        summary: 'Kafka lag',
        source: 'alertmanager',
        status: 'firing',
        startsAt: '2026-11-26T09:55:00.000Z',
      },
    } as unknown as RecordEntry;
    const md = renderMarkdown(record(i, [attached]));
    expect(md).toContain('## Alerts');
    expect(md).toContain('| ALERT-3 | Kafka lag | 2026-11-26 09:55:00 | 2026-11-26 14:02:00 |');
    expect(md).toContain('| ALERT-4 | Stale \\| prices | 2026-11-26 09:55:00 | still firing at export |');
    expect(md).toMatch(/\| Alert ALERT-3: Kafka lag \|/);
    expect(summarize(attached, playbook)).toBe(
      'Alert ALERT-3 added as evidence: Kafka lag (alertmanager, firing since 2026-11-26 09:55:00 UTC)',
    );
    const resolved = {
      kind: 'alert',
      payload: {
        kind: 'resolved',
        alert: 'ALERT-3',
        summary: 'Kafka lag',
        resolvedAt: '2026-11-26T14:02:00.000Z',
      },
    } as unknown as RecordEntry;
    expect(summarize(resolved, playbook)).toBe(
      'Alert ALERT-3 (Kafka lag) resolved at 2026-11-26 14:02:00 UTC',
    );
  });

  it('no alerts, no section', () => {
    expect(renderMarkdown(record(declared()))).not.toContain('## Alerts');
  });
});
