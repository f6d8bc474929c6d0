import type { UserError } from '../../kit/errors';
import { decimalPlaces } from '../../kit/money';

export const MIN_LINES = 2;
export const MAX_LINES_PER_ENTRY = 1000;
export const MAX_MEMO_LENGTH = 1000;
export const MAX_LINE_DESCRIPTION_LENGTH = 500;

/** A line as a client or another module submits it: exactly one of debit or credit. */
export interface LineDraft {
  accountCode: string;
  debit?: string | null;
  credit?: string | null;
  description?: string | null;
}

export interface EntryDraft {
  date: string;
  memo?: string | null;
  /** The client's own reference (manual entries and bank transactions). */
  reference?: string | null;
  lines: readonly LineDraft[];
}

export const MAX_REFERENCE_LENGTH = 200;

/** A blank reference is no reference: the ledger keeps null rather than an empty string. */
export function normalizeReference(reference: string | null | undefined): string | null {
  return reference == null || reference.trim() === '' ? null : reference;
}

/** A line that passed every rule; amounts have the currency's places and the unused side is zero. */
export interface ValidLine {
  accountCode: string;
  debit: string;
  credit: string;
  description: string | null;
}

export interface ValidEntry {
  date: string;
  memo: string | null;
  lines: ValidLine[];
  /** Σdebit (= Σcredit). */
  total: string;
}

/** What the ledger knows when it judges an entry. */
export interface LedgerRules {
  /** Decimal places of the base currency (2 for EUR). */
  decimals: number;
  /** Last day of the closed period, or null when nothing is closed. */
  closedThrough: string | null;
  isKnownAccount: (code: string) => boolean;
}

const AMOUNT = /^-?\d+(\.\d+)?$/;

/**
 * Amounts as exact integers of the currency's minor unit ("12.3" → 1230n at 2
 * decimals). Validation runs over every line of 500-entry imports, and bigint
 * sums are exact like decimal.js at a fraction of the cost; never a float.
 * The caller has checked the format and the number of decimals.
 */
export function toMinorUnits(value: string, decimals: number): bigint {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const units = BigInt(whole + fraction.padEnd(decimals, '0'));
  return negative ? -units : units;
}

/** 1230n → "12.30" at 2 decimals. */
export function fromMinorUnits(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}

/** Why an amount cannot be posted, or null when it can. */
export function amountProblem(value: string, decimals: number): { code: 'INVALID_AMOUNT' | 'AMOUNT_NOT_POSITIVE'; message: string } | null {
  if (!AMOUNT.test(value)) return { code: 'INVALID_AMOUNT', message: `"${value}" is not a decimal amount` };
  if (decimalPlaces(value) > decimals) return { code: 'INVALID_AMOUNT', message: `${value} has more than ${decimals} decimals` };
  if (toMinorUnits(value, decimals) <= 0n) return { code: 'AMOUNT_NOT_POSITIVE', message: `Amounts must be greater than zero, got ${value}` };
  return null;
}

/** Whether a date falls in the closed period (dates are YYYY-MM-DD, so text order is calendar order). */
export function isInClosedPeriod(date: string, closedThrough: string | null): boolean {
  return closedThrough !== null && date <= closedThrough;
}

const error = (field: readonly string[], message: string, code: string): UserError => ({ field: [...field], message, code });

function validateLine(
  line: LineDraft,
  at: readonly string[],
  rules: LedgerRules,
  errors: UserError[],
): { line: ValidLine; units: bigint; side: 'debit' | 'credit' } | null {
  let valid = true;
  if (!rules.isKnownAccount(line.accountCode)) {
    errors.push(error([...at, 'accountCode'], `No account with code ${line.accountCode}`, 'UNKNOWN_ACCOUNT'));
    valid = false;
  }
  if (line.description && line.description.length > MAX_LINE_DESCRIPTION_LENGTH) {
    errors.push(error([...at, 'description'], `Descriptions are at most ${MAX_LINE_DESCRIPTION_LENGTH} characters`, 'TOO_LONG'));
    valid = false;
  }
  const hasDebit = line.debit !== null && line.debit !== undefined;
  const hasCredit = line.credit !== null && line.credit !== undefined;
  if (hasDebit === hasCredit) {
    errors.push(error(at, 'A line has exactly one of debit or credit', 'DEBIT_AND_CREDIT'));
    return null;
  }
  const side = hasDebit ? 'debit' : 'credit';
  const raw = (hasDebit ? line.debit : line.credit) as string;
  const problem = amountProblem(raw, rules.decimals);
  if (problem) {
    errors.push(error([...at, side], problem.message, problem.code));
    return null;
  }
  if (!valid) return null;
  const units = toMinorUnits(raw, rules.decimals);
  const formatted = fromMinorUnits(units, rules.decimals);
  const zero = fromMinorUnits(0n, rules.decimals);
  return {
    line: {
      accountCode: line.accountCode,
      debit: side === 'debit' ? formatted : zero,
      credit: side === 'credit' ? formatted : zero,
      description: line.description ?? null,
    },
    units,
    side,
  };
}

/**
 * Judges one entry against the ledger's rules: at least two lines, each with
 * exactly one positive amount of at most the currency's decimals on a known
 * account, Σdebit = Σcredit, dated after the closed period. Every problem is
 * reported with its field path under `path`, so a batch shows them all at once.
 */
export function validateEntry(draft: EntryDraft, path: readonly string[], rules: LedgerRules): { entry: ValidEntry | null; errors: UserError[] } {
  const errors: UserError[] = [];
  if (isInClosedPeriod(draft.date, rules.closedThrough)) {
    errors.push(error([...path, 'date'], `The period is closed through ${rules.closedThrough}; ${draft.date} cannot take entries`, 'PERIOD_CLOSED'));
  }
  if (draft.memo && draft.memo.length > MAX_MEMO_LENGTH) errors.push(error([...path, 'memo'], `Memos are at most ${MAX_MEMO_LENGTH} characters`, 'TOO_LONG'));
  if (draft.reference && draft.reference.length > MAX_REFERENCE_LENGTH) {
    errors.push(error([...path, 'reference'], `References are at most ${MAX_REFERENCE_LENGTH} characters`, 'TOO_LONG'));
  }
  if (draft.lines.length < MIN_LINES) {
    errors.push(error([...path, 'lines'], `An entry needs at least ${MIN_LINES} lines, got ${draft.lines.length}`, 'TOO_FEW_LINES'));
  }
  if (draft.lines.length > MAX_LINES_PER_ENTRY) {
    errors.push(error([...path, 'lines'], `An entry has at most ${MAX_LINES_PER_ENTRY} lines, got ${draft.lines.length}`, 'TOO_MANY_LINES'));
    return { entry: null, errors };
  }
  let debits = 0n;
  let credits = 0n;
  let linesValid = true;
  const lines: ValidLine[] = [];
  draft.lines.forEach((line, i) => {
    const checked = validateLine(line, [...path, 'lines', String(i)], rules, errors);
    if (!checked) {
      linesValid = false;
      return;
    }
    if (checked.side === 'debit') debits += checked.units;
    else credits += checked.units;
    lines.push(checked.line);
  });
  // Balance is only meaningful once every amount is readable.
  if (linesValid && draft.lines.length >= MIN_LINES && debits !== credits) {
    errors.push(
      error(
        [...path, 'lines'],
        `Debits (${fromMinorUnits(debits, rules.decimals)}) and credits (${fromMinorUnits(credits, rules.decimals)}) differ`,
        'UNBALANCED',
      ),
    );
  }
  if (errors.length > 0) return { entry: null, errors };
  return { entry: { date: draft.date, memo: draft.memo ?? null, lines, total: fromMinorUnits(debits, rules.decimals) }, errors };
}

/**
 * The lines of a reversal: every posted debit becomes a credit of the same
 * amount and vice versa. Posted lines keep a zero on their unused side.
 */
export function reversalLines(
  lines: ReadonlyArray<{ accountCode: string; debit: string; credit: string; description: string | null }>,
  decimals: number,
): LineDraft[] {
  return lines.map((line) => {
    const wasDebit = toMinorUnits(line.debit, decimals) > 0n;
    return { accountCode: line.accountCode, debit: wasDebit ? null : line.credit, credit: wasDebit ? line.debit : null, description: line.description };
  });
}
