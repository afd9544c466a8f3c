// The application layer's forms as Slack modals: inside Block Kit's limits with long inputs, prefilled
// with what the bot knows, the closure criteria and phase moves the core allows.
import { describe, expect, it } from 'vitest';
import { FORMS, type IncidentFormName } from '../../../../src/app/form-flow.js';
import { prefill } from '../../../../src/app/forms/communication.js';
import type { FormContext } from '../../../../src/app/forms/form-kit.js';
import type { Incident } from '../../../../src/domain/incident.js';
import { availableMoves } from '../../../../src/domain/phases.js';
import { formModal } from '../../../../src/platforms/slack/render/form.js';
import { cut, option } from '../../../../src/platforms/slack/render/modal-kit.js';
import { loadPlaybook } from '../../../../src/storage/playbook-file.js';
import { checkView } from '../../../support/blockkit-limits.js';

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

function ctx(i: Incident | null, names: (id: string) => string | undefined = () => 'ivy'): FormContext {
  return {
    incident: i,
    playbook: pb,
    now,
    actor: { platform: 'slack', id: 'U1' },
    nameOf: names,
    stakeholders: { configured: true, setting: 'SLACK_STAKEHOLDER_CHANNEL' },
  };
}
// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON
const modal = (name: IncidentFormName, i: Incident | null, prefilled = {}): any =>
  formModal(FORMS[name].build(ctx(i), prefilled), { channelId: 'C1' });

describe('modals stay inside Block Kit limits with long inputs', () => {
  it('every modal passes checkView', () => {
    const i = incident();
    const closed = incident({ phase: 'review', closedAt: '2024-05-01T14:20:00.000Z' });
    for (const name of Object.keys(FORMS) as IncidentFormName[]) {
      const v = modal(name, name === 'review' ? closed : name === 'declare' ? null : i, {
        title: 'y'.repeat(400),
      });
      expect(checkView(v)).toEqual([]);
    }
  });

  it("the close modal lists mitigation's exit criteria too when closing straight from mitigation", () => {
    const values = (phase: string) => {
      const v = modal('close', incident({ phase })) as {
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
    const p = prefill(pb, 'status_update', incident(), ctx(incident()));
    expect(p.status).toBe('mitigated');
    expect(p.next_update).toBe('2024-05-01 14:45 UTC'); // severe impact: 15 minutes
    const a = prefill(pb, 'initial_alert', incident(), ctx(incident()));
    expect(a.commander).toBe('@ivy');
    expect(a.next_update).toContain('#inc-drill-x');
    const c = prefill(
      pb,
      'closure_notice',
      incident(),
      ctx(incident(), () => undefined),
    );
    expect(c.review).toBe('2024-05-03');
  });

  it('a status select is prefilled only with a valid option', () => {
    const v = modal('update', incident());
    const status = v.blocks.find((b: { block_id?: string }) => b.block_id === 'field:status');
    expect(status.element.initial_option.value).toBe('mitigated');
  });

  it('phase moves exclude the review phase and offer reverts; the phase modal offers exactly those', () => {
    expect(availableMoves(pb, incident({ phase: 'mitigation' }))).toEqual([
      { dir: 'forward', to: 'closure' },
      { dir: 'back', to: 'containment' },
    ]);
    expect(availableMoves(pb, incident({ phase: 'closure' }))).toEqual([{ dir: 'back', to: 'mitigation' }]);
    expect(availableMoves(pb, incident({ phase: 'detection' }))).toEqual([
      { dir: 'forward', to: 'containment' },
    ]);
    expect(availableMoves(pb, incident({ phase: 'review' }))).toEqual([]);
    expect(availableMoves(pb, incident({ phase: 'done' }))).toEqual([]);
    const move = modal('phase', incident({ phase: 'mitigation' })).blocks.find(
      (b: { block_id?: string }) => b.block_id === 'move',
    );
    expect(move.element.options.map((o: { value: string }) => o.value)).toEqual([
      'forward:closure',
      'back:containment',
    ]);
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
