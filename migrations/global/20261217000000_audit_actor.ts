import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// The control plane's audit named an actor kind and a key id, never the
// person: an operator or a company administrator signed in with a session left
// no trace of who they were. Each row now also records the person acting,
// their e-mail at the time (a later change of address must not rewrite
// history), the kind of credential they came through, and the client's
// address. Older rows keep nulls. No foreign key to app_user: the audit must
// outlive whatever happens to the account it names.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE audit_log
      ADD COLUMN actor_user_id  uuid,
      ADD COLUMN actor_email    text,
      ADD COLUMN credential     text CHECK (credential IN ('ACCESS_KEY', 'PERSONAL_TOKEN', 'SESSION', 'OIDC', 'ADMIN_TOKEN', 'CLI', 'EVENT')),
      ADD COLUMN client_address text`.execute(db);
  await sql`CREATE INDEX audit_log_actor_user ON audit_log (actor_user_id, at) WHERE actor_user_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS audit_log_actor_user`.execute(db);
  await sql`
    ALTER TABLE audit_log
      DROP COLUMN IF EXISTS actor_user_id,
      DROP COLUMN IF EXISTS actor_email,
      DROP COLUMN IF EXISTS credential,
      DROP COLUMN IF EXISTS client_address`.execute(db);
}
