import { sql, type Kysely } from 'kysely';

// Every module's schema starts with its event tables: the outbox it writes in the
// same transaction as a change, and the inbox that makes its consumers idempotent.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE finance.outbox (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq            bigserial UNIQUE,
      event_type     text NOT NULL,
      aggregate_type text NOT NULL,
      aggregate_id   text NOT NULL,
      payload        jsonb NOT NULL,
      occurred_at    timestamptz NOT NULL DEFAULT now(),
      request_id     text,
      status         text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','DELIVERED','DEAD')),
      attempts       integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error     text,
      delivered_at   timestamptz
    )`.execute(db);
  await sql`CREATE INDEX outbox_pending ON finance.outbox (next_attempt_at, seq) WHERE status = 'PENDING'`.execute(db);
  await sql`
    CREATE TABLE finance.inbox (
      event_id     uuid PRIMARY KEY,
      event_type   text NOT NULL,
      source       text NOT NULL,
      handled_at   timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS finance.inbox`.execute(db);
  await sql`DROP TABLE IF EXISTS finance.outbox`.execute(db);
}
