import { sql, type Kysely } from 'kysely';

// A search term of one or two characters has no trigram, so the trigram index
// cannot serve it; such a term matches the start of a first name, last name or
// e-mail address instead (subgraphs/kit/search.ts). text_pattern_ops lets these
// indexes answer `lower(column) LIKE 'an%'` whatever the database's collation.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX employee_first_name_prefix ON employees.employee (lower(first_name) text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX employee_last_name_prefix ON employees.employee (lower(last_name) text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX employee_email_prefix ON employees.employee (lower(email) text_pattern_ops)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX employees.employee_email_prefix`.execute(db);
  await sql`DROP INDEX employees.employee_last_name_prefix`.execute(db);
  await sql`DROP INDEX employees.employee_first_name_prefix`.execute(db);
}
