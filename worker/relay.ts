import { sql, type Kysely, type Transaction } from 'kysely';
import type { Logger } from '../platform/logger';
import { moduleSchema, type ModuleName } from '../platform/modules';
import { unexpectedSource, wants, type DeliveredEvent, type EventConsumer } from '../platform/outbox';
import { inSpan, markFailed, tracingOn } from '../platform/tracing';
import { clearDataChanges, readDataChanges } from './data-changes';

export interface RelayOptions {
  /** Rows read from one outbox per pass. */
  batchSize: number;
  /** Failed deliveries before an event is marked DEAD. */
  maxAttempts: number;
  /** Backoff of the n-th retry: base × 2^(n-1), capped. */
  backoffBaseMillis: number;
  backoffMaxMillis: number;
  /** Fault injection for crash-safety tests: called at named points of a delivery. */
  faultPoint?: (point: 'before-consumer-commit' | 'after-consumer-commit', event: DeliveredEvent) => void;
  /**
   * The database role a consumer's transaction acts as (with database roles on):
   * its handler then has its own module's rights, not the worker's.
   */
  consumerRole?: (module: ModuleName) => string;
  /** Told what each pass over a module's outbox did (the worker's delivery counters). */
  onOutboxDrained?: (module: ModuleName, report: DrainReport) => void;
  /**
   * Sees every event before its consumers do, on each attempt (public events).
   * It must not throw: it is no consumer, and nothing it does may hold up or
   * dead-letter the modules' own handling.
   */
  observe?: (event: DeliveredEvent) => Promise<void>;
  /**
   * Asked before each event: true once the worker is stopping. The event being
   * delivered is finished; the rest of the batch stays PENDING, untouched, for
   * whichever relay drains the tenant next.
   */
  stopping?: () => boolean;
  /** The company id of the tenant drained, named on the relay's traces. */
  tenant?: string;
  /**
   * Told, after each pass over an outbox, which modules' data the events it
   * handled may have changed: each event's source and its consumers, whatever
   * the outcome (a consumer may have committed before another failed). The
   * gateways' response caches hear it (docs/response-cache.md). Like `observe`,
   * it must not throw.
   *
   * Told too, after the tenant's outboxes are drained, which modules' tables
   * were written by anyone (source `data`, the marks of
   * migrations/tenant/data-changes.ts): the marks are cleared only when it
   * does not answer false (the announcement went out), else read again on the
   * next pass.
   */
  changed?: (modules: ReadonlySet<ModuleName>, source: 'event' | 'data') => Promise<boolean | void>;
}

export const DEFAULT_RELAY_OPTIONS: RelayOptions = { batchSize: 200, maxAttempts: 8, backoffBaseMillis: 500, backoffMaxMillis: 5 * 60_000 };

interface OutboxRow {
  id: string;
  seq: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
  request_id: string | null;
  trace_parent: string | null;
  attempts: number;
  next_attempt_at: Date;
}

export interface DrainReport {
  delivered: number;
  failed: number;
  dead: number;
}

export function backoffMillis(attempt: number, options: Pick<RelayOptions, 'backoffBaseMillis' | 'backoffMaxMillis'>): number {
  return Math.min(options.backoffMaxMillis, options.backoffBaseMillis * 2 ** Math.max(0, attempt - 1));
}

/**
 * Delivers one event to one consumer: the consumer's effect and its inbox row
 * commit in one transaction, so redelivery after a crash changes nothing.
 */
async function deliverTo<DB>(db: Kysely<DB>, consumer: EventConsumer, event: DeliveredEvent, options: RelayOptions): Promise<void> {
  const traced = {
    kind: 'consumer',
    linkTo: event.traceParent,
    attributes: tracingOn() ? eventAttributes(event, options, consumer.module) : undefined,
  } as const;
  await inSpan(`outbox consume ${event.type}`, traced, () => deliverInTransaction(db, consumer, event, options));
  options.faultPoint?.('after-consumer-commit', event);
}

/** A traced event's span attributes: whose, which module's, which request wrote it. */
function eventAttributes(event: DeliveredEvent, options: RelayOptions, module: ModuleName): Record<string, string> {
  return {
    ...(options.tenant ? { 'fluxo.tenant': options.tenant } : {}),
    // Lower case, as the subgraphs name their modules on their spans.
    'fluxo.module': module.toLowerCase(),
    'fluxo.source_module': event.source.toLowerCase(),
    'fluxo.event_type': event.type,
    'fluxo.event_id': event.id,
    ...(event.requestId ? { 'fluxo.request_id': event.requestId } : {}),
  };
}

async function deliverInTransaction<DB>(db: Kysely<DB>, consumer: EventConsumer, event: DeliveredEvent, options: RelayOptions): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const role = options.consumerRole?.(consumer.module);
    if (role) await sql`SET LOCAL ROLE ${sql.id(role)}`.execute(trx);
    const inserted = await sql<{ event_id: string }>`
      INSERT INTO ${sql.table(`${moduleSchema(consumer.module)}.inbox`)} (event_id, event_type, source)
      VALUES (${event.id}, ${event.type}, ${event.source})
      ON CONFLICT (event_id) DO NOTHING
      RETURNING event_id`.execute(trx);
    if (inserted.rows.length === 0) return; // handled before: at-least-once delivery, exactly-once effect
    await consumer.handle(trx as Transaction<unknown>, event); // the consumer knows its own tables
    options.faultPoint?.('before-consumer-commit', event);
  });
}

/**
 * One pass over one module's outbox in one tenant database: pending events in
 * sequence order, each to every interested consumer among the tenant's modules.
 * An event that fails blocks later events of the same aggregate in this pass,
 * which keeps per-aggregate order. An event from a module its consumers do not
 * accept its type from is dead-lettered at once (see unexpectedSource).
 */
export async function drainOutbox<DB>(
  db: Kysely<DB>,
  source: ModuleName,
  tenantModules: readonly ModuleName[],
  consumers: readonly EventConsumer[],
  logger: Logger,
  options: RelayOptions = DEFAULT_RELAY_OPTIONS,
): Promise<DrainReport> {
  const report: DrainReport = { delivered: 0, failed: 0, dead: 0 };
  const outbox = sql.table(`${moduleSchema(source)}.outbox`);
  const { rows } = await sql<OutboxRow>`
    SELECT id, seq, event_type, aggregate_type, aggregate_id, payload, occurred_at, request_id, trace_parent, attempts, next_attempt_at
    FROM ${outbox} WHERE status = 'PENDING' ORDER BY seq LIMIT ${options.batchSize}`.execute(db);
  const blocked = new Set<string>();
  const now = Date.now();
  const touched = new Set<ModuleName>();
  try {
    await relayRows(db, outbox, rows, source, tenantModules, consumers, logger, options, { report, blocked, touched, now });
  } finally {
    if (touched.size > 0) await options.changed?.(touched, 'event');
  }
  return report;
}

/** drainOutbox's loop over the rows it read; `touched` gathers the modules whose data the handled events may change. */
async function relayRows<DB>(
  db: Kysely<DB>,
  outbox: ReturnType<typeof sql.table>,
  rows: readonly OutboxRow[],
  source: ModuleName,
  tenantModules: readonly ModuleName[],
  consumers: readonly EventConsumer[],
  logger: Logger,
  options: RelayOptions,
  pass: { report: DrainReport; blocked: Set<string>; touched: Set<ModuleName>; now: number },
): Promise<void> {
  const { report, blocked, touched, now } = pass;
  for (const row of rows) {
    if (options.stopping?.()) break;
    const aggregate = `${row.aggregate_type}:${row.aggregate_id}`;
    if (blocked.has(aggregate)) continue;
    if (row.next_attempt_at.getTime() > now) {
      blocked.add(aggregate);
      continue;
    }
    const event: DeliveredEvent = {
      id: row.id,
      type: row.event_type,
      aggregateType: row.aggregate_type,
      aggregateId: row.aggregate_id,
      payload: row.payload,
      source,
      occurredAt: row.occurred_at,
      requestId: row.request_id,
      traceParent: row.trace_parent,
    };
    // Each event's relay is a trace of its own, linked to the request that wrote the event.
    const traced = {
      kind: 'consumer',
      root: true,
      linkTo: row.trace_parent,
      attributes: tracingOn() ? eventAttributes(event, options, source) : undefined,
    } as const;
    touched.add(source);
    for (const c of interestedIn(consumers, event, tenantModules)) touched.add(c.module);
    const outcome = await inSpan(`outbox relay ${row.event_type}`, traced, () =>
      relayEvent(db, outbox, event, row.attempts, tenantModules, consumers, logger, options),
    );
    if (outcome.blocks) blocked.add(aggregate);
    report[outcome.counts] += 1;
  }
}

/** The consumers of the tenant's other modules that take the event's type. */
function interestedIn(consumers: readonly EventConsumer[], event: DeliveredEvent, tenantModules: readonly ModuleName[]): EventConsumer[] {
  return consumers.filter((c) => c.module !== event.source && tenantModules.includes(c.module) && wants(c, event.type));
}

/** What relaying one event came to; a failed event blocks the later events of its aggregate in this pass. */
type RelayOutcome = { counts: keyof DrainReport; blocks: boolean };

/** Hands one event to every interested consumer and records the outcome in the outbox. */
async function relayEvent<DB>(
  db: Kysely<DB>,
  outbox: ReturnType<typeof sql.table>,
  event: DeliveredEvent,
  attempted: number,
  tenantModules: readonly ModuleName[],
  consumers: readonly EventConsumer[],
  logger: Logger,
  options: RelayOptions,
): Promise<RelayOutcome> {
  const { source, type } = event;
  const interested = interestedIn(consumers, event, tenantModules);
  const refusal = unexpectedSource(interested, type, source);
  if (refusal !== null) {
    // No retry can make the source right: dead at once, with the reason, and no consumer has seen it.
    logger.warn({ eventId: event.id, eventType: type, source, requestId: event.requestId, reason: refusal }, 'event from an unexpected source dead-lettered');
    await sql`UPDATE ${outbox} SET status = 'DEAD', attempts = attempts + 1, last_error = ${refusal} WHERE id = ${event.id}`.execute(db);
    return { counts: 'dead', blocks: false };
  }
  await options.observe?.(event);
  try {
    for (const consumer of interested) await deliverTo(db, consumer, event, options);
    await sql`UPDATE ${outbox} SET status = 'DELIVERED', delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ${event.id}`.execute(db);
    return { counts: 'delivered', blocks: false };
  } catch (error) {
    markFailed(error);
    const attempts = attempted + 1;
    const dead = attempts >= options.maxAttempts;
    const message = error instanceof Error ? error.message : String(error);
    logger.warn({ err: error, eventId: event.id, eventType: type, attempts, dead, requestId: event.requestId }, 'event delivery failed');
    await sql`
      UPDATE ${outbox} SET attempts = ${attempts}, last_error = ${message.slice(0, 2000)},
        status = ${dead ? 'DEAD' : 'PENDING'},
        next_attempt_at = now() + make_interval(secs => ${backoffMillis(attempts, options) / 1000})
      WHERE id = ${event.id}`.execute(db);
    return { counts: dead ? 'dead' : 'failed', blocks: true };
  }
}

/** Drains every module outbox of one tenant database until nothing is ready (bounded passes). */
export async function drainTenant<DB>(
  db: Kysely<DB>,
  tenantModules: readonly ModuleName[],
  consumers: readonly EventConsumer[],
  logger: Logger,
  options: RelayOptions = DEFAULT_RELAY_OPTIONS,
): Promise<DrainReport> {
  const total: DrainReport = { delivered: 0, failed: 0, dead: 0 };
  for (let pass = 0; pass < 20; pass += 1) {
    let progressed = 0;
    for (const source of tenantModules) {
      if (options.stopping?.()) break;
      const r = await drainOutbox(db, source, tenantModules, consumers, logger, options);
      options.onOutboxDrained?.(source, r);
      total.delivered += r.delivered;
      total.failed += r.failed;
      total.dead += r.dead;
      progressed += r.delivered;
    }
    // Consumers may publish events of their own; go round again while anything moved.
    if (progressed === 0 || options.stopping?.()) break;
  }
  if (options.changed) await announceDataChanges(db, tenantModules, options.changed);
  return total;
}

/** Announces the modules whose tables were written (consumers' writes of this drain included), then clears what it announced. */
async function announceDataChanges<DB>(db: Kysely<DB>, tenantModules: readonly ModuleName[], changed: NonNullable<RelayOptions['changed']>): Promise<void> {
  const marks = await readDataChanges(db, tenantModules);
  if (marks.size === 0) return;
  if ((await changed(new Set(marks.keys()), 'data')) === false) return;
  await clearDataChanges(db, marks);
}

/**
 * The advisory lock of the relay in a tenant database (advisory locks are per
 * database). Whoever holds it is the one relay of that tenant's outboxes.
 */
export const RELAY_LOCK = 7_236_491_001;

/**
 * drainTenant, by at most one relay per tenant database at a time: several
 * worker processes (replicas, or `npm start` next to a standalone worker) must
 * not deliver the same aggregate's events side by side, or a later event could
 * be delivered before an earlier one commits. The lock is a session lock on one
 * pinned connection, so a relay that dies releases it with its connection.
 * Null when another relay holds it: that one drains, and polling brings this
 * worker back anyway.
 */
export async function drainTenantExclusively<DB>(
  db: Kysely<DB>,
  tenantModules: readonly ModuleName[],
  consumers: readonly EventConsumer[],
  logger: Logger,
  options: RelayOptions = DEFAULT_RELAY_OPTIONS,
): Promise<DrainReport | null> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${RELAY_LOCK}::bigint) AS locked`.execute(conn);
    if (!rows[0]!.locked) return null;
    try {
      return await drainTenant(conn, tenantModules, consumers, logger, options);
    } finally {
      await sql`SELECT pg_advisory_unlock(${RELAY_LOCK}::bigint)`.execute(conn);
    }
  });
}
