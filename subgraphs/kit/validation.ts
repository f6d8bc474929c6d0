import { userError, UserErrorsException, type UserError } from './errors';

/*
 * One way to validate a mutation's input and report userErrors:
 * - a validator is a pure function of the input that reports every problem at
 *   once, each with its field path and a stable code: `UserError[]` when it
 *   only checks, `Validated<T>` (built with InputProblems) when it also cleans;
 * - the service refuses at its start with `refuseInvalid(errors)` or
 *   `validOrRefuse(validated)`, and refuses a business rule found later with
 *   `failWith` (one problem, errors.ts) or `refuse` (several);
 * - all of them throw UserErrorsException, which rolls the caller's transaction
 *   back and which runModuleMutation turns into the payload's userErrors.
 */

/** The outcome of checking a mutation's input: the cleaned value, or every problem found. */
export type Validated<T> = { ok: true; value: T } | { ok: false; userErrors: UserError[] };

/** Collects problems with their field paths, so one answer reports every bad field at once. */
export class InputProblems {
  readonly list: UserError[] = [];

  add(field: string | string[], message: string, code: string): void {
    this.list.push(userError(field, message, code));
  }

  /** Inside a service: stop (and roll back) when anything was found. */
  assertNone(): void {
    refuseInvalid(this.list);
  }

  result<T>(value: T): Validated<T> {
    return this.list.length > 0 ? { ok: false, userErrors: this.list } : { ok: true, value };
  }
}

/** Refuses the mutation with these problems. */
export function refuse(errors: readonly UserError[]): never {
  throw new UserErrorsException([...errors]);
}

/** Refuses the mutation when a validator found problems. */
export function refuseInvalid(errors: readonly UserError[]): void {
  if (errors.length > 0) refuse(errors);
}

/** The cleaned input, or the refusal of the mutation with every problem found. */
export function validOrRefuse<T>(checked: Validated<T>): T {
  if (!checked.ok) refuse(checked.userErrors);
  return checked.value;
}

// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is the inbox's job.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}
