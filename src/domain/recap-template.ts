// The handbook's communication recap ("Post-incident follow-up", 4: "provide stakeholders with the final
// summary, highlighting lessons learned and improvements") as a template, for playbooks that predate it:
// the shipped playbook carries the same one under `templates:` (id `recap`), where a firm may change it.
import type { TemplateDef } from './playbook.js';

export const DEFAULT_RECAP_TEMPLATE: TemplateDef = {
  id: 'recap',
  name: 'Communication recap',
  audiences: ['incident', 'stakeholders'],
  fields: [
    {
      id: 'summary',
      label: 'Final summary',
      required: true,
      kind: 'multiline',
      maxLength: 1000,
      hint: 'what happened, in a few sentences',
    },
    {
      id: 'impact',
      label: 'Impact',
      required: true,
      kind: 'multiline',
      maxLength: 1000,
      hint: 'customer/system impact, final',
    },
    {
      id: 'root_cause',
      label: 'Root cause & contributing factors',
      required: true,
      kind: 'multiline',
      maxLength: 2000,
      hint: 'five whys, mapped to risk, compliance, resilience',
    },
    {
      id: 'lessons',
      label: 'Lessons learned',
      required: true,
      kind: 'multiline',
      maxLength: 2000,
    },
    {
      id: 'improvements',
      label: 'Improvements',
      required: true,
      kind: 'multiline',
      maxLength: 2000,
      hint: 'corrective actions, and how we will know they work',
    },
    {
      id: 'followups',
      label: 'Follow-up actions',
      required: true,
      kind: 'multiline',
      maxLength: 2000,
      hint: 'tickets / owners / due dates',
    },
  ],
  lines: [
    'Final summary: {summary}',
    'Impact: {impact}',
    'Root cause & contributing factors: {root_cause}',
    'Lessons learned: {lessons}',
    'Improvements: {improvements}',
    'Follow-up actions: {followups}',
  ],
};
