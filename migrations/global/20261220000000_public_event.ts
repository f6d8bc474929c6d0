import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// Public events of every company, written by the worker from the modules'
// outboxes: webhooks and live updates read them from here. The id is the
// internal event's, so recording one twice changes nothing; seq orders them.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE public_event (
      id uuid PRIMARY KEY,
      seq bigserial NOT NULL UNIQUE,
      company_id uuid NOT NULL REFERENCES company (id) ON DELETE CASCADE,
      type text NOT NULL,
      module text NOT NULL,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      payload jsonb NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX public_event_company_seq ON public_event (company_id, seq)`.execute(db);
  await sql`CREATE INDEX public_event_recorded_at ON public_event (recorded_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS public_event`.execute(db);
}
