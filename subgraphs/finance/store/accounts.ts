import type { CursorValues } from '../../kit/pagination';
import type { AccountRow, FinanceExecutor, NewAccount } from './db';
import { onlyUuids } from '../../../platform/ids';

export async function findAccountsByIds(db: FinanceExecutor, ids: readonly string[]): Promise<AccountRow[]> {
  const valid = onlyUuids(ids);
  if (valid.length === 0) return [];
  return db.selectFrom('finance.account').selectAll().where('id', 'in', valid).execute();
}

export async function findAccountsByCodes(db: FinanceExecutor, codes: readonly string[]): Promise<AccountRow[]> {
  if (codes.length === 0) return [];
  return db
    .selectFrom('finance.account')
    .selectAll()
    .where('code', 'in', [...codes])
    .execute();
}

/** The new account, or null when its code is taken (the unique index decides, also under concurrency). */
export async function insertAccount(db: FinanceExecutor, account: NewAccount): Promise<AccountRow | null> {
  const row = await db
    .insertInto('finance.account')
    .values(account)
    .onConflict((oc) => oc.column('code').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** A page of the chart in code order, strictly after the cursor's code. */
export function listAccounts(db: FinanceExecutor, after: CursorValues | null, limit: number): Promise<AccountRow[]> {
  let query = db.selectFrom('finance.account').selectAll().orderBy('code').limit(limit);
  if (after) query = query.where('code', '>', String(after[0]));
  return query.execute();
}

export async function countAccounts(db: FinanceExecutor): Promise<number> {
  const row = await db
    .selectFrom('finance.account')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
