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
  | 'conflict';

export interface DomainError {
  code: ErrorCode;
  message: string;
}

export function fail(code: ErrorCode, message: string): { ok: false; error: DomainError } {
  return { ok: false, error: { code, message } };
}
