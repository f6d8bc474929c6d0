import { sql } from 'kysely';
import type { ControlPlaneExecutor, NewSubscriptionRequest, SubscriptionRequestRow, SubscriptionRequestStatus } from '../../../platform/control-plane';
import { cursorTimestamp, type CursorValues } from '../../kit/pagination';
import { isUuid } from '../../../platform/ids';

export function insertSubscriptionRequest(db: ControlPlaneExecutor, values: NewSubscriptionRequest): Promise<SubscriptionRequestRow> {
  return db.insertInto('subscription_request').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findSubscriptionRequest(
  db: ControlPlaneExecutor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<SubscriptionRequestRow | undefined> {
  // A malformed id names no row; asking PostgreSQL would fail the statement (22P02) instead.
  if (!isUuid(id)) return Promise.resolve(undefined);
  let query = db.selectFrom('subscription_request').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Keyset page ordered by (created_at, id). */
export function listSubscriptionRequests(
  db: ControlPlaneExecutor,
  filter: { status: SubscriptionRequestStatus | null },
  page: { after: CursorValues | null; limit: number },
): Promise<Array<SubscriptionRequestRow & { cursor_created_at: string }>> {
  let query = db.selectFrom('subscription_request').selectAll().select(cursorTimestamp('created_at').as('cursor_created_at'));
  if (filter.status) query = query.where('status', '=', filter.status);
  if (page.after) {
    const [createdAt, id] = page.after;
    query = query.where(sql<boolean>`(created_at, id) > (${String(createdAt)}::timestamptz, ${String(id)}::uuid)`);
  }
  return query.orderBy('created_at').orderBy('id').limit(page.limit).execute();
}

export async function countSubscriptionRequests(db: ControlPlaneExecutor, filter: { status: SubscriptionRequestStatus | null }): Promise<number> {
  let query = db.selectFrom('subscription_request').select((eb) => eb.fn.countAll<string>().as('n'));
  if (filter.status) query = query.where('status', '=', filter.status);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export function markApproved(db: ControlPlaneExecutor, id: string, decidedBy: string): Promise<SubscriptionRequestRow> {
  return db
    .updateTable('subscription_request')
    .set({ status: 'APPROVED', decided_at: new Date(), decided_by: decidedBy })
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function markRejected(db: ControlPlaneExecutor, id: string, decidedBy: string, reason: string | null): Promise<SubscriptionRequestRow> {
  return db
    .updateTable('subscription_request')
    .set({ status: 'REJECTED', decided_at: new Date(), decided_by: decidedBy, rejection_reason: reason })
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The request a status token names; the token is looked up by its hash only. */
export function findSubscriptionRequestByStatusToken(db: ControlPlaneExecutor, tokenHash: Buffer): Promise<SubscriptionRequestRow | undefined> {
  return db.selectFrom('subscription_request').selectAll().where('status_token_hash', '=', tokenHash).executeTakeFirst();
}
