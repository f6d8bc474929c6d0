import type { FinanceExecutor, IdempotencyKeyRow } from './db';

/**
 * Claims a key for this transaction. False when the key exists; if another
 * transaction holds it uncommitted, this waits for it, so a concurrent retry
 * sees the first request's outcome instead of racing it.
 */
export async function claimIdempotencyKey(db: FinanceExecutor, key: string, operation: string, requestHash: string): Promise<boolean> {
  const row = await db
    .insertInto('finance.idempotency_key')
    .values({ key, operation, request_hash: requestHash })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

export function findIdempotencyKey(db: FinanceExecutor, key: string): Promise<IdempotencyKeyRow | undefined> {
  return db.selectFrom('finance.idempotency_key').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function recordIdempotentResult(db: FinanceExecutor, key: string, resultIds: readonly string[]): Promise<void> {
  await db
    .updateTable('finance.idempotency_key')
    .set({ result_ids: [...resultIds] })
    .where('key', '=', key)
    .execute();
}
