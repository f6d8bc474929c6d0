import { sql, type Kysely } from 'kysely';

// Idempotency keys of the employee directory's business-record and money-moving mutations, like
// finance's: key → what the first request asked (SHA-256 of its canonical
// input) and what it produced. Kept at least 24 hours; created_at is indexed
// so the oldest can be purged as new ones arrive.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE employees.idempotency_key (
      key           text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
      operation     text NOT NULL,
      request_hash  text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
      result_ids    uuid[] NOT NULL DEFAULT '{}',
      created_at    timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX idempotency_key_by_age ON employees.idempotency_key (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS employees.idempotency_key`.execute(db);
}
