import { sql, type Kysely } from 'kysely';

// A search term of one or two characters has no trigram, so the trigram index
// cannot serve it; such a term matches the start of a tag, name or serial
// number instead (subgraphs/kit/search.ts). text_pattern_ops lets these indexes
// answer `lower(column) LIKE 'la%'` whatever the database's collation.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX asset_tag_prefix ON assets.asset (lower(tag) text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX asset_name_prefix ON assets.asset (lower(name) text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX asset_serial_prefix ON assets.asset (lower(serial_number) text_pattern_ops)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX assets.asset_serial_prefix`.execute(db);
  await sql`DROP INDEX assets.asset_name_prefix`.execute(db);
  await sql`DROP INDEX assets.asset_tag_prefix`.execute(db);
}
