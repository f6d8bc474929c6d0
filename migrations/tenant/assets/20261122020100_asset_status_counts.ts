import { sql, type Kysely } from 'kysely';

// The asset register's first page shows a total. Counting 200k rows costs tens
// of milliseconds on every such request; a per-status tally kept by the
// database answers the unfiltered and status-only totals at once. Statement
// triggers with transition tables keep it exact for any writer (mutations,
// seeding, manual fixes) at one tally update per statement, not per row.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE assets.asset_status_count (
      status text PRIMARY KEY CHECK (status IN ('IN_STOCK','ASSIGNED','IN_MAINTENANCE','DISPOSED')),
      assets bigint NOT NULL CHECK (assets >= 0)
    )`.execute(db);
  await sql`
    INSERT INTO assets.asset_status_count (status, assets)
    SELECT s.status, (SELECT count(*) FROM assets.asset a WHERE a.status = s.status)
    FROM (VALUES ('IN_STOCK'), ('ASSIGNED'), ('IN_MAINTENANCE'), ('DISPOSED')) AS s (status)`.execute(db);
  // plpgsql prepares a statement on its first run, so each branch may name only
  // the transition tables its operation has.
  await sql`
    CREATE FUNCTION assets.tally_asset_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE assets.asset_status_count c SET assets = c.assets + d.n
        FROM (SELECT status, count(*) AS n FROM new_rows GROUP BY status) d WHERE c.status = d.status;
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE assets.asset_status_count c SET assets = c.assets - d.n
        FROM (SELECT status, count(*) AS n FROM old_rows GROUP BY status) d WHERE c.status = d.status;
      ELSE
        -- Only statuses whose count moves are touched: most updates keep the status.
        UPDATE assets.asset_status_count c SET assets = c.assets + d.n
        FROM (
          SELECT status, sum(n) AS n FROM (
            SELECT status, count(*) AS n FROM new_rows GROUP BY status
            UNION ALL
            SELECT status, -count(*) AS n FROM old_rows GROUP BY status
          ) moves GROUP BY status HAVING sum(n) <> 0
        ) d WHERE c.status = d.status;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER asset_status_tally_insert AFTER INSERT ON assets.asset REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION assets.tally_asset_statuses()`.execute(
    db,
  );
  await sql`CREATE TRIGGER asset_status_tally_update AFTER UPDATE ON assets.asset REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION assets.tally_asset_statuses()`.execute(
    db,
  );
  await sql`CREATE TRIGGER asset_status_tally_delete AFTER DELETE ON assets.asset REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION assets.tally_asset_statuses()`.execute(
    db,
  );
  // TRUNCATE has no transition tables; it empties the tally instead.
  await sql`
    CREATE FUNCTION assets.reset_asset_status_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE assets.asset_status_count SET assets = 0;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER asset_status_tally_truncate AFTER TRUNCATE ON assets.asset FOR EACH STATEMENT EXECUTE FUNCTION assets.reset_asset_status_tally()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS asset_status_tally_truncate ON assets.asset`.execute(db);
  await sql`DROP TRIGGER IF EXISTS asset_status_tally_delete ON assets.asset`.execute(db);
  await sql`DROP TRIGGER IF EXISTS asset_status_tally_update ON assets.asset`.execute(db);
  await sql`DROP TRIGGER IF EXISTS asset_status_tally_insert ON assets.asset`.execute(db);
  await sql`DROP FUNCTION IF EXISTS assets.reset_asset_status_tally()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS assets.tally_asset_statuses()`.execute(db);
  await sql`DROP TABLE IF EXISTS assets.asset_status_count`.execute(db);
}
