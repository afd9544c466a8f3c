// Post-incident review: summary, five whys, contributing factors per control objective, corrective actions,
// verification plans, lessons learned; and "no follow-up tasks are needed" when none were filed.
import { z } from 'zod';
import type { Incident } from '../../../../domain/incident.js';
import { VIEW } from '../../ids.js';
import { OBJECTIVE_NAMES, OBJECTIVES, type Objective } from './followup-modal.js';
import {
  type Block,
  checkboxes,
  context,
  cut,
  encodeMeta,
  escapeText,
  input,
  modal,
  option,
  readChecked,
  readText,
  type StateValues,
  section,
  textInput,
} from './kit.js';

export const REVIEW_BLOCK = {
  summary: 'summary',
  why: (n: number) => `why_${n}`,
  factor: (o: Objective) => `factor_${o}`,
  correctiveActions: 'corrective_actions',
  verificationPlan: 'verification_plan',
  lessons: 'lessons',
  noFollowups: 'no_followups',
} as const;

/** The review command's fields -> the modal's blocks (where a refusal about that field is shown). */
export const REVIEW_FIELD_BLOCK: Record<string, string> = {
  summary: REVIEW_BLOCK.summary,
  correctiveActions: REVIEW_BLOCK.correctiveActions,
  verificationPlan: REVIEW_BLOCK.verificationPlan,
  noFollowups: REVIEW_BLOCK.noFollowups,
};

export const WHYS = 5;

export function reviewModal(i: Incident, o: { channelId: string }): Block {
  const blocks: Block[] = [
    section(`${i.drill ? '*DRILL* ' : ''}*${escapeText(i.key)}*: ${escapeText(cut(i.title, 200))}`),
    input(REVIEW_BLOCK.summary, 'Summary', textInput({ multiline: true, max: 3000 })),
    context('*Five whys*: ask why until you reach a cause you can act on.'),
  ];
  for (let n = 1; n <= WHYS; n++) {
    blocks.push(
      input(REVIEW_BLOCK.why(n), `Why ${n}`, textInput({ max: 500 }), n === 1 ? {} : { optional: true }),
    );
  }
  blocks.push(context('*Contributing factors*, by the control objective they touch.'));
  for (const obj of OBJECTIVES) {
    blocks.push(
      input(
        REVIEW_BLOCK.factor(obj),
        `${OBJECTIVE_NAMES[obj]} factors`,
        textInput({ multiline: true, max: 1000 }),
        {
          optional: true,
        },
      ),
    );
  }
  blocks.push(
    input(REVIEW_BLOCK.correctiveActions, 'Corrective actions', textInput({ multiline: true, max: 3000 })),
    input(
      REVIEW_BLOCK.verificationPlan,
      'Verification plans',
      textInput({ multiline: true, max: 3000, placeholder: 'How we will know the fixes work' }),
    ),
    input(REVIEW_BLOCK.lessons, 'Lessons learned', textInput({ multiline: true, max: 3000 }), {
      optional: true,
    }),
    input(
      REVIEW_BLOCK.noFollowups,
      'Follow-up tasks',
      checkboxes([option('No follow-up tasks are needed', 'none')]),
      { optional: true, hint: followupsHint(i) },
    ),
  );
  return modal({
    callbackId: VIEW.review,
    title: 'Post-incident review',
    submit: 'Record review',
    privateMetadata: encodeMeta({ k: i.key, c: o.channelId }),
    blocks,
  });
}

function followupsHint(i: Incident): string {
  const n = i.followups.length;
  return n === 0
    ? 'No follow-up tasks are filed yet: file them first with /incident followup, or tick this and say why in the corrective actions.'
    : `${n} follow-up task${n === 1 ? ' is' : 's are'} filed.`;
}

const trimmed = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.trim());

const required = (max: number, message: string) =>
  z
    .string({ message })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, message).max(max));

const reviewSchema = z.object({
  summary: required(3000, 'The review needs a summary.'),
  whys: z.array(trimmed(500)),
  factors: z.partialRecord(z.enum(OBJECTIVES), trimmed(1000)),
  correctiveActions: required(3000, 'The review needs the corrective actions.'),
  verificationPlan: required(
    3000,
    'The review needs the verification plans: how you will know the fixes work.',
  ),
  lessons: trimmed(3000).optional(),
});

export interface ReviewForm {
  summary: string;
  whys: string[];
  /** One line per control objective with factors: `Risk: ...`. */
  factors: string;
  lessons: string;
  correctiveActions: string;
  verificationPlan: string;
  noFollowups: boolean;
}

export function readReview(
  values: StateValues,
): { ok: true; value: ReviewForm } | { ok: false; errors: Record<string, string> } {
  const factors: Partial<Record<Objective, string>> = {};
  for (const o of OBJECTIVES) {
    const v = readText(values, REVIEW_BLOCK.factor(o));
    if (v) factors[o] = v;
  }
  const r = reviewSchema.safeParse({
    summary: readText(values, REVIEW_BLOCK.summary),
    whys: Array.from({ length: WHYS }, (_, n) => readText(values, REVIEW_BLOCK.why(n + 1)) ?? ''),
    factors,
    correctiveActions: readText(values, REVIEW_BLOCK.correctiveActions),
    verificationPlan: readText(values, REVIEW_BLOCK.verificationPlan),
    lessons: readText(values, REVIEW_BLOCK.lessons) ?? undefined,
  });
  if (!r.success) {
    const errors: Record<string, string> = {};
    for (const issue of r.error.issues) {
      const [field, sub] = issue.path;
      const block =
        field === 'whys' && typeof sub === 'number'
          ? REVIEW_BLOCK.why(sub + 1)
          : field === 'factors' && typeof sub === 'string'
            ? REVIEW_BLOCK.factor(sub as Objective)
            : (REVIEW_FIELD_BLOCK[String(field)] ?? String(field ?? REVIEW_BLOCK.summary));
      errors[block] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const whys = r.data.whys.filter(Boolean);
  if (whys.length === 0)
    return { ok: false, errors: { [REVIEW_BLOCK.why(1)]: 'Give at least the first why.' } };
  const lines = OBJECTIVES.filter((o) => r.data.factors[o]).map(
    (o) => `${OBJECTIVE_NAMES[o]}: ${r.data.factors[o]}`,
  );
  return {
    ok: true,
    value: {
      summary: r.data.summary,
      whys,
      factors: lines.join('\n'),
      lessons: r.data.lessons ?? '',
      correctiveActions: r.data.correctiveActions,
      verificationPlan: r.data.verificationPlan,
      noFollowups: readChecked(values, REVIEW_BLOCK.noFollowups).includes('none'),
    },
  };
}
