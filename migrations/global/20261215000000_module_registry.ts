import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// The control plane used to list the module names in four CHECK constraints,
// so a new module meant a migration rewriting all four. Now the names live in
// one table that the platform fills from platform/modules.ts each time it
// migrates (registerModules in platform/migrations.ts), and a trigger holds
// every `modules` column to it. Rows are only ever added: old rows may still
// name a module.
const TABLES = ['plan', 'subscription_request', 'company', 'access_key'] as const;
// The tables whose CHECK also required at least one module.
const NON_EMPTY = ['plan', 'subscription_request'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE module (name text PRIMARY KEY CHECK (name ~ '^[A-Z][A-Z0-9_]{1,31}$'))`.execute(db);
  await sql`INSERT INTO module (name) VALUES ('ASSETS'), ('EMPLOYEES'), ('FINANCE'), ('PAYROLL')`.execute(db);
  // Same SQLSTATE as the CHECK constraints it replaces (23514).
  await sql`
    CREATE FUNCTION modules_are_known() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM unnest(NEW.modules) AS m WHERE m IS NULL OR NOT EXISTS (SELECT 1 FROM module WHERE module.name = m)) THEN
        RAISE EXCEPTION 'new row for relation "%" names a module the platform does not know: %', TG_TABLE_NAME, NEW.modules
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  for (const table of TABLES) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.ref(`${table}_modules_check`)}`.execute(db);
    await sql`
      CREATE TRIGGER ${sql.ref(`${table}_modules_known`)} BEFORE INSERT OR UPDATE OF modules ON ${sql.table(table)}
        FOR EACH ROW EXECUTE FUNCTION modules_are_known()`.execute(db);
  }
  for (const table of NON_EMPTY) {
    await sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.ref(`${table}_modules_not_empty`)} CHECK (cardinality(modules) > 0)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of NON_EMPTY) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.ref(`${table}_modules_not_empty`)}`.execute(db);
  }
  for (const table of TABLES) {
    await sql`DROP TRIGGER ${sql.ref(`${table}_modules_known`)} ON ${sql.table(table)}`.execute(db);
    const nonEmpty = (NON_EMPTY as readonly string[]).includes(table) ? sql` AND cardinality(modules) > 0` : sql``;
    await sql`
      ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.ref(`${table}_modules_check`)}
        CHECK (modules <@ ARRAY['ASSETS','EMPLOYEES','FINANCE','PAYROLL']${nonEmpty})`.execute(db);
  }
  await sql`DROP FUNCTION modules_are_known()`.execute(db);
  await sql`DROP TABLE module`.execute(db);
}
