import { sql, type Kysely } from 'kysely';

// Separation of duties in the ledger: a company may require that an entry is
// reversed by someone other than whoever posted it. Each entry remembers who
// posted it, as "user:<id>" for a person or "key:<id>" for an access key;
// entries booked from another module's events, and entries posted before this
// migration, have no poster and are not compared. Off by default: a small
// company's one bookkeeper corrects their own mistakes.
// Adding a column leaves the append-only triggers as they are: the guard
// compares whole rows, and posted_by never changes after the insert.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE finance.journal_entry ADD COLUMN posted_by text`.execute(db);
  await sql`ALTER TABLE finance.settings ADD COLUMN separate_reverser boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE finance.settings DROP COLUMN separate_reverser`.execute(db);
  await sql`ALTER TABLE finance.journal_entry DROP COLUMN posted_by`.execute(db);
}
