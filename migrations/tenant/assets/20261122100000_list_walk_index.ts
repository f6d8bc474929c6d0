import { sql, type Kysely } from 'kysely';

// A search matching many assets pages by walking the register in tag order
// and skipping rows that do not match: for "lap", the 38,000 furniture tags
// before the first laptop. The old (tag, id) index sent each of them to the
// table for its search_text. This one carries search_text, status and
// category, so the walk tests them in the index alone (an index-only scan)
// and reads from the table only the page it keeps. It replaces (tag, id) for
// every other use of that order too.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX asset_list_walk ON assets.asset (tag, id) INCLUDE (status, category_id, search_text)`.execute(db);
  await sql`DROP INDEX assets.asset_list_order`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX asset_list_order ON assets.asset (tag, id)`.execute(db);
  await sql`DROP INDEX assets.asset_list_walk`.execute(db);
}
