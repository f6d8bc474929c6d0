import { sql, type Kysely } from 'kysely';
import { moduleSchema, type ModuleName } from '../platform/modules';
import type { EventConsumer } from '../subgraphs/kit/events';

/**
 * When a company adds a module, that module's consumers have missed every
 * event published before (the relay delivers only to subscribed modules).
 * Putting those delivered events back in the queue lets the relay hand them
 * over in their original order; consumers that already handled them find
 * their ids in their inboxes and do nothing. Returns the events re-queued.
 */
export async function requeueHistoryFor(
  db: Kysely<any>,
  added: readonly ModuleName[],
  existing: readonly ModuleName[],
  consumers: readonly EventConsumer[],
): Promise<number> {
  const wanted = new Set(consumers.filter((c) => added.includes(c.module)).flatMap((c) => c.eventTypes));
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
  if (requeued > 0) await sql`SELECT pg_notify('fluxo_outbox', 'history')`.execute(db);
  return requeued;
}
