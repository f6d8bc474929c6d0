import type { ColumnType, Selectable } from 'kysely';

/** finance.idempotency_key: a client's key, the fingerprint of the request it first came with, and what that produced. */
export interface IdempotencyKeyTable {
  key: string;
  operation: string;
  request_hash: string;
  result_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_at: ColumnType<Date, never, never>;
}
export type IdempotencyKeyRow = Selectable<IdempotencyKeyTable>;
