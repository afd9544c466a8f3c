// Re-classify modal: trigger class, severe customer impact, and why.

import { LIMITS } from '../../../../domain/forms.js';
import type { Incident } from '../../../../domain/incident.js';
import type { Playbook } from '../../../../domain/playbook.js';
import { VIEW } from '../../ids.js';
import {
  type Block,
  context,
  encodeMeta,
  escapeText,
  input,
  modal,
  option,
  radio,
  readText,
  type StateValues,
  staticSelect,
  textInput,
} from './kit.js';

export const RECLASSIFY_BLOCK = {
  triggerClass: 'triggerClass',
  severeImpact: 'severeImpact',
  reason: 'reason',
} as const;

export function reclassifyModal(pb: Playbook, i: Incident, o: { channelId: string }): Block {
  const triggers = pb.triggers.map((t) => option(t.name, t.id, t.examples.join(', ') || t.description));
  return modal({
    callbackId: VIEW.reclassify,
    title: 'Re-classify',
    submit: 'Re-classify',
    blocks: [
      context(`${i.drill ? '*DRILL* ' : ''}*${escapeText(i.key)}* ${escapeText(i.title)}`),
      input(RECLASSIFY_BLOCK.triggerClass, 'Trigger class', staticSelect(triggers, i.triggerClass)),
      input(
        RECLASSIFY_BLOCK.severeImpact,
        'Severe customer impact?',
        radio(
          [option('No', 'no'), option('Yes: status updates every 15 minutes', 'yes')],
          i.severeImpact ? 'yes' : 'no',
        ),
      ),
      input(RECLASSIFY_BLOCK.reason, 'Why', textInput({ multiline: true, max: LIMITS.reason }), {
        hint: 'Logged in the decision log.',
      }),
    ],
    privateMetadata: encodeMeta({ k: i.key, c: o.channelId }),
  });
}

export function readReclassify(values: StateValues): {
  triggerClass?: string;
  severeImpact?: boolean;
  reason: string;
} {
  const t = readText(values, RECLASSIFY_BLOCK.triggerClass);
  const s = readText(values, RECLASSIFY_BLOCK.severeImpact);
  return {
    ...(t ? { triggerClass: t } : {}),
    ...(s ? { severeImpact: s === 'yes' } : {}),
    reason: (readText(values, RECLASSIFY_BLOCK.reason) ?? '').trim(),
  };
}
