// The playbook's `alertRules`: which alerts from the firm's monitoring mean what. Rules are tried in order
// and the first whose matchers all hold wins, like an Alertmanager route: `match` compares a label with a
// value, `matchRe` with a regular expression anchored at both ends (`^(?:re)$`, as Alertmanager anchors).
// An alert no rule matches is still prompted, in the default channel, with no suggestion: never dropped.
import type { AlertSuggestion } from './alert-group.js';

export interface AlertRuleDef {
  /** Shown in the prompt ("matched rule …") and in the log. */
  name: string;
  /** label -> value: every one must be equal. */
  match?: Record<string, string>;
  /** label -> regular expression: every one must match the whole value (a missing label is ""). */
  matchRe?: Record<string, string>;
  triggerClass?: string;
  impact?: string;
  severe: boolean;
  /** `prompt`: people decide from the prompt; `declare`: the bot declares the incident itself. */
  mode: 'prompt' | 'declare';
  /** Platform user ids invited to an incident the bot declares; the first one is named its commander. */
  notify: string[];
  /** Where to prompt (default: ALERTS_CHANNEL). */
  channel?: string;
}

/** `re` as Alertmanager uses it: anchored at both ends. Throws on an invalid expression. */
export function anchored(re: string): RegExp {
  return new RegExp(`^(?:${re})$`, 'u');
}

const compiled = new WeakMap<AlertRuleDef, [string, RegExp][]>();

function regexesOf(rule: AlertRuleDef): [string, RegExp][] {
  let r = compiled.get(rule);
  if (!r) {
    r = Object.entries(rule.matchRe ?? {}).map(([label, re]) => [label, anchored(re)]);
    compiled.set(rule, r);
  }
  return r;
}

/** Whether every matcher of the rule holds for these labels (a label not there is the empty string). */
export function ruleMatches(rule: AlertRuleDef, labels: Record<string, string>): boolean {
  for (const [label, value] of Object.entries(rule.match ?? {}))
    if ((labels[label] ?? '') !== value) return false;
  for (const [label, re] of regexesOf(rule)) if (!re.test(labels[label] ?? '')) return false;
  return true;
}

/** What no rule matched: prompted in the default channel, nothing suggested. */
export const NO_RULE: AlertSuggestion = { rule: null, severe: false, mode: 'prompt', notify: [] };

/** The first matching rule's suggestion and channel (undefined: the default channel). */
export function suggestionFor(
  rules: readonly AlertRuleDef[] | undefined,
  labels: Record<string, string>,
): { suggestion: AlertSuggestion; channel?: string } {
  const rule = (rules ?? []).find((r) => ruleMatches(r, labels));
  if (!rule) return { suggestion: NO_RULE };
  return {
    suggestion: {
      rule: rule.name,
      ...(rule.triggerClass ? { triggerClass: rule.triggerClass } : {}),
      ...(rule.impact ? { impact: rule.impact } : {}),
      severe: rule.severe,
      mode: rule.mode,
      notify: [...rule.notify],
    },
    ...(rule.channel ? { channel: rule.channel } : {}),
  };
}
