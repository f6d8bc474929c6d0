import { sql } from 'kysely';
import type { ControlPlane, ControlPlaneExecutor } from '../platform/control-plane';
import type { Logger } from '../platform/logger';
import type { DeliveredEvent } from '../platform/outbox';
import { PUBLIC_EVENTS_CHANNEL, toPublicEvent, type PublicEvent } from '../subgraphs/contracts/public-events';

/**
 * Queues the event for every enabled endpoint of the company subscribed to its
 * type, in the transaction that records it: an event is recorded with all its
 * deliveries or not at all.
 */
async function queueWebhookDeliveries(trx: ControlPlaneExecutor, companyId: string, event: PublicEvent): Promise<void> {
  await sql`
    INSERT INTO webhook_delivery (endpoint_id, event_id)
    SELECT id, ${event.id}::uuid FROM webhook_endpoint
    WHERE company_id = ${companyId} AND enabled AND ${event.type} = ANY (event_types)
    ON CONFLICT (endpoint_id, event_id) DO NOTHING`.execute(trx);
}

/**
 * Records the public form of a company's internal events in the control plane
 * and announces each on PUBLIC_EVENTS_CHANNEL. Recording twice changes nothing
 * (the id is the internal event's), so the relay may hand an event over again.
 */
export async function recordPublicEvent(controlPlane: ControlPlane, companyId: string, internal: DeliveredEvent): Promise<boolean> {
  const event = toPublicEvent(internal);
  if (event === null) return false;
  return controlPlane.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('public_event')
      .values({
        id: event.id,
        company_id: companyId,
        type: event.type,
        module: event.module,
        occurred_at: event.occurredAt,
        payload: JSON.stringify(event.payload),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    await queueWebhookDeliveries(trx, companyId, event);
    await sql`SELECT pg_notify(${PUBLIC_EVENTS_CHANNEL}, ${event.id})`.execute(trx);
    return true;
  });
}

/**
 * The relay's observer for one company: records public events, and never
 * lets a failure reach the relay, so the modules' own handling goes on when
 * the control plane is down. A missed event is logged; the relay offers it
 * again only if a module consumer retries it.
 */
export function publicEventObserver(controlPlane: ControlPlane, companyId: string, logger: Logger): (event: DeliveredEvent) => Promise<void> {
  return async (event) => {
    try {
      await recordPublicEvent(controlPlane, companyId, event);
    } catch (error) {
      logger.warn({ err: error, eventId: event.id, eventType: event.type, requestId: event.requestId }, 'public event not recorded');
    }
  };
}

/** Deletes public events recorded before the window, batch by batch so no statement holds many locks; returns how many went. */
export async function prunePublicEvents(controlPlane: ControlPlane, retentionMillis: number, batchSize = 1000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await sql`
      DELETE FROM public_event WHERE id IN (
        SELECT id FROM public_event WHERE recorded_at < now() - make_interval(secs => ${retentionMillis / 1000}) LIMIT ${batchSize})`.execute(controlPlane);
    const n = Number(result.numAffectedRows ?? 0);
    deleted += n;
    if (n < batchSize) return deleted;
  }
}

/** A loop of the worker beside the relay, started and stopped with it. */
export interface WorkerCompanion {
  start(): void;
  stop(): Promise<void>;
}

/** Prunes public events now and then; a failure is logged and the next round tries again. */
export function publicEventRetention(controlPlane: ControlPlane, retentionMillis: number, logger: Logger, everyMillis = 600_000): WorkerCompanion {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const prune = () => {
    running = prunePublicEvents(controlPlane, retentionMillis).then(
      (deleted) => {
        if (deleted > 0) logger.info({ deleted }, 'old public events deleted');
      },
      (error: unknown) => logger.warn({ err: error }, 'public event retention failed'),
    );
  };
  return {
    start: () => {
      prune();
      timer = setInterval(prune, everyMillis);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
