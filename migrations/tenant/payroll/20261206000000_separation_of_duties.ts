import { sql, type Kysely } from 'kysely';

// Separation of duties: a pay run is approved by someone other than whoever
// calculated it. The run remembers who calculated it last (a recalculation
// replaces the payslips, so its author is the one whose figures are approved),
// as "user:<id>" for a person or "key:<id>" for an access key; runs calculated
// before this migration have no author and are not compared. Companies may
// turn the rule off (a one-person payroll office); it is on by default.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE payroll.pay_run ADD COLUMN calculated_by text`.execute(db);
  await sql`ALTER TABLE payroll.settings ADD COLUMN separate_approver boolean NOT NULL DEFAULT true`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE payroll.settings DROP COLUMN separate_approver`.execute(db);
  await sql`ALTER TABLE payroll.pay_run DROP COLUMN calculated_by`.execute(db);
}
