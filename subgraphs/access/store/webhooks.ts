import { sql } from 'kysely';
import { isUuid, onlyUuids } from '../../../platform/ids';
import type { ControlPlaneExecutor, WebhookDeliveryAttemptRow, WebhookEndpointRow } from '../../../platform/control-plane';
import type { CursorValues } from '../../kit/pagination';

/** An endpoint's row, or undefined. */
// Ids are uuids: anything else names nothing, and is not worth a statement (nor a cast error from PostgreSQL).
export function findWebhookEndpoint(db: ControlPlaneExecutor, id: string): Promise<WebhookEndpointRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db.selectFrom('webhook_endpoint').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listWebhookEndpoints(db: ControlPlaneExecutor, given: readonly string[]): Promise<WebhookEndpointRow[]> {
  const companyIds = onlyUuids(given);
  if (companyIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('webhook_endpoint').selectAll().where('company_id', 'in', companyIds).orderBy('created_at', 'desc').orderBy('id').execute();
}

export function insertWebhookEndpoint(
  db: ControlPlaneExecutor,
  values: { companyId: string; url: string; eventTypes: string[]; description: string; secret: string },
): Promise<WebhookEndpointRow> {
  return db
    .insertInto('webhook_endpoint')
    .values({ company_id: values.companyId, url: values.url, event_types: values.eventTypes, description: values.description, secret: values.secret })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateWebhookEndpoint(
  db: ControlPlaneExecutor,
  id: string,
  changes: Partial<Pick<WebhookEndpointRow, 'url' | 'event_types' | 'description' | 'secret' | 'previous_secret' | 'previous_secret_expires_at'>> & {
    enable?: true;
  },
): Promise<WebhookEndpointRow> {
  const { enable, ...columns } = changes;
  const reset = enable ? { enabled: true, disabled_at: null, disabled_reason: null, consecutive_failures: 0, failing_since: null } : {};
  return db
    .updateTable('webhook_endpoint')
    .set({ ...columns, ...reset, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteWebhookEndpoint(db: ControlPlaneExecutor, id: string): Promise<void> {
  await db.deleteFrom('webhook_endpoint').where('id', '=', id).execute();
}

/**
 * Queues an event for an endpoint again, as a new round of attempts (a
 * delivery that succeeded or failed for good becomes pending). Null when the
 * event is gone (past retention), not the endpoint's company's, or of a
 * type the endpoint does not receive.
 */
export async function requeueWebhookDelivery(db: ControlPlaneExecutor, endpoint: WebhookEndpointRow, eventId: string): Promise<string | null> {
  if (!isUuid(eventId)) return null;
  const { rows } = await sql<{ event_id: string }>`
    INSERT INTO webhook_delivery (endpoint_id, event_id)
    SELECT ${endpoint.id}::uuid, id FROM public_event WHERE id = ${eventId} AND company_id = ${endpoint.company_id}
      AND (type = ANY (${endpoint.event_types}::text[]) OR type = 'webhook.ping')
    ON CONFLICT (endpoint_id, event_id) DO UPDATE SET status = 'PENDING', attempts = 0, next_attempt_at = now()
    RETURNING event_id`.execute(db);
  return rows[0]?.event_id ?? null;
}

export async function findDeliveryEvent(db: ControlPlaneExecutor, endpointId: string, deliveryId: string): Promise<string | null> {
  if (!isUuid(deliveryId)) return null;
  const row = await db.selectFrom('webhook_delivery').select('event_id').where('id', '=', deliveryId).where('endpoint_id', '=', endpointId).executeTakeFirst();
  return row?.event_id ?? null;
}

/** A ping: a public event of the company that only this endpoint receives. */
export async function queuePing(db: ControlPlaneExecutor, endpoint: WebhookEndpointRow, eventId: string): Promise<void> {
  await db
    .insertInto('public_event')
    .values({
      id: eventId,
      company_id: endpoint.company_id,
      type: 'webhook.ping',
      module: 'ACCESS',
      occurred_at: new Date(),
      payload: JSON.stringify({ endpointId: endpoint.id }),
    })
    .execute();
  await db.insertInto('webhook_delivery').values({ endpoint_id: endpoint.id, event_id: eventId }).execute();
}

export function listDeliveryAttempts(
  db: ControlPlaneExecutor,
  endpointId: string,
  page: { after: CursorValues | null; limit: number },
): Promise<WebhookDeliveryAttemptRow[]> {
  let query = db.selectFrom('webhook_delivery_attempt').selectAll().where('endpoint_id', '=', endpointId);
  if (page.after) query = query.where('id', '<', String(page.after[0]));
  return query.orderBy('id', 'desc').limit(page.limit).execute();
}

export async function countDeliveryAttempts(db: ControlPlaneExecutor, endpointId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_delivery_attempt')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('endpoint_id', '=', endpointId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
