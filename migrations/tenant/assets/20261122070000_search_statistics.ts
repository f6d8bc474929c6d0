import { sql, type Kysely } from 'kysely';

// Same reason as employees' search statistics: tags sort by category, so a
// model name estimated too high made the planner walk tens of thousands of
// rows in tag order instead of using the trigram index.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE assets.asset ALTER COLUMN search_text SET STATISTICS 1000`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE assets.asset ALTER COLUMN search_text SET STATISTICS -1`.execute(db);
}
