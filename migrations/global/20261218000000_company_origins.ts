import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// A company names the browser origins of its own console; gateways allow
// those origins for that company's callers only, and hear of a change at once.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE company ADD COLUMN cors_origins text[] NOT NULL DEFAULT '{}'`.execute(db);
  await sql`
    CREATE TRIGGER company_origins_changed AFTER UPDATE OF cors_origins ON company
      FOR EACH ROW WHEN (OLD.cors_origins IS DISTINCT FROM NEW.cors_origins) EXECUTE FUNCTION company_modules_notify_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS company_origins_changed ON company`.execute(db);
  await sql`ALTER TABLE company DROP COLUMN IF EXISTS cors_origins`.execute(db);
}
