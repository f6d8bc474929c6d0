import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// Every key remembers the key that issued it (null when the operator did), so
// that a key's reach, what it may list and revoke, is itself and the keys
// issued from it. The composite reference keeps a lineage inside one company.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE access_key ADD CONSTRAINT access_key_company_id_key UNIQUE (company_id, id)`.execute(db);
  await sql`ALTER TABLE access_key ADD COLUMN issued_by_key_id uuid`.execute(db);
  await sql`
    ALTER TABLE access_key ADD CONSTRAINT access_key_issued_by
      FOREIGN KEY (company_id, issued_by_key_id) REFERENCES access_key (company_id, id)`.execute(db);
  await sql`ALTER TABLE access_key ADD CONSTRAINT access_key_not_own_issuer CHECK (issued_by_key_id <> id)`.execute(db);
  await sql`CREATE INDEX access_key_issued_by_idx ON access_key (issued_by_key_id) WHERE issued_by_key_id IS NOT NULL`.execute(db);
  // Keys issued before this column existed named their issuer in created_by ("standard:<key id>").
  await sql`
    UPDATE access_key k SET issued_by_key_id = issuer.id
      FROM access_key issuer
     WHERE k.created_by = 'standard:' || issuer.id::text AND issuer.company_id = k.company_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE access_key DROP COLUMN IF EXISTS issued_by_key_id`.execute(db);
  await sql`ALTER TABLE access_key DROP CONSTRAINT IF EXISTS access_key_company_id_key`.execute(db);
}
