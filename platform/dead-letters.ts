import { sql, type Kysely } from 'kysely';
import { moduleSchema, type ModuleName } from './modules';
import { acrossOutboxes } from './outbox';

export interface DeadEvent {
  id: string;
  module: ModuleName;
  eventType: string;
  aggregate: string;
  attempts: number;
  lastError: string | null;
  occurredAt: Date;
  /** occurredAt with PostgreSQL's microseconds, for keyset cursors: a Date keeps only milliseconds. */
  position: string;
}

/** Which dead events to read: oldest first, after a (position, id) keyset cursor, at most `limit`, or only `ids`. */
export interface DeadEventFilter {
  after?: { position: string; id: string } | null;
  limit?: number;
  ids?: readonly string[];
}

interface DeadEventRow {
  id: string;
  module: ModuleName;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  attempts: number;
  last_error: string | null;
  occurred_at: Date;
  position: string;
}

/** Each module's outbox as one relation, so a tenant's dead events are read in one statement whatever its modules. */
function deadOutboxes(modules: readonly ModuleName[]) {
  return acrossOutboxes(
    modules,
    (module, outbox) => sql`
        SELECT id, ${module}::text AS module, event_type, aggregate_type, aggregate_id, attempts, last_error, occurred_at,
               to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position
        FROM ${outbox} WHERE status = 'DEAD'`,
  );
}

function deadEventWhere(filter: DeadEventFilter) {
  const conditions = [sql`true`];
  if (filter.after) conditions.push(sql`(occurred_at, id) > (${filter.after.position}::timestamptz, ${filter.after.id}::uuid)`);
  if (filter.ids) conditions.push(sql`id = ANY(${filter.ids as string[]}::uuid[])`);
  return sql.join(conditions, sql` AND `);
}

/** Events of one tenant database that exhausted their retries, oldest first. */
export async function listDeadEvents<DB>(db: Kysely<DB>, modules: readonly ModuleName[], filter: DeadEventFilter = {}): Promise<DeadEvent[]> {
  if (modules.length === 0) return [];
  const limit = filter.limit === undefined ? sql`` : sql`LIMIT ${filter.limit}`;
  const { rows } = await sql<DeadEventRow>`
    SELECT * FROM (${deadOutboxes(modules)}) dead WHERE ${deadEventWhere(filter)} ORDER BY occurred_at, id ${limit}`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    module: r.module,
    eventType: r.event_type,
    aggregate: `${r.aggregate_type}:${r.aggregate_id}`,
    attempts: r.attempts,
    lastError: r.last_error,
    occurredAt: r.occurred_at,
    position: r.position,
  }));
}

/** How many events of one tenant database are dead. */
export async function countDeadEvents<DB>(db: Kysely<DB>, modules: readonly ModuleName[]): Promise<number> {
  if (modules.length === 0) return 0;
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM (${deadOutboxes(modules)}) dead`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Puts dead events back in the queue with a fresh retry budget (all of them, or
 * the ids given). Returns how many were re-queued.
 */
export async function replayDeadEvents<DB>(db: Kysely<DB>, modules: readonly ModuleName[], ids?: readonly string[]): Promise<number> {
  let count = 0;
  for (const module of modules) {
    const outbox = sql.table(`${moduleSchema(module)}.outbox`);
    const filter = ids && ids.length > 0 ? sql`AND id = ANY(${ids as string[]}::uuid[])` : sql``;
    const result = await sql`
      UPDATE ${outbox} SET status = 'PENDING', attempts = 0, next_attempt_at = now(), last_error = NULL
      WHERE status = 'DEAD' ${filter}`.execute(db);
    count += Number(result.numAffectedRows ?? 0);
  }
  return count;
}
