// The close form's "Debrief" field: when the debrief is held, prefilled with the playbook's hour on the
// review's due date. Left as it is (or empty), the core uses that default; a typed time must be UTC.
import { defaultDebriefStart, parseDebriefTime } from '../../domain/debrief.js';
import type { Playbook } from '../../domain/playbook.js';
import type { Field, FormValues } from '../../views/form.js';
import { str, utcStamp } from './form-kit.js';

export const DEBRIEF_FIELD = 'debrief_at';

export function debriefField(pb: Playbook, reviewDueOn: string, prefilled: FormValues): Field {
  return {
    kind: 'text',
    id: DEBRIEF_FIELD,
    label: 'Debrief (UTC)',
    required: false,
    maxLength: 40,
    placeholder: 'YYYY-MM-DD HH:MM UTC',
    hint: 'Every responder and follow-up owner is sent an invitation with a calendar file.',
    value: str(prefilled[DEBRIEF_FIELD]) ?? utcStamp(new Date(defaultDebriefStart(reviewDueOn, pb))),
  };
}

/** The typed time as ISO UTC; `at` absent when left empty (the default applies). */
export function readDebriefTime(
  values: FormValues,
): { ok: true; at?: string } | { ok: false; error: string } {
  const raw = (str(values[DEBRIEF_FIELD]) ?? '').trim();
  if (!raw) return { ok: true };
  if (raw.length > 40) return { ok: false, error: 'At most 40 characters.' };
  const at = parseDebriefTime(raw);
  return at ? { ok: true, at } : { ok: false, error: 'Give a UTC time like 2026-11-30 14:00 UTC.' };
}
