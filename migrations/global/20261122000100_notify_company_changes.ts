import { sql, type Kysely } from 'kysely';

// Gateways cache verified keys together with their company's modules and
// tenant status; changing either must reach every gateway at once, like a
// revocation does. The payload `company:<id>` asks them to drop all its keys.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION company_modules_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('fluxo_access_key_changed', 'company:' || NEW.id::text);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER company_modules_changed AFTER UPDATE OF modules ON company
      FOR EACH ROW WHEN (OLD.modules IS DISTINCT FROM NEW.modules) EXECUTE FUNCTION company_modules_notify_change()`.execute(db);
  await sql`
    CREATE FUNCTION tenant_status_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('fluxo_access_key_changed', 'company:' || NEW.company_id::text);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER tenant_status_changed AFTER UPDATE OF status, database_name, shard ON tenant
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.database_name IS DISTINCT FROM NEW.database_name OR OLD.shard IS DISTINCT FROM NEW.shard)
      EXECUTE FUNCTION tenant_status_notify_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS tenant_status_changed ON tenant`.execute(db);
  await sql`DROP TRIGGER IF EXISTS company_modules_changed ON company`.execute(db);
  await sql`DROP FUNCTION IF EXISTS tenant_status_notify_change()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS company_modules_notify_change()`.execute(db);
}
