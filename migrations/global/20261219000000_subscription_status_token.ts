import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// A requester follows their own subscription request with a status token
// handed out once when they ask. Only its SHA-256 hash is kept, so a copy of
// the control plane does not let anyone read requests as their requesters.
// Requests made before this have no token.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE subscription_request ADD COLUMN status_token_hash bytea CHECK (length(status_token_hash) = 32)`.execute(db);
  await sql`CREATE UNIQUE INDEX subscription_request_status_token ON subscription_request (status_token_hash)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS subscription_request_status_token`.execute(db);
  await sql`ALTER TABLE subscription_request DROP COLUMN IF EXISTS status_token_hash`.execute(db);
}
