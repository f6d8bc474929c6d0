import { sql, type Kysely } from 'kysely';

// A substring search's row estimate comes from the column's histogram. With
// the default 100 buckets a rare last name could be estimated at thousands of
// rows, and the planner then walked the whole directory in name order instead
// of using the trigram index. 1000 buckets make the estimate, and the plan,
// follow the term's real selectivity.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE employees.employee ALTER COLUMN search_text SET STATISTICS 1000`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE employees.employee ALTER COLUMN search_text SET STATISTICS -1`.execute(db);
}
