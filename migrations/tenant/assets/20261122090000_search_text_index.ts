import { sql, type Kysely } from 'kysely';

// Counting a term that much of the register matches tests every row's
// search_text. Read from this narrow btree, an index-only scan, that takes
// about half the time of reading the table's rows, which are several times
// wider (bench/README.md, "Listing and search"). The trigram index still
// serves selective terms; the planner picks between them. The tag, name and
// serial number are length-checked, so an entry stays far below btree's 2.7 kB
// limit.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX asset_search_text ON assets.asset (search_text)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX assets.asset_search_text`.execute(db);
}
