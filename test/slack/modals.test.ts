import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import {
  closeModal,
  communicationModal,
  prefill,
} from '../../src/platforms/slack/render/modals/communication-modal.js';
import { declareModal } from '../../src/platforms/slack/render/modals/declare-modal.js';
import { cut, option } from '../../src/platforms/slack/render/modals/kit.js';
import { phaseModal, phaseMoves } from '../../src/platforms/slack/render/modals/phase-modal.js';
import { reclassifyModal } from '../../src/platforms/slack/render/modals/reclassify-modal.js';
import { loadPlaybook } from '../../src/storage/playbook-file.js';
import { checkView } from '../support/blockkit-limits.js';

const pb = loadPlaybook().playbook;
const now = new Date('2024-05-01T14:30:00Z');

function incident(over: Partial<Incident> = {}): Incident {
  return {
    key: 'INC-2024-0001',
    version: 3,
    platform: 'slack',
    title: 'x'.repeat(150),
    triggerClass: 'service_outage',
    severeImpact: true,
    impact: 'i'.repeat(3000),
    drill: true,
    playbook: { version: '1', sha256: '' },
    declaredAt: '2024-05-01T14:00:00.000Z',
    declaredBy: 'U1',
    phase: 'mitigation',
    phases: [],
    roles: { commander: ['U1'] },
    roleHistory: [],
    checklist: {},
    communications: [
      { template: 'status_update', at: '', by: 'U1', fields: { status: 'mitigated', risks: 'r' } },
    ],
    initialAlertAt: null,
    lastStatusUpdateAt: null,
    closedAt: null,
    reviewDueOn: null,
    reviewFacilitator: null,
    reviewedAt: null,
    snoozes: {},
    room: { platform: 'slack', id: 'C1', name: 'inc-drill-x' },
    loggedMessages: [],
    followups: [],
    review: null,
    ...over,
  };
}

describe('modals stay inside Block Kit limits with long inputs', () => {
  it('every modal passes checkView', () => {
    const i = incident();
    const ctx = { incident: i, now, names: () => 'ivy', channelId: 'C1' };
    for (const v of [
      declareModal(pb, { channelId: 'C1', userId: 'U1', title: 'y'.repeat(400) }),
      communicationModal(pb, 'initial_alert', ctx),
      communicationModal(pb, 'status_update', ctx),
      closeModal(pb, { ...ctx, userId: 'U1' }),
      phaseModal(pb, i, { channelId: 'C1' }),
      reclassifyModal(pb, i, { channelId: 'C1' }),
    ]) {
      expect(checkView(v)).toEqual([]);
    }
  });

  it("the close modal lists mitigation's exit criteria too when closing straight from mitigation", () => {
    const values = (phase: string) => {
      const ctx = { incident: incident({ phase }), now, names: () => 'ivy', channelId: 'C1', userId: 'U1' };
      const v = closeModal(pb, ctx) as unknown as {
        blocks: { block_id?: string; element?: { options?: { value: string }[] } }[];
      };
      return v.blocks
        .filter((b) => b.block_id?.startsWith('criteria'))
        .flatMap((b) => (b.element?.options ?? []).map((o) => o.value));
    };
    const closure = pb.phases.find((p) => p.id === 'closure')!.exitCriteria.map((k) => k.id);
    const mitigation = pb.phases.find((p) => p.id === 'mitigation')!.exitCriteria.map((k) => k.id);
    expect(values('closure')).toEqual(closure);
    expect(values('mitigation')).toEqual([...mitigation, ...closure]);
  });

  it('prefills from what the bot knows', () => {
    const p = prefill(pb, 'status_update', { incident: incident(), now, names: () => 'ivy' });
    expect(p.status).toBe('mitigated');
    expect(p.next_update).toBe('2024-05-01 14:45 UTC'); // severe impact: 15 minutes
    const a = prefill(pb, 'initial_alert', { incident: incident(), now, names: () => 'ivy' });
    expect(a.commander).toBe('@ivy');
    expect(a.next_update).toContain('#inc-drill-x');
    const c = prefill(pb, 'closure_notice', { incident: incident(), now, names: () => undefined });
    expect(c.review).toBe('2024-05-03');
  });

  it('a status select is prefilled only with a valid option', () => {
    const v = communicationModal(pb, 'status_update', { incident: incident(), now, channelId: 'C1' });
    const status = v.blocks.find((b: { block_id?: string }) => b.block_id === 'field:status');
    expect(status.element.initial_option.value).toBe('mitigated');
  });

  it('phase moves exclude the review phase and offer reverts', () => {
    expect(phaseMoves(pb, incident({ phase: 'mitigation' }))).toEqual([
      { dir: 'forward', to: 'closure' },
      { dir: 'back', to: 'containment' },
    ]);
    expect(phaseMoves(pb, incident({ phase: 'closure' }))).toEqual([{ dir: 'back', to: 'mitigation' }]);
    expect(phaseMoves(pb, incident({ phase: 'detection' }))).toEqual([{ dir: 'forward', to: 'containment' }]);
  });

  it('long option texts spill into the description, within 75 characters each', () => {
    const o = option(
      'Affected components isolated, automation disabled, or temporary risk limits applied as needed',
      'c',
    );
    expect(o.text.text.length).toBeLessThanOrEqual(75);
    expect(o.description.text.length).toBeLessThanOrEqual(75);
    expect(cut('abcdef'.repeat(100), 100)).toMatch(/…\(truncated\)$/);
  });
});
