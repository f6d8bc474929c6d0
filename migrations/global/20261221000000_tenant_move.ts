import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must never import application code.
//
// A tenant database's move to another shard, step by step, so that a move that
// failed half-way is resumed (or rolled back) from the step it reached. One
// move at a time per tenant: the partial unique index refuses a second while
// one is unfinished.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE tenant_move (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
      company_id uuid NOT NULL REFERENCES company (id) ON DELETE CASCADE,
      database_name text NOT NULL,
      from_shard text NOT NULL,
      to_shard text NOT NULL,
      state text NOT NULL DEFAULT 'PLANNED' CHECK (state IN
        ('PLANNED','CAPTURING','COPIED','SWITCHED','CONFIRMED','ABORTED')),
      steps jsonb NOT NULL DEFAULT '{}',
      copied_rows bigint,
      synced_rows bigint,
      pause_millis integer,
      verified jsonb,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (from_shard <> to_shard)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX tenant_move_one_open ON tenant_move (tenant_id) WHERE state NOT IN ('CONFIRMED','ABORTED')`.execute(db);
  await sql`CREATE INDEX tenant_move_company ON tenant_move (company_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS tenant_move`.execute(db);
}
