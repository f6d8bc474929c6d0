import { sql, type Kysely } from 'kysely';

// The tenant's own append-only trail of every mutation, whichever module made it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE audit.audit_log (
      id          bigserial PRIMARY KEY,
      at          timestamptz NOT NULL DEFAULT now(),
      module      text NOT NULL,
      key_id      text,
      operation   text NOT NULL,
      entity      text NOT NULL,
      entity_id   text,
      before      jsonb,
      after       jsonb,
      request_id  text
    )`.execute(db);
  await sql`CREATE INDEX audit_log_entity ON audit.audit_log (entity, entity_id, at)`.execute(db);
  await sql`
    CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit.audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit.audit_log FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()`.execute(db);
  await sql`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit.audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS audit.audit_log`.execute(db);
  await sql`DROP FUNCTION IF EXISTS audit.refuse_change()`.execute(db);
}
