// Buttons a view offers, as data; each platform encodes them in its own ids and payloads.
import type { FormName } from './form.js';

export type Action =
  /** Opens one of the incident's forms. */
  | {
      kind: 'open_form';
      form: FormName;
      label: string;
      style?: 'primary' | 'danger';
      /** What the form opens with, by field id (e.g. which playbook action): carried by the button. */
      prefill?: Record<string, string>;
    }
  /** Silences a family of reminders for `minutes`; `dueAt` is when the reminder carrying it fell due. */
  | { kind: 'snooze'; snoozeKind: string; minutes: number; dueAt?: string; label: string }
  | { kind: 'followup_done'; id: string; label: string }
  /**
   * Pages a role's (or service's) on-call as the person who presses it (the roles nudge). `dueAt`: when the
   * nudge fell due (Teams re-renders the nudge after a page, and its snooze buttons need it).
   */
  | { kind: 'page'; target: string; label: string; dueAt?: string };

/** Snooze buttons on reminders, in minutes. */
export const SNOOZE_MINUTES = [15, 30] as const;
