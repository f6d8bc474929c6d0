import { sql, type Kysely } from 'kysely';

// The asset registry: categories, locations, assets with their finance terms,
// custody (assignments), maintenance, and the employees projection fed by the
// employees module's events. Rules that must hold under concurrency live here
// as constraints, not only in code.
export async function up(db: Kysely<any>): Promise<void> {
  // Substring search over tag, name and serial number at 200k assets needs trigram indexes.
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await sql`
    CREATE TABLE assets.category (
      id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name       text NOT NULL CHECK (btrim(name) <> ''),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // "IT equipment" and "IT Equipment" are one category.
  await sql`CREATE UNIQUE INDEX category_name_key ON assets.category (lower(name))`.execute(db);

  await sql`
    CREATE TABLE assets.location (
      id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name       text NOT NULL CHECK (btrim(name) <> ''),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX location_name_key ON assets.location (lower(name))`.execute(db);

  await sql`
    CREATE TABLE assets.employee_projection (
      employee_id text PRIMARY KEY,
      status      text NOT NULL CHECK (status IN ('ACTIVE','ON_LEAVE','TERMINATED')),
      full_name   text,
      updated_at  timestamptz NOT NULL
    )`.execute(db);

  await sql`
    CREATE TABLE assets.asset (
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tag                    text NOT NULL CHECK (btrim(tag) <> ''),
      name                   text NOT NULL CHECK (btrim(name) <> ''),
      category_id            uuid NOT NULL REFERENCES assets.category (id),
      location_id            uuid REFERENCES assets.location (id),
      serial_number          text,
      status                 text NOT NULL DEFAULT 'IN_STOCK' CHECK (status IN ('IN_STOCK','ASSIGNED','IN_MAINTENANCE','DISPOSED')),
      currency               text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      acquisition_date       date NOT NULL,
      acquisition_cost       numeric(14,2) NOT NULL CHECK (acquisition_cost >= 0),
      salvage_value          numeric(14,2) NOT NULL CHECK (salvage_value >= 0 AND salvage_value <= acquisition_cost),
      useful_life_months     integer NOT NULL CHECK (useful_life_months > 0),
      depreciation_method    text NOT NULL CHECK (depreciation_method IN ('STRAIGHT_LINE','DECLINING_BALANCE')),
      disposed_on            date,
      disposal_proceeds      numeric(14,2) CHECK (disposal_proceeds >= 0),
      book_value_at_disposal numeric(14,2),
      search_text            text GENERATED ALWAYS AS (lower(tag || ' ' || name || ' ' || coalesce(serial_number, ''))) STORED,
      created_at             timestamptz NOT NULL DEFAULT now(),
      updated_at             timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT asset_disposal_complete CHECK (
        (status = 'DISPOSED') = (disposed_on IS NOT NULL)
        AND (disposed_on IS NULL) = (disposal_proceeds IS NULL)
        AND (disposed_on IS NULL) = (book_value_at_disposal IS NULL)
      ),
      CONSTRAINT asset_disposed_after_acquisition CHECK (disposed_on IS NULL OR disposed_on >= acquisition_date)
    )`.execute(db);
  // Tags are printed labels: "LAP-0001" and "lap-0001" are the same tag.
  await sql`CREATE UNIQUE INDEX asset_tag_key ON assets.asset (lower(tag))`.execute(db);
  // Keyset order of the assets list (tag, id), overall and within the common filters.
  await sql`CREATE INDEX asset_list_order ON assets.asset (tag, id)`.execute(db);
  await sql`CREATE INDEX asset_status_order ON assets.asset (status, tag, id)`.execute(db);
  await sql`CREATE INDEX asset_category_order ON assets.asset (category_id, tag, id)`.execute(db);
  await sql`CREATE INDEX asset_search_trgm ON assets.asset USING gin (search_text gin_trgm_ops)`.execute(db);

  await sql`
    CREATE TABLE assets.assignment (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      asset_id    uuid NOT NULL REFERENCES assets.asset (id),
      employee_id text NOT NULL REFERENCES assets.employee_projection (employee_id),
      assigned_on date NOT NULL,
      returned_on date,
      created_at  timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT assignment_returned_after_assigned CHECK (returned_on IS NULL OR returned_on >= assigned_on)
    )`.execute(db);
  // One holder at a time, whatever the code above does or two requests race.
  await sql`CREATE UNIQUE INDEX assignment_one_open_per_asset ON assets.assignment (asset_id) WHERE returned_on IS NULL`.execute(db);
  await sql`CREATE INDEX assignment_history ON assets.assignment (asset_id, assigned_on, created_at)`.execute(db);
  await sql`CREATE INDEX assignment_open_by_employee ON assets.assignment (employee_id) WHERE returned_on IS NULL`.execute(db);
  await sql`CREATE INDEX assignment_by_employee ON assets.assignment (employee_id, assigned_on)`.execute(db);

  await sql`
    CREATE TABLE assets.maintenance (
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      asset_id      uuid NOT NULL REFERENCES assets.asset (id),
      status        text NOT NULL DEFAULT 'SCHEDULED' CHECK (status IN ('SCHEDULED','COMPLETED')),
      scheduled_for date NOT NULL,
      description   text NOT NULL CHECK (btrim(description) <> ''),
      completed_on  date,
      cost          numeric(14,2) CHECK (cost >= 0),
      currency      text CHECK (currency ~ '^[A-Z]{3}$'),
      created_at    timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT maintenance_completion_complete CHECK (
        (status = 'COMPLETED') = (completed_on IS NOT NULL)
        AND (completed_on IS NULL) = (cost IS NULL)
        AND (cost IS NULL) = (currency IS NULL)
      )
    )`.execute(db);
  // The asset's status follows its one open maintenance.
  await sql`CREATE UNIQUE INDEX maintenance_one_open_per_asset ON assets.maintenance (asset_id) WHERE status = 'SCHEDULED'`.execute(db);
  await sql`CREATE INDEX maintenance_history ON assets.maintenance (asset_id, scheduled_for, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS assets.maintenance`.execute(db);
  await sql`DROP TABLE IF EXISTS assets.assignment`.execute(db);
  await sql`DROP TABLE IF EXISTS assets.asset`.execute(db);
  await sql`DROP TABLE IF EXISTS assets.employee_projection`.execute(db);
  await sql`DROP TABLE IF EXISTS assets.location`.execute(db);
  await sql`DROP TABLE IF EXISTS assets.category`.execute(db);
  // pg_trgm stays: other modules' indexes may use it.
}
