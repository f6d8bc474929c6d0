import { sql, type Kysely } from 'kysely';

// The asset register's side of the ledger: which accounts its postings use,
// and which month of which asset has had its depreciation posted. The unique
// (asset_id, period) is what makes depreciation post once per asset and month,
// whatever runs, retries or disposals race for it.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per tenant, created here with defaults that fit finance's default chart.
  await sql`
    CREATE TABLE assets.ledger_settings (
      singleton                        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      fixed_assets_account             text NOT NULL DEFAULT '1500' CHECK (btrim(fixed_assets_account) <> ''),
      accumulated_depreciation_account text NOT NULL DEFAULT '1590' CHECK (btrim(accumulated_depreciation_account) <> ''),
      acquisition_credit_account       text NOT NULL DEFAULT '2000' CHECK (btrim(acquisition_credit_account) <> ''),
      depreciation_expense_account     text NOT NULL DEFAULT '6500' CHECK (btrim(depreciation_expense_account) <> ''),
      disposal_proceeds_account        text NOT NULL DEFAULT '1100' CHECK (btrim(disposal_proceeds_account) <> ''),
      gain_on_disposal_account         text NOT NULL DEFAULT '4900' CHECK (btrim(gain_on_disposal_account) <> ''),
      loss_on_disposal_account         text NOT NULL DEFAULT '6900' CHECK (btrim(loss_on_disposal_account) <> ''),
      updated_at                       timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`INSERT INTO assets.ledger_settings DEFAULT VALUES`.execute(db);

  // One row per currency of a runDepreciation call that posted something: the
  // AssetDepreciated event and finance's entry name it.
  await sql`
    CREATE TABLE assets.depreciation_run (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      period      text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      asset_count integer NOT NULL CHECK (asset_count > 0),
      total       numeric(20,2) NOT NULL CHECK (total > 0),
      created_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX depreciation_run_by_period ON assets.depreciation_run (period, created_at)`.execute(db);

  // A month of an asset's depreciation sent to the ledger: by a run, or
  // (run_id null) caught up by the asset's disposal.
  await sql`
    CREATE TABLE assets.depreciation_posting (
      asset_id   uuid NOT NULL REFERENCES assets.asset (id),
      period     text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      amount     numeric(14,2) NOT NULL CHECK (amount > 0),
      run_id     uuid REFERENCES assets.depreciation_run (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT depreciation_posting_once UNIQUE (asset_id, period)
    )`.execute(db);
  // The unique index serves "what was posted for this asset"; this one "what did this run post" and the run's foreign key.
  await sql`CREATE INDEX depreciation_posting_by_run ON assets.depreciation_posting (run_id) WHERE run_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS assets.depreciation_posting`.execute(db);
  await sql`DROP TABLE IF EXISTS assets.depreciation_run`.execute(db);
  await sql`DROP TABLE IF EXISTS assets.ledger_settings`.execute(db);
}
