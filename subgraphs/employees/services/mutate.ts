import type { Transaction } from 'kysely';
import type { AuditEntry } from '../../kit/audit';
import { failWith, type UserError } from '../../kit/errors';
import type { DomainEvent } from '../../../platform/outbox';
import { runModuleMutation } from '../../kit/mutation';
import type { EmployeesContext } from '../context';
import type { Validated } from '../domain/validation';
import { violatedConstraint } from '../store/constraints';
import type { EmployeesDB } from '../store/db';
import type { EmployeeRow } from '../store/employee.table';
import { findEmployee } from '../store/employees';

export type Payload<P> = Partial<P> & { userErrors: UserError[] };

/** What a mutation records besides its rows: audit entries (of this operation) and events. */
export interface Recorder {
  audit: (entry: Omit<AuditEntry, 'operation'>) => void;
  publish: (event: DomainEvent) => void;
}

/**
 * Runs an employees mutation on checked input. The module check comes first (a
 * key without EMPLOYEES gets MODULE_NOT_SUBSCRIBED, never userErrors); refused
 * input answers before any transaction opens; valid input runs in
 * runModuleMutation, so the change, its audit rows and its events commit together.
 */
export async function mutate<V, P extends object>(
  ctx: EmployeesContext,
  operation: string,
  checked: Validated<V>,
  work: (trx: Transaction<EmployeesDB>, record: Recorder, input: V) => Promise<P>,
): Promise<Payload<P>> {
  ctx.tenant();
  if (!checked.ok) return { userErrors: checked.userErrors } as Payload<P>;
  return runModuleMutation(ctx, operation, (trx, record) =>
    work(trx, { audit: (entry) => record.audit({ ...entry, operation }), publish: record.publish }, checked.value),
  );
}

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
