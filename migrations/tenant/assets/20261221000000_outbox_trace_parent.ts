import { sql, type Kysely } from 'kysely';

// The W3C traceparent of the request that wrote an event (null when it was not
// traced), so the relay's and consumers' spans link back to it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE assets.outbox ADD COLUMN trace_parent text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE assets.outbox DROP COLUMN IF EXISTS trace_parent`.execute(db);
}
