import { sql, type Kysely } from 'kysely';

/**
 * Tables of a module schema whose writes change no answer: the outbox and
 * inbox (the relay's own bookkeeping, which would otherwise announce itself on
 * every pass), the change marks themselves and kysely's migration history.
 */
export const UNWATCHED_TABLES = ['outbox', 'inbox', 'data_change', 'kysely_migration', 'kysely_migration_lock'] as const;

/**
 * Makes a module schema record that its data changed, for any writer: a
 * mutation, a consumer, a retention job, a tool or an operator's SQL. Every
 * table gets a statement trigger (insert, update, delete, truncate) that
 * writes one row to `<schema>.data_change` per transaction, visible when the
 * transaction commits and gone with it when it rolls back. The relay reads
 * the marks on its next pass, announces the module's change to every
 * gateway's response cache and deletes what it announced
 * (docs/response-cache.md). The trigger sends no NOTIFY: PostgreSQL queues a
 * transaction's notifications under one cluster-wide lock at commit, a cost
 * every write would pay for a wake-up that only writes made without the
 * gateway need (the gateway announces its own mutations at once).
 *
 * The first version, as migrations of 2026-12-24 ran it: a migration that uses
 * it must keep doing the same thing, so a change is a new function.
 */
export async function watchDataChangesV1(db: Kysely<any>, schema: string): Promise<void> {
  const s = sql.id(schema);
  await sql`
    CREATE TABLE ${s}.data_change (
      id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      changed_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // A transaction-local setting keeps it to one row per transaction and
  // module: a rolled-back savepoint takes both the row and the setting back.
  const setting = sql.lit(`fluxo.data_changed_${schema}`);
  await sql`
    CREATE FUNCTION ${s}.note_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting(${setting}, true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config(${setting}, 'on', true);
        INSERT INTO ${s}.data_change DEFAULT VALUES;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await watchTablesV1(db, schema);
}

/** Puts the change trigger on every table of the schema that lacks it, outside UNWATCHED_TABLES. */
export async function watchTablesV1(db: Kysely<any>, schema: string): Promise<void> {
  const { rows } = await sql<{ table: string }>`
    SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND c.relname <> ALL (${sql.val([...UNWATCHED_TABLES])}::text[])
      AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'data_change_watch')
    ORDER BY c.relname`.execute(db);
  for (const { table } of rows) {
    await sql`CREATE TRIGGER data_change_watch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${sql.id(schema, table)}
      FOR EACH STATEMENT EXECUTE FUNCTION ${sql.id(schema)}.note_data_change()`.execute(db);
  }
}

export async function unwatchDataChangesV1(db: Kysely<any>, schema: string): Promise<void> {
  const s = sql.id(schema);
  await sql`DROP FUNCTION IF EXISTS ${s}.note_data_change() CASCADE`.execute(db);
  await sql`DROP TABLE IF EXISTS ${s}.data_change`.execute(db);
}
