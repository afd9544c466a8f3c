// `incident action [<id> [reason]]`: with an action, its confirmation form opens (prefilled with the reason);
// without one, the playbook's actions are listed with who may run them and whether they are configured
// (the environment variables their webhook names are set). Ids may be shortened: "freeze", "switch_off".
import { roleName } from '../domain/decide/context.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import {
  type ActionDef,
  actionsOf,
  allowedRoles,
  pendingRun,
  unsetVariables,
} from '../domain/playbook-actions.js';
import { cleanText } from '../domain/template-fields.js';
import { code, command, strong, type Text, userText } from '../domain/text.js';

export type ActionIntent = { verb: 'action'; id: string; reason: string };

export function parseActionVerb(rest: string): ActionIntent {
  const m = /^(\S*)\s*([\s\S]*)$/.exec(rest.trim());
  return { verb: 'action', id: (m?.[1] ?? '').toLowerCase(), reason: (m?.[2] ?? '').trim() };
}

const norm = (s: string) => s.toLowerCase().replace(/[\s-]+/g, '_');

/** The action a typed word names: its id, else the one action whose id or title starts with it. */
export function resolveAction(pb: Playbook, word: string): ActionDef | null {
  const w = norm(word);
  if (!w) return null;
  const all = actionsOf(pb);
  const exact = all.find((a) => a.id === w);
  if (exact) return exact;
  const hits = all.filter(
    (a) => a.id.startsWith(w) || norm(a.title).startsWith(w) || a.id.split('_').includes(w),
  );
  return hits.length === 1 ? hits[0]! : null;
}

/** The playbook's actions, one line each: what it does, who may run it, and whether it can run here. */
export function actionList(i: Incident, pb: Playbook, isSet: (name: string) => boolean): Text {
  const all = actionsOf(pb);
  if (!all.length) return 'The playbook defines no actions.';
  const lines = all.map((a) => {
    const unset = unsetVariables(a, isSet);
    const who = allowedRoles(pb, a)
      .map((r) => userText(roleName(pb, r)))
      .join(', ');
    const state = unset.length
      ? `not configured (set ${unset.join(', ')})`
      : pendingRun(i, a.id)
        ? 'requested, awaiting the answer'
        : 'ready';
    return `• ${code(a.id)} ${strong(userText(a.title))}: ${userText(a.consequence)} Who: ${who}. ${state[0]!.toUpperCase()}${state.slice(1)}.`;
  });
  return [
    `Playbook actions for ${i.key} (each asks for confirmation first):`,
    ...lines,
    `Run one with ${command('action <id> [why]')}.`,
  ].join('\n');
}

/** What the verb asks for: the form for an action (with what it opens with), or a sentence. */
export function actionStep(
  intent: ActionIntent,
  o: { incident: Incident; playbook: Playbook; isSet: (name: string) => boolean },
): { kind: 'form'; prefill: Record<string, string> } | { kind: 'text'; text: Text } {
  if (!intent.id) return { kind: 'text', text: actionList(o.incident, o.playbook, o.isSet) };
  const a = resolveAction(o.playbook, intent.id);
  if (!a)
    return {
      kind: 'text',
      text: `There is no action "${userText(intent.id).slice(0, 60)}".\n${actionList(o.incident, o.playbook, o.isSet)}`,
    };
  const reason = cleanText(userText(intent.reason));
  return { kind: 'form', prefill: { action_id: a.id, ...(reason ? { reason } : {}) } };
}
