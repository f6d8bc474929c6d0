import { sql, type Transaction } from 'kysely';
import { moduleSchema, type ModuleName } from '../../platform/modules';
import { failWith } from './errors';
import { requestFingerprint } from './fingerprint';

export interface IdempotentRequest {
  /** The module the key belongs to: its keys live in `<schema>.idempotency_key`, one namespace per company and module. */
  module: ModuleName;
  operation: string;
  /** The client's key, if it sent one; without a key the work simply runs. */
  key: string | null | undefined;
  /** What the key is bound to: the input as the module reads it, without the key itself. */
  canonicalInput: () => unknown;
}

export interface IdempotentOutcome<T> {
  result: T;
  /** True when the key had been used with this request before: nothing new was written. */
  replayed: boolean;
}

/** An input that may carry a client's idempotency key. */
export interface Keyed {
  idempotencyKey?: string | null;
}

/**
 * The usual binding: the mutation's input as the client sent it, less the key
 * itself. An optional field sent as null means the same as one left out, so
 * both bind alike.
 */
export function keyedRequest(module: ModuleName, operation: string, input: Keyed, canonicalInput?: () => unknown): IdempotentRequest {
  const given = () => Object.fromEntries(Object.entries(input).filter(([name, value]) => name !== 'idempotencyKey' && value !== null));
  return { module, operation, key: input.idempotencyKey, canonicalInput: canonicalInput ?? given };
}

/** A key is kept at least this long; older ones are purged as new keys are claimed. */
export const IDEMPOTENCY_KEY_RETENTION = '24 hours';
/** Most expired keys one claim removes, so a purge never makes a request slow. */
const PURGE_BATCH = 100;

const MAX_KEY_LENGTH = 200;

/**
 * Runs a change at most once per idempotency key. The key is bound to a
 * SHA-256 of the operation and its canonical input: the same request again
 * gets the first result back (rebuilt by `replay` from the ids the work
 * reported) and writes nothing; another request under the same key is refused
 * with IDEMPOTENCY_KEY_REUSED. Claiming the key is part of the work's
 * transaction, so a failed request leaves the key free, and a concurrent
 * retry waits on the uncommitted claim and then sees the first outcome.
 * Call it before taking any other lock, so the wait is on the key alone.
 */
export async function runIdempotently<DB, T>(
  trx: Transaction<DB>,
  request: IdempotentRequest,
  replay: (resultIds: string[]) => Promise<T>,
  work: () => Promise<{ result: T; resultIds: readonly string[] }>,
): Promise<IdempotentOutcome<T>> {
  const { key } = request;
  if (key === null || key === undefined) return { result: (await work()).result, replayed: false };
  if (key.length < 1 || key.length > MAX_KEY_LENGTH) {
    failWith(['input', 'idempotencyKey'], `Idempotency keys are 1–${MAX_KEY_LENGTH} characters`, 'INVALID_IDEMPOTENCY_KEY');
  }
  const table = keyTable(request.module);
  const hash = requestFingerprint(request.operation, request.canonicalInput());
  if (!(await claimKey(trx, table, key, request.operation, hash))) {
    const first = await findKey(trx, table, key);
    if (!first || first.request_hash !== hash) {
      failWith(['input', 'idempotencyKey'], 'This idempotency key was already used with a different request', 'IDEMPOTENCY_KEY_REUSED');
    }
    return { result: await replay(first.result_ids), replayed: true };
  }
  const { result, resultIds } = await work();
  await recordResult(trx, table, key, resultIds);
  await purgeExpiredIdempotencyKeys(trx, request.module, PURGE_BATCH);
  return { result, replayed: false };
}

/**
 * The common case: a mutation that creates one record and returns it under
 * `field`. A retry under the same key gets that record back as it is now.
 */
export async function createOncePerKey<DB, K extends string, R extends { id: string }>(
  trx: Transaction<DB>,
  request: IdempotentRequest,
  field: K,
  find: (id: string) => Promise<R | undefined>,
  work: () => Promise<Record<K, R>>,
): Promise<Record<K, R>> {
  const outcome = await runIdempotently(
    trx,
    request,
    async ([id]) => {
      const record = id ? await find(id) : undefined;
      if (!record) failWith(['input', 'idempotencyKey'], `The first request under this key left no ${field}`, 'NOT_FOUND');
      return { [field]: record } as Record<K, R>;
    },
    async () => {
      const result = await work();
      return { result, resultIds: [result[field].id] };
    },
  );
  return outcome.result;
}

/**
 * Removes up to `limit` keys older than the retention. Rows another
 * transaction is purging are skipped rather than waited for, so concurrent
 * requests never queue behind each other's housekeeping.
 */
export async function purgeExpiredIdempotencyKeys<DB>(trx: Transaction<DB>, module: ModuleName, limit: number): Promise<number> {
  const table = keyTable(module);
  const result = await sql`
    DELETE FROM ${table} WHERE key IN (
      SELECT key FROM ${table}
      WHERE created_at < now() - ${IDEMPOTENCY_KEY_RETENTION}::interval
      ORDER BY created_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )`.execute(trx);
  return Number(result.numAffectedRows ?? 0n);
}

interface KeyRow {
  request_hash: string;
  result_ids: string[];
}

const keyTable = (module: ModuleName) => sql.table(`${moduleSchema(module)}.idempotency_key`);

/**
 * False when the key exists; if another transaction holds it uncommitted,
 * PostgreSQL makes this insert wait for that transaction's end, so a
 * concurrent retry sees the first request's outcome instead of racing it.
 */
async function claimKey<DB>(trx: Transaction<DB>, table: ReturnType<typeof keyTable>, key: string, operation: string, hash: string): Promise<boolean> {
  const { rows } = await sql`
    INSERT INTO ${table} (key, operation, request_hash) VALUES (${key}, ${operation}, ${hash})
    ON CONFLICT (key) DO NOTHING
    RETURNING key`.execute(trx);
  return rows.length > 0;
}

async function findKey<DB>(trx: Transaction<DB>, table: ReturnType<typeof keyTable>, key: string): Promise<KeyRow | undefined> {
  const { rows } = await sql<KeyRow>`SELECT request_hash, result_ids::text[] AS result_ids FROM ${table} WHERE key = ${key}`.execute(trx);
  return rows[0];
}

async function recordResult<DB>(trx: Transaction<DB>, table: ReturnType<typeof keyTable>, key: string, resultIds: readonly string[]): Promise<void> {
  await sql`UPDATE ${table} SET result_ids = ${[...resultIds]}::uuid[] WHERE key = ${key}`.execute(trx);
}
