import { sql, type Kysely } from 'kysely';
import { moduleSchema, type ModuleName } from '../platform/modules';

export interface DeadEvent {
  id: string;
  module: ModuleName;
  eventType: string;
  aggregate: string;
  attempts: number;
  lastError: string | null;
  occurredAt: Date;
}

/** Events of one tenant database that exhausted their retries. */
export async function listDeadEvents<DB>(db: Kysely<DB>, modules: readonly ModuleName[]): Promise<DeadEvent[]> {
  const dead: DeadEvent[] = [];
  for (const module of modules) {
    const { rows } = await sql<{
      id: string;
      event_type: string;
      aggregate_type: string;
      aggregate_id: string;
      attempts: number;
      last_error: string | null;
      occurred_at: Date;
    }>`
      SELECT id, event_type, aggregate_type, aggregate_id, attempts, last_error, occurred_at
      FROM ${sql.table(`${moduleSchema(module)}.outbox`)} WHERE status = 'DEAD' ORDER BY seq`.execute(db);
    dead.push(
      ...rows.map((r) => ({
        id: r.id,
        module,
        eventType: r.event_type,
        aggregate: `${r.aggregate_type}:${r.aggregate_id}`,
        attempts: r.attempts,
        lastError: r.last_error,
        occurredAt: r.occurred_at,
      })),
    );
  }
  return dead;
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
