import { sql, type Kysely } from 'kysely';

// Idempotency keys are kept at least 24 hours and then purged, oldest first,
// as new keys are claimed: the purge reads them by age.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX idempotency_key_by_age ON finance.idempotency_key (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS finance.idempotency_key_by_age`.execute(db);
}
