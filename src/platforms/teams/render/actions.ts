// The buttons views offer (src/views/actions.ts) as Adaptive Card actions.
import type { Action } from '../../../views/actions.js';
import { type El, execute, openDialog, VERB } from './card-kit.js';

export function cardAction(a: Action, incidentKey: string, extra: El = {}): El {
  switch (a.kind) {
    case 'open_form':
      return openDialog(
        a.form,
        a.label,
        incidentKey,
        a.style === 'danger' ? 'destructive' : a.style ? 'positive' : undefined,
        a.prefill,
      );
    case 'snooze':
      return execute(VERB.snooze, a.label, {
        incidentKey,
        snoozeKind: a.snoozeKind,
        minutes: a.minutes,
        ...(a.dueAt ? { due: a.dueAt } : {}),
      });
    case 'followup_done':
      return execute(VERB.followupDone, a.label, { incidentKey, id: a.id, ...extra }, 'positive');
    case 'page':
      return execute(
        VERB.page,
        a.label,
        { incidentKey, target: a.target, ...(a.dueAt ? { due: a.dueAt } : {}) },
        'destructive',
      );
  }
}
