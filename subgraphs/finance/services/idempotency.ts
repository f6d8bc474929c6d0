import type { Transaction } from 'kysely';
import { failWith } from '../../kit/errors';
import { requestFingerprint } from '../domain/idempotency';
import type { FinanceDB } from '../store/db';
import { claimIdempotencyKey, findIdempotencyKey, recordIdempotentResult } from '../store/idempotency';

export interface IdempotentOutcome<T> {
  result: T;
  /** True when the key had been used with this request before: nothing new was written. */
  replayed: boolean;
}

/**
 * Runs money-moving work at most once per idempotency key. The key is bound to
 * a SHA-256 of the operation and its canonical input: the same request again
 * gets the first result back; another request under the same key is refused
 * with IDEMPOTENCY_KEY_REUSED. Claiming the key is part of the work's
 * transaction, so a failed request leaves the key free.
 */
export async function runIdempotently<T>(
  trx: Transaction<FinanceDB>,
  key: string | null | undefined,
  request: { operation: string; canonicalInput: () => unknown },
  replay: (resultIds: string[]) => Promise<T>,
  work: () => Promise<{ result: T; resultIds: string[] }>,
): Promise<IdempotentOutcome<T>> {
  if (key === null || key === undefined) return { result: (await work()).result, replayed: false };
  if (key.length < 1 || key.length > 200) failWith(['input', 'idempotencyKey'], 'Idempotency keys are 1–200 characters', 'INVALID_IDEMPOTENCY_KEY');
  const hash = requestFingerprint(request.operation, request.canonicalInput());
  if (!(await claimIdempotencyKey(trx, key, request.operation, hash))) {
    const first = await findIdempotencyKey(trx, key);
    if (!first || first.request_hash !== hash) {
      failWith(['input', 'idempotencyKey'], 'This idempotency key was already used with a different request', 'IDEMPOTENCY_KEY_REUSED');
    }
    return { result: await replay(first.result_ids), replayed: true };
  }
  const { result, resultIds } = await work();
  await recordIdempotentResult(trx, key, resultIds);
  return { result, replayed: false };
}
