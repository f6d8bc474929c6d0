import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// The operator reads the audit log newest first, a page at a time (keyset on
// id), filtered by action, entity or actor. Each index leads with the filter's
// column and ends with id, so a filtered page is an index range read backwards
// instead of a scan of the whole log. The entity filter reuses
// audit_log_entity; by person, audit_log_actor_user.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX audit_log_operation ON audit_log (operation, id)`.execute(db);
  await sql`CREATE INDEX audit_log_actor_email ON audit_log (lower(actor_email), id) WHERE actor_email IS NOT NULL`.execute(db);
  await sql`CREATE INDEX audit_log_actor_id ON audit_log (actor_id, id) WHERE actor_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS audit_log_operation`.execute(db);
  await sql`DROP INDEX IF EXISTS audit_log_actor_email`.execute(db);
  await sql`DROP INDEX IF EXISTS audit_log_actor_id`.execute(db);
}
