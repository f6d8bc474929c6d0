import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// The control plane's audit log becomes one hash chain: each row carries the
// hash of the row before it and a SHA-256 over its own content and that hash,
// so an altered, removed or reordered row breaks the chain where it happened.
// The database computes it in a BEFORE INSERT trigger (sha256(bytea) is built
// into PostgreSQL 11+; pgcrypto is not needed). The trigger locks the one-row
// chain head (FOR UPDATE) so concurrent writers append one after the other,
// and draws the row's id only once it holds that lock, so the chain order is
// the id order. SECURITY DEFINER: the services' roles need no grant on the head.
//
// Existing rows are chained in id order here. The append-only trigger refuses
// UPDATE, so this migration (run as the table's owner) disables it for the
// back-fill and enables it again in the same transaction.
//
// Each company also gets how many years its tenant audit must be kept: five
// unless the operator says otherwise; `fluxo audit purge` never deletes newer.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE company ADD COLUMN audit_retention_years integer NOT NULL DEFAULT 5 CHECK (audit_retention_years BETWEEN 1 AND 100)`.execute(db);
  await sql`ALTER TABLE audit_log ADD COLUMN prev_hash text, ADD COLUMN hash text`.execute(db);
  await sql`
    CREATE TABLE audit_chain_head (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      last_id  bigint,
      hash     text
    )`.execute(db);
  // The canonical encoding: a JSON array in a fixed column order (jsonb's text
  // form is deterministic), the instant as microseconds since the epoch so the
  // session's time zone cannot change it, then the previous hash.
  await sql`
    CREATE FUNCTION audit_row_hash(r audit_log, prev text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT encode(sha256(convert_to(
        jsonb_build_array(
          r.id, floor(extract(epoch FROM r.at) * 1000000)::bigint, r.actor_kind, r.actor_id, r.actor_user_id, r.actor_email,
          r.credential, r.client_address, r.operation, r.entity, r.entity_id, r.before, r.after, r.request_id
        )::text || '|' || coalesce(prev, ''), 'UTF8')), 'hex')
    $$`.execute(db);
  await sql`
    CREATE FUNCTION chain_audit_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DECLARE
      head audit_chain_head;
    BEGIN
      SELECT * INTO head FROM audit_chain_head FOR UPDATE;
      NEW.id := nextval('audit_log_id_seq');
      NEW.prev_hash := head.hash;
      NEW.hash := audit_row_hash(NEW, head.hash);
      UPDATE audit_chain_head SET last_id = NEW.id, hash = NEW.hash;
      RETURN NEW;
    END $$`.execute(db);
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(db);
  await sql`
    DO $$
    DECLARE
      r audit_log;
      prev text;
    BEGIN
      FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
        r.prev_hash := prev;
        r.hash := audit_row_hash(r, prev);
        UPDATE audit_log SET prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        prev := r.hash;
      END LOOP;
      INSERT INTO audit_chain_head (last_id, hash) SELECT max(id), prev FROM audit_log;
    END $$`.execute(db);
  await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`.execute(db);
  await sql`ALTER TABLE audit_log ALTER COLUMN hash SET NOT NULL`.execute(db);
  await sql`CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION chain_audit_row()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS audit_log_chain ON audit_log`.execute(db);
  await sql`DROP FUNCTION IF EXISTS chain_audit_row()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS audit_row_hash(audit_log, text)`.execute(db);
  await sql`DROP TABLE IF EXISTS audit_chain_head`.execute(db);
  await sql`ALTER TABLE audit_log DROP COLUMN IF EXISTS prev_hash, DROP COLUMN IF EXISTS hash`.execute(db);
  await sql`ALTER TABLE company DROP COLUMN IF EXISTS audit_retention_years`.execute(db);
}
