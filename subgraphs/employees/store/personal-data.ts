import { sql } from 'kysely';
import type { EmployeesExecutor } from './db';
import type { NewPersonalData, PersonalDataRow } from './personal-data.table';

export function findPersonalDataOf(db: EmployeesExecutor, employeeIds: readonly string[], options: { forUpdate?: boolean } = {}): Promise<PersonalDataRow[]> {
  let query = db.selectFrom('employees.employee_personal_data').selectAll().where('employee_id', 'in', employeeIds);
  if (options.forUpdate) query = query.forUpdate();
  return query.execute();
}

export async function upsertPersonalData(db: EmployeesExecutor, row: NewPersonalData): Promise<void> {
  const { employee_id: _id, ...changes } = row;
  await db
    .insertInto('employees.employee_personal_data')
    .values(row)
    .onConflict((oc) => oc.column('employee_id').doUpdateSet({ ...changes, updated_at: sql`now()` }))
    .execute();
}

/** The employees whose tax id has one of these blind indexes (one per live key version). */
export async function findEmployeeIdsByTaxIdIndex(db: EmployeesExecutor, indexes: readonly Buffer[]): Promise<string[]> {
  if (indexes.length === 0) return [];
  const rows = await db.selectFrom('employees.employee_personal_data').select('employee_id').where('tax_id_index', 'in', indexes).execute();
  return rows.map((r) => r.employee_id);
}

/** The next rows still under another key than `version`, after `afterId` in id order, locked for re-encryption. */
export function findRowsToReencrypt(db: EmployeesExecutor, version: number, afterId: string | null, limit: number): Promise<PersonalDataRow[]> {
  let query = db.selectFrom('employees.employee_personal_data').selectAll().where('key_version', '<>', version);
  if (afterId !== null) query = query.where('employee_id', '>', afterId);
  return query.orderBy('employee_id').limit(limit).forUpdate().execute();
}

export async function countRowsNotUnder(db: EmployeesExecutor, version: number): Promise<number> {
  const row = await db
    .selectFrom('employees.employee_personal_data')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('key_version', '<>', version)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Replaces rows' ciphertexts and key versions in one statement (a rotation batch). */
export async function replacePersonalDataRows(db: EmployeesExecutor, rows: readonly NewPersonalData[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('employees.employee_personal_data')
    .values([...rows])
    .onConflict((oc) =>
      oc.column('employee_id').doUpdateSet((eb) => ({
        key_version: eb.ref('excluded.key_version'),
        tax_id: eb.ref('excluded.tax_id'),
        iban: eb.ref('excluded.iban'),
        date_of_birth: eb.ref('excluded.date_of_birth'),
        home_address: eb.ref('excluded.home_address'),
        emergency_contact: eb.ref('excluded.emergency_contact'),
        tax_id_index: eb.ref('excluded.tax_id_index'),
      })),
    )
    .execute();
}
