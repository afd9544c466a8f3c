// A playbook action's decision-log entries as the exported record prints them (Markdown timeline, CSV):
// the request and its reason, a failed attempt, the answer with status, latency and host/path only.
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/export/format.js';
import type { RecordEntry } from '../../src/export/incident-record.js';
import { playbook } from '../helpers/scenario.js';

const entry = (kind: string, payload: Record<string, unknown>): RecordEntry => ({
  incident_key: 'INC-2026-0001',
  seq: 1,
  at: '2026-11-26T10:01:00.000Z',
  recorded_at: '2026-11-26T10:01:00.000Z',
  actor: { platform: 'slack', id: 'U_IC' },
  kind,
  payload,
  source: null,
  command_key: null,
  prev_hash: '',
  hash: '',
});

describe('action entries in the export', () => {
  it('reads as what happened', () => {
    const base = {
      action: 'freeze_deployments',
      title: 'Freeze deployments',
      request: 'freeze_deployments.1',
    };
    expect(summarize(entry('action', { ...base, state: 'requested', reason: 'bad release' }), playbook)).toBe(
      'Action requested: Freeze deployments (freeze_deployments.1); reason: bad release',
    );
    expect(
      summarize(
        entry('action', {
          ...base,
          state: 'attempt_failed',
          status: 0,
          error: 'timed out after 10 s',
          latencyMs: 10003,
          attempt: 1,
        }),
        playbook,
      ),
    ).toBe(
      'Action attempt failed, retried: Freeze deployments (freeze_deployments.1; timed out after 10 s, 10003 ms, attempt 1)',
    );
    expect(
      summarize(
        entry('action', {
          ...base,
          state: 'succeeded',
          status: 200,
          latencyMs: 84,
          attempt: 2,
          target: 'gate.example.com/freeze',
        }),
        playbook,
      ),
    ).toBe(
      'Action done: Freeze deployments (freeze_deployments.1; HTTP 200, 84 ms, attempt 2, gate.example.com/freeze)',
    );
    expect(
      summarize(
        entry('checklist', {
          item: 'stabilize.freeze_deploys',
          text: 'Freeze deployments via the promotion gate.',
          state: 'done',
          action: 'freeze_deployments',
        }),
        playbook,
      ),
    ).toBe('Checklist (done by the action freeze_deployments): Freeze deployments via the promotion gate.');
  });
});
