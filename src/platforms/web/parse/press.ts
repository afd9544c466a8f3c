// A console button's form fields read back into a Press (src/app/buttons.ts); null when they do not make one.
import type { Press } from '../../../app/buttons.js';
import { type Body, one } from './form-values.js';

export function readPress(body: Body): Press | null {
  const kind = one(body, 'kind');
  switch (kind) {
    case 'claim_role':
    case 'release_role':
      return one(body, 'role') ? { kind, role: one(body, 'role') } : null;
    case 'handover_role':
      return one(body, 'role') ? { kind, role: one(body, 'role'), user: one(body, 'user') } : null;
    case 'lead_workstream': {
      const workstream = one(body, 'workstream');
      if (!workstream) return null;
      // "Name" carries the picked person ('' when none was picked: refused with a sentence); "Lead" takes it
      return one(body, 'pick') ? { kind, workstream, user: one(body, 'user') } : { kind, workstream };
    }
    case 'release_workstream':
      return one(body, 'workstream') ? { kind, workstream: one(body, 'workstream') } : null;
    case 'check_item':
    case 'uncheck_item':
      return one(body, 'item') ? { kind, item: one(body, 'item') } : null;
    case 'item_na':
      return one(body, 'item') ? { kind, item: one(body, 'item'), reason: one(body, 'reason') } : null;
    case 'snooze': {
      const dueAt = one(body, 'dueAt');
      return {
        kind,
        snoozeKind: one(body, 'snoozeKind'),
        minutes: Number(one(body, 'minutes')),
        ...(dueAt ? { dueAt } : {}),
      };
    }
    case 'followup_done':
      return one(body, 'id') ? { kind, id: one(body, 'id') } : null;
    case 'page':
      return one(body, 'target') ? { kind, target: one(body, 'target') } : null;
    default:
      return null;
  }
}
