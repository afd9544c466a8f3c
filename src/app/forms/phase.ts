// Changing phase: forward with the current phase's exit criteria confirmed, or back with a reason.
import type { Command } from '../../domain/commands.js';
import { availableMoves, type PhaseMove } from '../../domain/phases.js';
import { findPhase } from '../../domain/playbook.js';
import { LIMITS } from '../../domain/template-fields.js';
import { command, strong, userText } from '../../domain/text.js';
import type { FormView } from '../../views/form.js';
import { type FormDef, list, type ReadResult, str } from './form-kit.js';

export const encodeMove = (m: PhaseMove): string => `${m.dir}:${m.to}`;

export function decodeMove(v: unknown): PhaseMove | null {
  const m = typeof v === 'string' ? /^(forward|back):(.+)$/.exec(v) : null;
  return m ? { dir: m[1] as PhaseMove['dir'], to: m[2]! } : null;
}

export const phaseForm: FormDef = {
  probe: { type: 'advance_phase', confirmed: [] },
  refusal({ incident, playbook }) {
    if (availableMoves(playbook, incident).length > 0) return null;
    return incident.phase === playbook.closurePhase
      ? `This phase ends by closing the incident: use ${command('close')}.`
      : 'There is no phase to move to from here.';
  },
  build(ctx, prefilled = {}): FormView {
    const i = ctx.incident!;
    const pb = ctx.playbook;
    const p = findPhase(pb, i.phase);
    const name = (id: string) => findPhase(pb, id)?.name ?? id;
    const moves = availableMoves(pb, i);
    const forward = moves.find((m) => m.dir === 'forward');
    const first = forward ?? moves[0];
    const criteria = forward ? (p?.exitCriteria ?? []) : [];
    return {
      name: 'phase',
      title: 'Change phase',
      submit: 'Move',
      incidentKey: i.key,
      intro: [
        `${i.drill ? 'DRILL: ' : ''}${strong(i.key)} is in ${strong(p?.name ?? i.phase)}.`,
        ...(p?.description ? [userText(p.description)] : []),
      ],
      fields: [
        {
          kind: 'choice',
          id: 'move',
          label: 'Move',
          required: true,
          expanded: true,
          options: moves.map((m) => ({
            value: encodeMove(m),
            label: m.dir === 'forward' ? `Move on to ${name(m.to)}` : `Move back to ${name(m.to)}`,
          })),
          ...((str(prefilled.move) ?? (first ? encodeMove(first) : undefined))
            ? { value: str(prefilled.move) ?? encodeMove(first!) }
            : {}),
        },
        ...(criteria.length
          ? [
              {
                kind: 'checks' as const,
                id: 'criteria',
                label: `Exit criteria of ${p!.name} (confirm each to move on)`,
                required: false,
                options: criteria.map((c) => ({ value: c.id, label: c.text })),
                values: list(prefilled.criteria),
              },
            ]
          : []),
        {
          kind: 'text',
          id: 'reason',
          label: 'Reason',
          required: false,
          multiline: true,
          maxLength: LIMITS.reason,
          placeholder: 'e.g. mitigation failed',
          hint: 'Required when moving back; logged.',
          ...(str(prefilled.reason) ? { value: str(prefilled.reason) } : {}),
        },
      ],
    };
  },
  read(_ctx, values): ReadResult {
    const move = decodeMove(values.move);
    if (!move) return { errors: { move: 'Choose where to move.' } };
    const reason = (str(values.reason) ?? '').trim();
    if (move.dir === 'back' && !reason) return { errors: { reason: 'Say why the incident moves back.' } };
    if (reason.length > LIMITS.reason) return { errors: { reason: `At most ${LIMITS.reason} characters.` } };
    const command: Command =
      move.dir === 'forward'
        ? { type: 'advance_phase', to: move.to, confirmed: list(values.criteria) }
        : { type: 'revert_phase', to: move.to, reason };
    return { command };
  },
  errorField: (e) => (e.code === 'criteria_unconfirmed' ? 'criteria' : 'move'),
  done(i, c, ctx) {
    const phase = findPhase(ctx.playbook, i.phase)?.name ?? i.phase;
    return c.type === 'revert_phase' ? `${i.key} moved back to ${phase}.` : `${i.key} is now in ${phase}.`;
  },
};
