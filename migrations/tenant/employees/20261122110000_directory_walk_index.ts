import { sql, type Kysely } from 'kysely';

// A search matching many employees pages by walking the directory in name
// order and skipping rows that do not match. The old (last name, first name,
// id) index sent each skipped row to the table for its search_text. This one
// carries search_text, status and department, so the walk tests them in the
// index alone (an index-only scan) and reads from the table only the page it
// keeps. It replaces the old index for every other use of that order too.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX employee_directory_walk ON employees.employee (last_name, first_name, id) INCLUDE (status, department_id, search_text)`.execute(db);
  await sql`DROP INDEX employees.employee_directory_order`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX employee_directory_order ON employees.employee (last_name, first_name, id)`.execute(db);
  await sql`DROP INDEX employees.employee_directory_walk`.execute(db);
}
