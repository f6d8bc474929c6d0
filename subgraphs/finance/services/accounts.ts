import type { Transaction } from 'kysely';
import { failWith } from '../../kit/errors';
import type { Actor } from '../../kit/actor';
import { refuseInvalid } from '../../kit/validation';
import { validateNewAccount } from '../domain/accounts';
import type { AccountType } from '../domain/types';
import { accountCreated } from '../events';
import { findAccountsByCodes, insertAccount } from '../store/accounts';
import type { AccountRow, FinanceDB } from '../store/db';

export interface CreateAccountInput {
  code: string;
  name: string;
  type: AccountType;
  parentCode?: string | null;
  isCash?: boolean | null;
  isBank?: boolean | null;
}

/** Adds an account to the chart; the code is unique per tenant (the database decides under concurrency). */
export async function createAccount(trx: Transaction<FinanceDB>, input: CreateAccountInput, actor: Actor): Promise<{ account: AccountRow }> {
  const parent = input.parentCode ? (await findAccountsByCodes(trx, [input.parentCode]))[0] : null;
  if (input.parentCode && !parent) failWith(['input', 'parentCode'], `No account with code ${input.parentCode}`, 'UNKNOWN_ACCOUNT');
  const draft = { code: input.code, name: input.name, type: input.type, isCash: input.isCash ?? false, isBank: input.isBank ?? false };
  const errors = validateNewAccount(draft, parent);
  refuseInvalid(errors);
  const account = await insertAccount(trx, {
    code: draft.code,
    name: draft.name.trim(),
    type: draft.type,
    parent_id: parent?.id ?? null,
    is_cash: draft.isCash,
    is_bank: draft.isBank,
  });
  if (!account) failWith(['input', 'code'], `Account code ${input.code} is already taken`, 'ACCOUNT_CODE_TAKEN');
  actor.audit({
    operation: 'createAccount',
    entity: 'account',
    entityId: account.id,
    after: { code: account.code, name: account.name, type: account.type, parentId: account.parent_id, isCash: account.is_cash, isBank: account.is_bank },
  });
  actor.publish(accountCreated(account));
  return { account };
}
