import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// Webhook endpoints of a company and the deliveries of public events to them.
// A delivery is one event for one endpoint, queued in the same transaction
// that records the event; each attempt at it is a row of its own, for the
// console. The runner leases a due delivery by moving next_attempt_at past its
// timeout, so a worker that dies mid-request only delays it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE webhook_endpoint (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      company_id uuid NOT NULL REFERENCES company (id) ON DELETE CASCADE,
      url text NOT NULL,
      description text NOT NULL DEFAULT '',
      event_types text[] NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      disabled_at timestamptz,
      disabled_reason text,
      secret text NOT NULL,
      previous_secret text,
      previous_secret_expires_at timestamptz,
      failing_since timestamptz,
      consecutive_failures integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX webhook_endpoint_company ON webhook_endpoint (company_id)`.execute(db);
  await sql`
    CREATE TABLE webhook_delivery (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
      event_id uuid NOT NULL REFERENCES public_event (id) ON DELETE CASCADE,
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (endpoint_id, event_id)
    )`.execute(db);
  await sql`CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'PENDING'`.execute(db);
  await sql`
    CREATE TABLE webhook_delivery_attempt (
      id bigserial PRIMARY KEY,
      delivery_id uuid NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
      event_id uuid NOT NULL,
      attempt integer NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      status_code integer,
      latency_ms integer NOT NULL,
      response_body text,
      error text,
      next_attempt_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX webhook_delivery_attempt_endpoint ON webhook_delivery_attempt (endpoint_id, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS webhook_delivery_attempt, webhook_delivery, webhook_endpoint`.execute(db);
}
