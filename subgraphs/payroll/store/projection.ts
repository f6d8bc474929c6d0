import { sql } from 'kysely';
import type { Employment, Period } from '../domain/proration';
import type { ContractProjectionTable } from './contract-projection.table';
import type { PayrollExecutor } from './db';
import type { ProjectedEmployeeStatus } from './employee-projection.table';

// Every write is an upsert guarded by the time of the fact it carries: a
// redelivered or overtaken event finds a newer fact and changes nothing.

export interface EmployeeProfile {
  employeeId: string;
  employeeNumber: string;
  fullName: string;
  email: string;
  hireDate: string;
  departmentId: string | null;
}

export async function upsertEmployeeProfile(db: PayrollExecutor, profile: EmployeeProfile, asOf: Date): Promise<void> {
  await db
    .insertInto('payroll.employee_projection')
    .values({
      employee_id: profile.employeeId,
      employee_number: profile.employeeNumber,
      full_name: profile.fullName,
      email: profile.email,
      hire_date: profile.hireDate,
      department_id: profile.departmentId,
      profile_as_of: asOf,
    })
    .onConflict((oc) =>
      oc
        .column('employee_id')
        .doUpdateSet((eb) => ({
          employee_number: eb.ref('excluded.employee_number'),
          full_name: eb.ref('excluded.full_name'),
          email: eb.ref('excluded.email'),
          hire_date: eb.ref('excluded.hire_date'),
          department_id: eb.ref('excluded.department_id'),
          profile_as_of: eb.ref('excluded.profile_as_of'),
        }))
        .where(sql<boolean>`payroll.employee_projection.profile_as_of IS NULL OR payroll.employee_projection.profile_as_of <= excluded.profile_as_of`),
    )
    .execute();
}

/** A corrected name or e-mail, unless a newer profile is already known. */
export async function updateEmployeeContactDetails(
  db: PayrollExecutor,
  details: { employeeId: string; fullName: string; email: string },
  asOf: Date,
): Promise<void> {
  await db
    .updateTable('payroll.employee_projection')
    .set({ full_name: details.fullName, email: details.email, profile_as_of: asOf })
    .where('employee_id', '=', details.employeeId)
    .where(sql<boolean>`profile_as_of IS NULL OR profile_as_of <= ${asOf}`)
    .execute();
}

export async function upsertEmployeeStatus(db: PayrollExecutor, employeeId: string, status: ProjectedEmployeeStatus, since: string, asOf: Date): Promise<void> {
  await db
    .insertInto('payroll.employee_projection')
    .values({ employee_id: employeeId, status, status_since: since, status_as_of: asOf })
    .onConflict((oc) =>
      oc
        .column('employee_id')
        .doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          status_since: eb.ref('excluded.status_since'),
          status_as_of: eb.ref('excluded.status_as_of'),
        }))
        .where(sql<boolean>`payroll.employee_projection.status_as_of IS NULL OR payroll.employee_projection.status_as_of <= excluded.status_as_of`),
    )
    .execute();
}

export async function upsertTermination(db: PayrollExecutor, employeeId: string, terminationDate: string, asOf: Date): Promise<void> {
  await db
    .insertInto('payroll.employee_projection')
    .values({ employee_id: employeeId, termination_date: terminationDate, termination_as_of: asOf })
    .onConflict((oc) =>
      oc
        .column('employee_id')
        .doUpdateSet((eb) => ({ termination_date: eb.ref('excluded.termination_date'), termination_as_of: eb.ref('excluded.termination_as_of') }))
        .where(
          sql<boolean>`payroll.employee_projection.termination_as_of IS NULL OR payroll.employee_projection.termination_as_of <= excluded.termination_as_of`,
        ),
    )
    .execute();
}

export type ContractTermsChange = Pick<
  ContractProjectionTable,
  'contract_id' | 'employee_id' | 'type' | 'start_date' | 'end_date' | 'pay_frequency' | 'base_salary' | 'currency'
>;

export async function upsertContractTerms(db: PayrollExecutor, terms: ContractTermsChange, asOf: Date): Promise<void> {
  await db
    .insertInto('payroll.contract_projection')
    .values({ ...terms, terms_as_of: asOf })
    .onConflict((oc) =>
      oc
        .column('contract_id')
        .doUpdateSet((eb) => ({
          employee_id: eb.ref('excluded.employee_id'),
          type: eb.ref('excluded.type'),
          start_date: eb.ref('excluded.start_date'),
          end_date: eb.ref('excluded.end_date'),
          pay_frequency: eb.ref('excluded.pay_frequency'),
          base_salary: eb.ref('excluded.base_salary'),
          currency: eb.ref('excluded.currency'),
          terms_as_of: eb.ref('excluded.terms_as_of'),
        }))
        .where(sql<boolean>`payroll.contract_projection.terms_as_of IS NULL OR payroll.contract_projection.terms_as_of <= excluded.terms_as_of`),
    )
    .execute();
}

export async function upsertContractEnd(db: PayrollExecutor, contractId: string, employeeId: string, endedOn: string, asOf: Date): Promise<void> {
  await db
    .insertInto('payroll.contract_projection')
    .values({ contract_id: contractId, employee_id: employeeId, ended_on: endedOn, ended_as_of: asOf })
    .onConflict((oc) =>
      oc
        .column('contract_id')
        .doUpdateSet((eb) => ({ ended_on: eb.ref('excluded.ended_on'), ended_as_of: eb.ref('excluded.ended_as_of') }))
        .where(sql<boolean>`payroll.contract_projection.ended_as_of IS NULL OR payroll.contract_projection.ended_as_of <= excluded.ended_as_of`),
    )
    .execute();
}

/**
 * Everyone with a contract overlapping the period, with their contracts, in
 * one statement: the whole input of a pay run's calculation. Contracts whose
 * terms are not known yet (only their end arrived) are left out.
 */
export async function findEmploymentsInPeriod(db: PayrollExecutor, period: Period): Promise<Employment[]> {
  const rows = await db
    .selectFrom('payroll.contract_projection as c')
    .leftJoin('payroll.employee_projection as e', 'e.employee_id', 'c.employee_id')
    .select([
      'c.contract_id',
      'c.employee_id',
      'c.start_date',
      sql<string | null>`coalesce(c.ended_on, c.end_date)`.as('end_date'),
      'c.pay_frequency',
      'c.base_salary',
      'c.currency',
      'e.employee_number',
      'e.hire_date',
      'e.termination_date',
    ])
    .where('c.start_date', 'is not', null)
    .where('c.start_date', '<=', period.end)
    .where(sql<boolean>`coalesce(c.ended_on, c.end_date, 'infinity'::date) >= ${period.start}::date`)
    .orderBy('e.employee_number')
    .orderBy('c.employee_id')
    .orderBy('c.start_date')
    .execute();
  const byEmployee = new Map<string, Employment>();
  for (const row of rows) {
    let employment = byEmployee.get(row.employee_id);
    if (!employment) {
      employment = {
        employeeId: row.employee_id,
        employeeNumber: row.employee_number,
        hireDate: row.hire_date,
        terminationDate: row.termination_date,
        contracts: [],
      };
      byEmployee.set(row.employee_id, employment);
    }
    // The WHERE clause keeps only rows with known terms; the CHECK constraint makes them complete.
    employment.contracts.push({
      contractId: row.contract_id,
      startDate: row.start_date!,
      endDate: row.end_date,
      payFrequency: row.pay_frequency!,
      baseSalary: row.base_salary!,
      currency: row.currency!.trim(),
    });
  }
  return [...byEmployee.values()];
}
