import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// Keys gain what people have: permissions (null: every permission of the
// key's modules), a read-only scope, an owner (a personal access token belongs
// to a person and never does more than that person may) and an expiry.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE access_key ADD COLUMN permissions text[]`.execute(db);
  await sql`ALTER TABLE access_key ADD COLUMN read_only boolean NOT NULL DEFAULT false`.execute(db);
  await sql`ALTER TABLE access_key ADD COLUMN owner_user_id uuid REFERENCES app_user (id)`.execute(db);
  await sql`ALTER TABLE access_key ADD COLUMN expires_at timestamptz`.execute(db);
  await sql`CREATE INDEX access_key_owner_idx ON access_key (owner_user_id) WHERE owner_user_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['expires_at', 'owner_user_id', 'read_only', 'permissions']) {
    await sql.raw(`ALTER TABLE access_key DROP COLUMN IF EXISTS ${column}`).execute(db);
  }
}
