import { sql, type Kysely } from 'kysely';

// The overview's assignedAssets (assets an employee holds now) added to the
// status tally an index probe per asset in maintenance, to find those still
// held. Every held asset has exactly one open custody period (disposal needs
// the asset returned first), so the figure is the number of open custody
// periods: a one-row count the database keeps exact in the writing
// transaction, by statement triggers with transition tables for any writer.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE assets.open_custody_count (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      assets bigint NOT NULL CHECK (assets >= 0)
    )`.execute(db);
  await sql`INSERT INTO assets.open_custody_count (assets) SELECT count(*) FROM assets.assignment WHERE returned_on IS NULL`.execute(db);
  // plpgsql prepares a statement on its first run, so each branch may name only
  // the transition tables its operation has.
  await sql`
    CREATE FUNCTION assets.tally_open_custody() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE assets.open_custody_count SET assets = assets + (SELECT count(*) FROM new_rows WHERE returned_on IS NULL);
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE assets.open_custody_count SET assets = assets - (SELECT count(*) FROM old_rows WHERE returned_on IS NULL);
      ELSE
        UPDATE assets.open_custody_count
        SET assets = assets + (SELECT count(*) FROM new_rows WHERE returned_on IS NULL) - (SELECT count(*) FROM old_rows WHERE returned_on IS NULL);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER open_custody_insert AFTER INSERT ON assets.assignment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION assets.tally_open_custody()`.execute(
    db,
  );
  await sql`CREATE TRIGGER open_custody_update AFTER UPDATE ON assets.assignment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION assets.tally_open_custody()`.execute(
    db,
  );
  await sql`CREATE TRIGGER open_custody_delete AFTER DELETE ON assets.assignment REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION assets.tally_open_custody()`.execute(
    db,
  );
  // TRUNCATE has no transition tables; it empties the count instead.
  await sql`
    CREATE FUNCTION assets.reset_open_custody() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE assets.open_custody_count SET assets = 0;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER open_custody_truncate AFTER TRUNCATE ON assets.assignment FOR EACH STATEMENT EXECUTE FUNCTION assets.reset_open_custody()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS open_custody_truncate ON assets.assignment`.execute(db);
  await sql`DROP TRIGGER IF EXISTS open_custody_delete ON assets.assignment`.execute(db);
  await sql`DROP TRIGGER IF EXISTS open_custody_update ON assets.assignment`.execute(db);
  await sql`DROP TRIGGER IF EXISTS open_custody_insert ON assets.assignment`.execute(db);
  await sql`DROP FUNCTION IF EXISTS assets.reset_open_custody()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS assets.tally_open_custody()`.execute(db);
  await sql`DROP TABLE IF EXISTS assets.open_custody_count`.execute(db);
}
