// Phase modal: the current phase's exit criteria as checkboxes, where to move (forward or back), a reason.

import { LIMITS } from '../../../../domain/forms.js';
import type { Incident } from '../../../../domain/incident.js';
import type { Playbook } from '../../../../domain/playbook.js';
import { findPhase } from '../../../../domain/playbook.js';
import { VIEW } from '../../ids.js';
import {
  type Block,
  checkboxInputs,
  context,
  encodeMeta,
  escapeText,
  input,
  modal,
  option,
  radio,
  readChecked,
  readText,
  type StateValues,
  section,
  textInput,
} from './kit.js';

export const PHASE_BLOCK = { move: 'move', criteria: 'criteria', reason: 'reason' } as const;

export type PhaseMove = { dir: 'forward' | 'back'; to: string };

/** The moves the modal offers; forward moves into the review phase are the `close` command's job. */
export function phaseMoves(pb: Playbook, i: Incident): PhaseMove[] {
  const p = findPhase(pb, i.phase);
  if (!p || i.phase === pb.closurePhase || i.phase === pb.reviewPhase) {
    return (p?.back ?? []).map((to) => ({ dir: 'back' as const, to }));
  }
  return [
    ...p.next.filter((to) => to !== pb.reviewPhase).map((to) => ({ dir: 'forward' as const, to })),
    ...p.back.map((to) => ({ dir: 'back' as const, to })),
  ];
}

const encodeMove = (m: PhaseMove) => `${m.dir}:${m.to}`;

export function phaseModal(pb: Playbook, i: Incident, o: { channelId: string }): Block {
  const p = findPhase(pb, i.phase);
  const name = (id: string) => findPhase(pb, id)?.name ?? id;
  const moves = phaseMoves(pb, i);
  const forward = moves.find((m) => m.dir === 'forward');
  const blocks: Block[] = [
    section(
      `${i.drill ? '*DRILL* ' : ''}*${escapeText(i.key)}* is in *${escapeText(p?.name ?? i.phase)}*.${p?.description ? `\n${escapeText(p.description)}` : ''}`,
    ),
    input(
      PHASE_BLOCK.move,
      'Move',
      radio(
        moves.map((m) =>
          option(
            m.dir === 'forward' ? `Move on to ${name(m.to)}` : `Move back to ${name(m.to)}`,
            encodeMove(m),
          ),
        ),
        forward ? encodeMove(forward) : undefined,
      ),
    ),
  ];
  const criteria = p?.exitCriteria ?? [];
  if (forward && criteria.length) {
    blocks.push(
      context(
        `*Exit criteria of ${escapeText(p!.name)}:*\n${criteria.map((c) => `• ${escapeText(c.text)}`).join('\n')}`,
      ),
    );
    blocks.push(
      ...checkboxInputs(
        PHASE_BLOCK.criteria,
        'Confirmed exit criteria (all, to move on)',
        criteria.map((c) => option(c.text, c.id)),
        {
          optional: true,
        },
      ),
    );
  }
  blocks.push(
    input(
      PHASE_BLOCK.reason,
      'Reason',
      textInput({ multiline: true, max: LIMITS.reason, placeholder: 'e.g. mitigation failed' }),
      {
        optional: true,
        hint: 'Required when moving back; logged.',
      },
    ),
  );
  return modal({
    callbackId: VIEW.phase,
    title: 'Change phase',
    submit: 'Move',
    blocks,
    privateMetadata: encodeMeta({ k: i.key, c: o.channelId }),
  });
}

export function readPhase(values: StateValues): {
  move: PhaseMove | null;
  confirmed: string[];
  reason: string;
} {
  const raw = readText(values, PHASE_BLOCK.move) ?? '';
  const m = /^(forward|back):(.+)$/.exec(raw);
  return {
    move: m ? { dir: m[1] as PhaseMove['dir'], to: m[2]! } : null,
    confirmed: readChecked(values, PHASE_BLOCK.criteria),
    reason: (readText(values, PHASE_BLOCK.reason) ?? '').trim(),
  };
}
