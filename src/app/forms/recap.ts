// The communication recap (handbook, post-incident follow-up 4): the playbook's `recap` template, prefilled
// from the recorded review (summary, impact, root cause and contributing factors, lessons learned,
// improvements, follow-ups with owners and due dates). The comms lead or the IC checks it and sends it:
// submitting is the one confirmation a person gives to what stakeholders read (decide/recap.ts).
import type { Incident } from '../../domain/incident.js';
import type { Playbook } from '../../domain/playbook.js';
import { findTemplate, objectiveName } from '../../domain/playbook.js';
import { command, type Text } from '../../domain/text.js';
import type { FormView } from '../../views/form.js';
import { audienceLine, readTemplate, templateFields } from './communication.js';
import type { FormContext, FormDef } from './form-kit.js';

const name = (ctx: FormContext, id: string) => `@${ctx.nameOf(id) ?? id}`;

/** The follow-ups as stakeholders read them: what, owner, due date, objective, and its ticket once filed. */
function followupLines(i: Incident, pb: Playbook, ctx: FormContext): string {
  if (i.followups.length === 0)
    return i.review?.noFollowups ? 'None: no follow-up tasks are needed (see the improvements).' : 'None.';
  return i.followups
    .map((f) => {
      const ticket = f.issue ? `, ${f.issue.key}` : '';
      const state = f.state === 'done' ? ' (done)' : '';
      return `- ${f.what} (owner ${name(ctx, f.owner)}, due ${f.due}, ${objectiveName(pb, f.objective)}${ticket})${state}`;
    })
    .join('\n');
}

/** What the review says, by the recap template's field ids (only ids the template has are used). */
export function recapPrefill(i: Incident, pb: Playbook, ctx: FormContext): Record<string, string> {
  const r = i.review;
  if (!r) return {};
  const closure = [...i.communications].reverse().find((c) => c.template === 'closure_notice');
  const whys = r.whys.map((w, n) => `Why ${n + 1}: ${w}`);
  const improvements = [
    r.correctiveActions,
    ...(r.verificationPlan ? [`How we will know they work: ${r.verificationPlan}`] : []),
  ].filter(Boolean);
  return {
    summary: r.summary,
    impact: closure?.fields.impact_summary || i.impact,
    root_cause: [...whys, ...(r.factors ? [`Contributing factors: ${r.factors}`] : [])].join('\n'),
    lessons: r.lessons,
    improvements: improvements.join('\n'),
    followups: followupLines(i, pb, ctx),
  };
}

function refusal(i: Incident): Text | null {
  if (i.recap?.sentAt) return `The communication recap of ${i.key} was already sent.`;
  return null;
}

export const recapForm: FormDef = {
  probe: { type: 'send_recap', fields: {} },
  refusal: ({ incident }) => refusal(incident),
  build(ctx, prefilled = {}): FormView {
    const i = ctx.incident!;
    const def = findTemplate(ctx.playbook, 'recap');
    const intro: Text[] = [
      i.confidential
        ? `${audienceLine(i, { ...def, audiences: ['incident'] }, ctx)} 🔒 Confidential: the stakeholder channel is told only that the review is complete.`
        : audienceLine(i, def, ctx),
      'Prefilled from the review: check every field and change what stakeholders should read differently.',
    ];
    return {
      name: 'recap',
      title: 'Communication recap',
      submit: 'Send recap',
      incidentKey: i.key,
      intro,
      fields: templateFields(def, recapPrefill(i, ctx.playbook, ctx), prefilled),
    };
  },
  read(ctx, values) {
    const r = readTemplate(ctx.playbook, 'recap', values);
    if (!r.ok) return { errors: r.errors };
    return { command: { type: 'send_recap', fields: r.fields } };
  },
  done(i) {
    return `Communication recap sent for ${i.key}${i.confidential ? ' (the stakeholder channel got the confidential notice only)' : ''}. The whole record: ${command('export')}.`;
  },
};
