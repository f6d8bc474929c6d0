import type { Transaction } from 'kysely';
import { failWith, type UserError } from '../../kit/errors';
import type { Actor } from '../../kit/actor';
import { accountableParty } from '../../kit/duties';
import { refuseInvalid } from '../../kit/validation';
import { bankAmountProblem, bankTransactionEntry, canHoldBankTransactions } from '../domain/bank';
import { canonicalAmount } from '../../kit/fingerprint';
import { MANUAL_SOURCE_MODULE } from '../domain/types';
import { bankTransactionRecorded, journalEntryPosted } from '../events';
import { findAccountsByCodes } from '../store/accounts';
import { findBankTransactionsByIds, insertBankTransaction } from '../store/bank';
import type { AccountRow, BankTransactionRow, FinanceDB, JournalEntryRow } from '../store/db';
import { readSettings } from '../store/settings';
import { runIdempotently } from '../../kit/idempotency';
import { postEntries } from './ledger';
import { MAX_REFERENCE_LENGTH, normalizeReference } from '../domain/journal';

/** bank_transaction.description: 1 to 500 characters. */
const MAX_DESCRIPTION_LENGTH = 500;

export interface RecordTransactionInput {
  bankAccountCode: string;
  counterAccountCode: string;
  date: string;
  amount: string;
  description: string;
  reference?: string | null;
  idempotencyKey?: string | null;
}

/** A bank or cash account by code, or the userError that says why it cannot be one. */
export function bankAccountProblem(account: AccountRow | undefined, code: string, field: string[]): UserError | null {
  if (!account) return { field, message: `No account with code ${code}`, code: 'UNKNOWN_ACCOUNT' };
  if (!canHoldBankTransactions(account))
    return {
      field,
      message: `${code} is a ${account.type.toLowerCase()}${account.is_contra ? ' contra' : ''} account; bank and cash transactions need an asset account`,
      code: 'NOT_A_BANK_ACCOUNT',
    };
  return null;
}

async function checkInput(trx: Transaction<FinanceDB>, input: RecordTransactionInput): Promise<{ bank: AccountRow; decimals: number }> {
  const settings = await readSettings(trx);
  const accounts = new Map((await findAccountsByCodes(trx, [input.bankAccountCode, input.counterAccountCode])).map((a) => [a.code, a]));
  const errors: UserError[] = [];
  const bank = accounts.get(input.bankAccountCode);
  const bankProblem = bankAccountProblem(bank, input.bankAccountCode, ['input', 'bankAccountCode']);
  if (bankProblem) errors.push(bankProblem);
  if (!accounts.has(input.counterAccountCode))
    errors.push({ field: ['input', 'counterAccountCode'], message: `No account with code ${input.counterAccountCode}`, code: 'UNKNOWN_ACCOUNT' });
  else if (input.counterAccountCode === input.bankAccountCode)
    errors.push({ field: ['input', 'counterAccountCode'], message: 'The counter account must differ from the bank account', code: 'SAME_ACCOUNT' });
  const amountProblem = bankAmountProblem(input.amount, settings.currency_decimals);
  if (amountProblem) errors.push({ field: ['input', 'amount'], message: amountProblem, code: 'INVALID_AMOUNT' });
  if (input.description.trim().length === 0)
    errors.push({ field: ['input', 'description'], message: 'A bank transaction needs a description', code: 'REQUIRED' });
  else if (input.description.trim().length > MAX_DESCRIPTION_LENGTH)
    errors.push({ field: ['input', 'description'], message: `Descriptions are at most ${MAX_DESCRIPTION_LENGTH} characters`, code: 'TOO_LONG' });
  if ((normalizeReference(input.reference)?.length ?? 0) > MAX_REFERENCE_LENGTH)
    errors.push({ field: ['input', 'reference'], message: `References are at most ${MAX_REFERENCE_LENGTH} characters`, code: 'TOO_LONG' });
  refuseInvalid(errors);
  return { bank: bank as AccountRow, decimals: settings.currency_decimals };
}

/**
 * Records money in (positive amount) or out (negative) of a bank or cash
 * account: its journal entry against the counter account and a transaction
 * that waits to be reconciled with the bank statement.
 */
export async function recordTransaction(
  trx: Transaction<FinanceDB>,
  input: RecordTransactionInput,
  actor: Actor,
): Promise<{ transaction: BankTransactionRow }> {
  const outcome = await runIdempotently(
    trx,
    {
      module: 'FINANCE',
      key: input.idempotencyKey,
      operation: 'recordTransaction',
      canonicalInput: () => ({ ...input, idempotencyKey: undefined, amount: canonicalAmount(input.amount), reference: normalizeReference(input.reference) }),
    },
    async ([id]) => (await findBankTransactionsByIds(trx, [id as string]))[0] as BankTransactionRow,
    async () => {
      const { bank, decimals } = await checkInput(trx, input);
      const draft = bankTransactionEntry(input, decimals);
      const { entries } = await postEntries(
        trx,
        [{ ...draft, source: { module: MANUAL_SOURCE_MODULE, reference: normalizeReference(input.reference) } }],
        () => ['input'],
        accountableParty(actor),
      );
      const entry = entries[0] as JournalEntryRow;
      const transaction = await insertBankTransaction(trx, {
        account_id: bank.id,
        journal_entry_id: entry.id,
        txn_date: input.date,
        amount: canonicalAmount(input.amount) as string,
        description: input.description.trim(),
        reference: normalizeReference(input.reference),
      });
      actor.audit({
        operation: 'recordTransaction',
        entity: 'bank_transaction',
        entityId: transaction.id,
        after: { account: bank.code, amount: transaction.amount, date: transaction.txn_date, entry: entry.number },
      });
      actor.publish(journalEntryPosted(entry));
      actor.publish(bankTransactionRecorded(transaction));
      return { result: transaction, resultIds: [transaction.id] };
    },
  );
  if (!outcome.result) failWith(['input', 'idempotencyKey'], 'The first request under this key left no transaction', 'NOT_FOUND');
  return { transaction: outcome.result };
}
