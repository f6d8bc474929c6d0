import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// An audit row named only the access key, never the person: a session has no
// key, and a personal token's key hides whose it is. Each row now also records
// the person acting, their e-mail at the time (a later change of address must
// not rewrite history), the kind of credential they came through, and the
// client's address. Older rows keep nulls: nobody knows who they were.
// Nullable columns without defaults: adding them rewrites no row, so the
// append-only triggers stay quiet.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE audit.audit_log
      ADD COLUMN actor_user_id  uuid,
      ADD COLUMN actor_email    text,
      ADD COLUMN credential     text CHECK (credential IN ('ACCESS_KEY', 'PERSONAL_TOKEN', 'SESSION', 'OIDC', 'ADMIN_TOKEN', 'CLI', 'EVENT')),
      ADD COLUMN client_address text`.execute(db);
  // "What did this person do?" is the question the new columns exist for.
  await sql`CREATE INDEX audit_log_actor_user ON audit.audit_log (actor_user_id, at) WHERE actor_user_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS audit.audit_log_actor_user`.execute(db);
  await sql`
    ALTER TABLE audit.audit_log
      DROP COLUMN IF EXISTS actor_user_id,
      DROP COLUMN IF EXISTS actor_email,
      DROP COLUMN IF EXISTS credential,
      DROP COLUMN IF EXISTS client_address`.execute(db);
}
