// An alert prompt's three buttons as Adaptive Card actions (issue 21): each opens a dialog (task/fetch)
// whose form the application layer builds (src/app/alert-actions.ts); `alert` is the group's id.
import { ALERT_ACTIONS } from '../../../domain/alert-group.js';
import type { El } from './card-kit.js';

export type AlertButton = keyof typeof ALERT_ACTIONS;

const LABEL: Record<AlertButton, string> = {
  declare: 'Declare incident',
  attach: 'Add to INC-…',
  dismiss: 'Dismiss',
};

/** The button opening one of the prompt's dialogs. */
export function alertButton(kind: AlertButton, alert: string, label = LABEL[kind]): El {
  return {
    type: 'Action.Submit',
    title: label,
    ...(kind === 'declare' ? { style: 'positive' } : kind === 'dismiss' ? { style: 'destructive' } : {}),
    data: { msteams: { type: 'task/fetch' }, dialog: ALERT_ACTIONS[kind], alert },
  };
}

/** The three buttons, in the prompt's order. */
export function alertButtons(alert: string): El[] {
  return (['declare', 'attach', 'dismiss'] as const).map((k) => alertButton(k, alert));
}
