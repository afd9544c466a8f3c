// Domain errors: a stable code for programs and a sentence for people.

export type ErrorCode =
  | 'not_found'
  | 'already_exists'
  | 'forbidden'
  | 'invalid'
  | 'illegal_transition'
  | 'criteria_unconfirmed'
  | 'closed'
  | 'role_taken'
  | 'not_holder'
  | 'unknown_role'
  | 'unknown_item'
  | 'unknown_trigger'
  | 'already_logged'
  | 'rate_limited'
  | 'duplicate'
  | 'conflict'
  /** The playbook names an outside system whose settings are not in the bot's environment. */
  | 'not_configured';

export interface DomainError {
  code: ErrorCode;
  message: string;
  /** What the person can do about it, for answers in chat (not for form field errors); may hold tokens. */
  hint?: string;
  /** The command field the error is about, when it is about one (a form shows it next to that input). */
  field?: string;
}

export function fail(code: ErrorCode, message: string, field?: string): { ok: false; error: DomainError } {
  return { ok: false, error: field ? { code, message, field } : { code, message } };
}

/** An error as an answer in chat: the sentence, then what the person can do about it (its hint). */
export function withHint(e: DomainError): string {
  return e.hint ? `${e.message} ${e.hint}` : e.message;
}
