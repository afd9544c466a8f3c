// One rule for every message to the stakeholder channel, whichever handler owes it: a confidential incident's
// stakeholders hear only that it exists and what just happened to it (the confidential notice), never its
// key, title, impact or the text of an alert, update, closure notice or recap. Handlers may send the notice
// themselves; anything else addressed to stakeholders is replaced here, so a new feature cannot leak.
import type { Effect, PostTemplate } from '../effects.js';
import type { Incident } from '../incident.js';
import type { Decision } from './context.js';

/** What the notice says happened, from the message it replaces. */
function whatOf(template: PostTemplate, data: Record<string, unknown>): string {
  if (template === 'communication' && typeof data.template === 'string') return data.template;
  return template;
}

export function withConfidentialStakeholders(d: Decision, before: Incident): Decision {
  if (!d.ok) return d;
  if (!d.incident.confidential && !before.confidential) return d;
  const effects = d.effects.map((e): Effect => {
    if (e.type !== 'message' || e.target.to !== 'stakeholders') return e;
    if (e.body.kind !== 'post' || e.body.template === 'confidential_notice') return e;
    return {
      ...e,
      body: {
        kind: 'post',
        template: 'confidential_notice',
        data: { what: whatOf(e.body.template, e.body.data) },
      },
    };
  });
  return { ...d, effects };
}
