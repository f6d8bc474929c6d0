import { sql, type Kysely } from 'kysely';

// Tenant custom fields on employees (docs/custom-fields.md): the company's definitions, the values as one JSONB
// object per employee, and a function that builds the indexes of a filterable or searchable definition.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE employees.custom_field_definition (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      key             text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
      label           text NOT NULL,
      description     text,
      help_text       text,
      type            text NOT NULL,
      required        boolean NOT NULL DEFAULT false,
      default_value   jsonb,
      options         jsonb NOT NULL DEFAULT '[]',
      validation      jsonb NOT NULL DEFAULT '{}',
      searchable      boolean NOT NULL DEFAULT false,
      filterable      boolean NOT NULL DEFAULT false,
      read_permission text,
      position        integer NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now(),
      archived_at     timestamptz
    )`.execute(db);
  await sql`ALTER TABLE employees.employee ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}'`.execute(db);
  await sql.raw(indexFunction('employees', 'employee', 'last_name, first_name, id')).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS employees.custom_field_indexes(text, text, boolean, boolean)`.execute(db);
  await sql`ALTER TABLE employees.employee DROP COLUMN IF EXISTS custom_fields`.execute(db);
  await sql`DROP TABLE IF EXISTS employees.custom_field_definition`.execute(db);
}

/**
 * (Re)builds the indexes of one definition: a b-tree on the typed value followed by the list's order, so an
 * equality filter walks the list already sorted, and a trigram index for `contains` on text. The function is the
 * owner's (SECURITY DEFINER): a module's login may not create indexes on a table it does not own, and this way it
 * can build only these. The key is checked against the definition table's own rule before it reaches DDL.
 * Frozen here, not imported: the same text is in the assets migration of the same date.
 */
function indexFunction(schema: string, table: string, order: string): string {
  return `
CREATE FUNCTION ${schema}.custom_field_indexes(p_key text, p_type text, p_filterable boolean, p_searchable boolean)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
DECLARE
  value_expr text;
BEGIN
  IF p_key !~ '^[a-z][a-z0-9_]{0,39}$' THEN
    RAISE EXCEPTION 'invalid custom field key %', p_key;
  END IF;
  EXECUTE format('DROP INDEX IF EXISTS ${schema}.%I', 'cf_${table}_' || p_key);
  EXECUTE format('DROP INDEX IF EXISTS ${schema}.%I', 'cf_${table}_' || p_key || '_text');
  value_expr := CASE p_type
    -- A value that does not cast gives null, never an error: CREATE INDEX also reads row versions that a type
    -- change has just rewritten but that an older snapshot may still see, holding the values from before it.
    WHEN 'INTEGER' THEN format('(CASE WHEN (custom_fields ->> %L) ~ %L THEN (custom_fields ->> %L)::bigint END)', p_key, '^-?[0-9]{1,18}$', p_key)
    WHEN 'DECIMAL' THEN format('(CASE WHEN (custom_fields ->> %L) ~ %L THEN (custom_fields ->> %L)::numeric END)', p_key, '^-?[0-9]{1,30}([.][0-9]{1,30})?$', p_key)
    WHEN 'BOOLEAN' THEN format('(CASE WHEN (custom_fields ->> %L) ~ %L THEN (custom_fields ->> %L)::boolean END)', p_key, '^(true|false)$', p_key)
    WHEN 'MULTI_SELECT' THEN NULL
    ELSE format('(custom_fields ->> %L)', p_key)
  END;
  IF p_filterable AND p_type = 'MULTI_SELECT' THEN
    EXECUTE format('CREATE INDEX %I ON ${schema}.${table} USING gin ((custom_fields -> %L) jsonb_path_ops)', 'cf_${table}_' || p_key, p_key);
  ELSIF p_filterable THEN
    EXECUTE format('CREATE INDEX %I ON ${schema}.${table} (%s, ${order})', 'cf_${table}_' || p_key, value_expr);
  END IF;
  IF p_searchable AND p_type IN ('TEXT', 'LONG_TEXT') THEN
    EXECUTE format('CREATE INDEX %I ON ${schema}.${table} USING gin ((custom_fields ->> %L) public.gin_trgm_ops)', 'cf_${table}_' || p_key || '_text', p_key);
  END IF;
END
$fn$`;
}
