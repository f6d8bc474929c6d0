import type { Transaction } from 'kysely';
import { failWith } from '../../kit/errors';
import { violatedConstraint } from '../store/constraints';
import type { EmployeesDB } from '../store/db';
import type { EmployeeRow } from '../store/employee.table';
import { findEmployee, findEmployeesByIds } from '../store/employees';
import { onlyUuids } from '../../../platform/ids';

/**
 * Awaits a statement and turns a known unique/exclusion violation into a
 * userError: the database settles races that slipped past a pre-check. The
 * transaction is aborted by then, so the userError also rolls it back.
 */
export async function orUserError<T>(statement: Promise<T>, known: Record<string, [field: string, message: string, code: string]>): Promise<T> {
  try {
    return await statement;
  } catch (error) {
    const failure = known[violatedConstraint(error) ?? ''];
    if (failure) failWith(...failure);
    throw error;
  }
}

/** The employee, locked until the transaction ends so concurrent changes to them queue up; NOT_FOUND otherwise. */
export async function lockEmployee(trx: Transaction<EmployeesDB>, id: string, field = 'input.employeeId'): Promise<EmployeeRow> {
  const employee = await findEmployee(trx, id, { forUpdate: true });
  if (!employee) failWith(field, `No employee ${id}`, 'NOT_FOUND');
  return employee;
}

/** Most changes make no sense for someone who has left. */
export function assertNotTerminated(employee: EmployeeRow, field = 'input.employeeId'): void {
  if (employee.status === 'TERMINATED') failWith(field, `${employee.employee_number} was terminated on ${employee.termination_date}`, 'EMPLOYEE_TERMINATED');
}

/** Which of these ids are employees of the company (a custom field's employee references), in one query. */
export async function employeesExist(trx: Transaction<EmployeesDB>, ids: readonly string[]): Promise<Set<string>> {
  const found = await findEmployeesByIds(trx, onlyUuids(ids), null);
  return new Set(found.map((e) => e.id));
}
