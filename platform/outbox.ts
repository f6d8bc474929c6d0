import type { Kysely, Transaction } from 'kysely';
import { sql, type RawBuilder } from 'kysely';
import { moduleSchema, type ModuleName } from './modules';
import { activeTraceparent, inSpan, tracingOn } from './tracing';

/** A fact a module announces to the others, e.g. EmployeeHired. */
export interface DomainEvent<Payload = Record<string, unknown>> {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Payload;
}

/** An outbox row as the relay hands it to consumers. */
export interface DeliveredEvent<Payload = Record<string, unknown>> extends DomainEvent<Payload> {
  id: string;
  /** Module whose outbox held the event. */
  source: ModuleName;
  occurredAt: Date;
  requestId: string | null;
  /** W3C traceparent of the span that wrote the event, when that request was traced. */
  traceParent?: string | null;
}

/** Channel the relay LISTENs on in each tenant database; producers notify it on commit. */
export const OUTBOX_CHANNEL = 'fluxo_outbox';

/**
 * Writes events to the module's outbox inside the caller's transaction, so the
 * change and its events commit together or not at all. The NOTIFY is delivered
 * only on commit, and wakes the relay at once.
 */
export async function publishEvents<DB>(trx: Transaction<DB> | Kysely<DB>, schema: string, events: DomainEvent[], requestId: string | null): Promise<void> {
  if (events.length === 0) return;
  // Traced, the events remember this span, to which the relay and the consumers link theirs.
  const attributes = tracingOn()
    ? { 'fluxo.module': schema, 'fluxo.event_types': [...new Set(events.map((e) => e.type))], 'messaging.batch.message_count': events.length }
    : undefined;
  await inSpan('outbox publish', { kind: 'producer', attributes }, async () => {
    const traceParent = activeTraceparent();
    const rows = events.map((e) => sql`(${e.type}, ${e.aggregateType}, ${e.aggregateId}, ${JSON.stringify(e.payload)}, ${requestId}, ${traceParent})`);
    await sql`
      INSERT INTO ${sql.table(`${schema}.outbox`)} (event_type, aggregate_type, aggregate_id, payload, request_id, trace_parent)
      VALUES ${sql.join(rows)}`.execute(trx);
    await sql`SELECT pg_notify(${OUTBOX_CHANNEL}, ${schema})`.execute(trx);
  });
}

/**
 * A module's handler for other modules' events. The relay runs `handle` in a
 * transaction on the tenant database that also records the event in the
 * consumer's inbox, so a redelivered event changes nothing.
 */
export interface EventConsumer {
  /** The consuming module; its inbox is `<module schema>.inbox`. */
  module: ModuleName;
  /**
   * Each event type this consumer wants, with the one module it believes that
   * type from. The relay dead-letters an event of the type from any other
   * module at once, before any consumer sees it (see unexpectedSource).
   */
  accepts: Readonly<Record<string, ModuleName>>;
  /** Runs in a transaction on the tenant database, whose tables only the consumer knows (see consumerOf). */
  handle: (trx: Transaction<unknown>, event: DeliveredEvent) => Promise<void>;
}

/** Whether a consumer wants events of this type at all (from whichever module). */
export function wants(consumer: EventConsumer, eventType: string): boolean {
  return Object.hasOwn(consumer.accepts, eventType);
}

/**
 * Why an event must not be delivered: some consumer that wants its type
 * believes that type only from another module. Null when every consumer that
 * wants it accepts it from this source. A fact about employees published by
 * finance is a bug or a forgery, never something to retry, so the relay
 * dead-letters it at once with this reason.
 */
export function unexpectedSource(consumers: readonly EventConsumer[], eventType: string, source: ModuleName): string | null {
  for (const consumer of consumers) {
    const expected = consumer.accepts[eventType];
    if (expected !== undefined && expected !== source) return `${consumer.module} accepts ${eventType} only from ${expected}, not from ${source}`;
  }
  return null;
}

/**
 * When a company adds a module, that module's consumers have missed every
 * event published before (the relay delivers only to subscribed modules).
 * Putting those delivered events back in the queue lets the relay hand them
 * over in their original order; consumers that already handled them find
 * their ids in their inboxes and do nothing. Returns the events re-queued.
 */
export async function requeueHistoryFor<DB>(
  db: Kysely<DB>,
  added: readonly ModuleName[],
  existing: readonly ModuleName[],
  consumers: readonly EventConsumer[],
): Promise<number> {
  const wanted = new Set(consumers.filter((c) => added.includes(c.module)).flatMap((c) => Object.keys(c.accepts)));
  if (wanted.size === 0) return 0;
  let requeued = 0;
  for (const source of existing) {
    if (added.includes(source)) continue;
    const result = await sql`
      UPDATE ${sql.table(`${moduleSchema(source)}.outbox`)}
      SET status = 'PENDING', attempts = 0, next_attempt_at = now(), last_error = NULL
      WHERE status = 'DELIVERED' AND event_type = ANY(${[...wanted]}::text[])`.execute(db);
    requeued += Number(result.numAffectedRows ?? 0);
  }
  if (requeued > 0) await sql`SELECT pg_notify(${OUTBOX_CHANNEL}, 'history')`.execute(db);
  return requeued;
}

/**
 * One relation over the outboxes of several modules of a tenant database: the
 * `branch` each module's outbox gives, joined by UNION ALL, so a reader covers
 * every module in one statement.
 */
export function acrossOutboxes(modules: readonly ModuleName[], branch: (module: ModuleName, outbox: ReturnType<typeof sql.table>) => RawBuilder<unknown>) {
  return sql.join(
    modules.map((module) => branch(module, sql.table(`${moduleSchema(module)}.outbox`))),
    sql` UNION ALL `,
  );
}
