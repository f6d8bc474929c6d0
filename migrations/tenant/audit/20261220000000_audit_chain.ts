import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// The tenant's audit trail becomes one hash chain: each row carries the hash
// of the row before it and a SHA-256 over its own content and that hash, so an
// altered, removed or reordered row breaks the chain where it happened.
//
// The database computes the chain, not the writers: every module appends
// through the same BEFORE INSERT trigger. The trigger locks the one-row chain
// head (FOR UPDATE) so concurrent writers append one after the other, and
// takes the row's id from the sequence only once it holds that lock, so the
// chain order is the id order (the id the column default drew is left as a
// gap). sha256(bytea) is built into PostgreSQL 11+; pgcrypto is not needed.
// The trigger function is SECURITY DEFINER so module roles need no grant on
// the chain head.
//
// Purging old rows (the only deletion ever allowed) goes through
// audit.purge_audit_before, SECURITY DEFINER as well: it sets the transaction
// setting fluxo.audit_purge, which the append-only trigger honours only for the
// table's owner, so a module role setting it itself still cannot delete. The
// purge keeps the hash of its last row in audit.audit_purge_anchor (which
// takes rows from the purge only, the same way): the chain that remains
// starts from it.
//
// Existing rows are chained in id order here. The append-only trigger refuses
// UPDATE, so this migration (run as the table's owner) disables it for the
// back-fill and enables it again in the same transaction.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit.audit_log ADD COLUMN prev_hash text, ADD COLUMN hash text`.execute(db);
  await sql`
    CREATE TABLE audit.audit_chain_head (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      last_id  bigint,
      hash     text
    )`.execute(db);
  await sql`
    CREATE TABLE audit.audit_purge_anchor (
      id          bigserial PRIMARY KEY,
      purged_at   timestamptz NOT NULL DEFAULT now(),
      cutoff      timestamptz NOT NULL,
      first_id    bigint NOT NULL,
      last_id     bigint NOT NULL,
      first_at    timestamptz NOT NULL,
      last_at     timestamptz NOT NULL,
      row_count   bigint NOT NULL,
      last_hash   text NOT NULL
    )`.execute(db);
  // The canonical encoding: a JSON array in a fixed column order (jsonb's text
  // form is deterministic), the instant as microseconds since the epoch so the
  // session's time zone cannot change it, then the previous hash.
  await sql`
    CREATE FUNCTION audit.audit_row_hash(r audit.audit_log, prev text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT encode(sha256(convert_to(
        jsonb_build_array(
          r.id, floor(extract(epoch FROM r.at) * 1000000)::bigint, r.module, r.key_id, r.actor_user_id, r.actor_email,
          r.credential, r.client_address, r.operation, r.entity, r.entity_id, r.before, r.after, r.request_id
        )::text || '|' || coalesce(prev, ''), 'UTF8')), 'hex')
    $$`.execute(db);
  await sql`
    CREATE FUNCTION audit.chain_audit_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
    DECLARE
      head audit.audit_chain_head;
    BEGIN
      SELECT * INTO head FROM audit.audit_chain_head FOR UPDATE;
      NEW.id := nextval('audit.audit_log_id_seq');
      NEW.prev_hash := head.hash;
      NEW.hash := audit.audit_row_hash(NEW, head.hash);
      UPDATE audit.audit_chain_head SET last_id = NEW.id, hash = NEW.hash;
      RETURN NEW;
    END $$`.execute(db);
  // Module roles may INSERT into every table of the audit schema (their grant
  // covers tables to come): an anchor is accepted only from the purge itself.
  await sql`
    CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('DELETE', 'INSERT') AND current_setting('fluxo.audit_purge', true) = 'on'
         AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
      END IF;
      RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`ALTER TABLE audit.audit_log DISABLE TRIGGER audit_log_append_only`.execute(db);
  await sql`
    DO $$
    DECLARE
      r audit.audit_log;
      prev text;
    BEGIN
      FOR r IN SELECT * FROM audit.audit_log ORDER BY id LOOP
        r.prev_hash := prev;
        r.hash := audit.audit_row_hash(r, prev);
        UPDATE audit.audit_log SET prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        prev := r.hash;
      END LOOP;
      INSERT INTO audit.audit_chain_head (last_id, hash) SELECT max(id), prev FROM audit.audit_log;
    END $$`.execute(db);
  await sql`ALTER TABLE audit.audit_log ENABLE TRIGGER audit_log_append_only`.execute(db);
  await sql`ALTER TABLE audit.audit_log ALTER COLUMN hash SET NOT NULL`.execute(db);
  await sql`CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit.audit_log FOR EACH ROW EXECUTE FUNCTION audit.chain_audit_row()`.execute(db);
  await sql`CREATE TRIGGER audit_purge_anchor_guard BEFORE INSERT OR UPDATE OR DELETE ON audit.audit_purge_anchor FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()`.execute(
    db,
  );
  // Deletes the oldest rows up to the first one at or after the cutoff: always
  // a prefix of the chain, so what remains still links to the anchor.
  await sql`
    CREATE FUNCTION audit.purge_audit_before(cutoff timestamptz) RETURNS audit.audit_purge_anchor
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
    DECLARE
      bound bigint;
      anchor audit.audit_purge_anchor;
    BEGIN
      SELECT min(id) INTO bound FROM audit.audit_log WHERE at >= cutoff;
      SELECT min(id), max(id), min(at), max(at), count(*) INTO anchor.first_id, anchor.last_id, anchor.first_at, anchor.last_at, anchor.row_count
        FROM audit.audit_log WHERE bound IS NULL OR id < bound;
      IF anchor.row_count = 0 THEN
        RETURN NULL;
      END IF;
      SELECT hash INTO anchor.last_hash FROM audit.audit_log WHERE id = anchor.last_id;
      PERFORM set_config('fluxo.audit_purge', 'on', true);
      DELETE FROM audit.audit_log WHERE id <= anchor.last_id;
      INSERT INTO audit.audit_purge_anchor (cutoff, first_id, last_id, first_at, last_at, row_count, last_hash)
        VALUES (cutoff, anchor.first_id, anchor.last_id, anchor.first_at, anchor.last_at, anchor.row_count, anchor.last_hash)
        RETURNING * INTO anchor;
      PERFORM set_config('fluxo.audit_purge', 'off', true);
      RETURN anchor;
    END $$`.execute(db);
  await sql`REVOKE EXECUTE ON FUNCTION audit.purge_audit_before(timestamptz) FROM PUBLIC`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS audit_log_chain ON audit.audit_log`.execute(db);
  await sql`DROP FUNCTION IF EXISTS audit.purge_audit_before(timestamptz)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS audit.chain_audit_row()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS audit.audit_row_hash(audit.audit_log, text)`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit.audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`DROP TABLE IF EXISTS audit.audit_purge_anchor`.execute(db);
  await sql`DROP TABLE IF EXISTS audit.audit_chain_head`.execute(db);
  await sql`ALTER TABLE audit.audit_log DROP COLUMN IF EXISTS prev_hash, DROP COLUMN IF EXISTS hash`.execute(db);
}
