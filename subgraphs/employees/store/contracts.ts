import type { SelectQueryBuilder } from 'kysely';
import type { RowScope } from '../../../platform/permissions';
import type { ContractRow, NewContract } from './contract.table';
import type { EmployeesDB, EmployeesExecutor } from './db';
import { employeeInScope } from './scope';

export function insertContract(db: EmployeesExecutor, values: NewContract): Promise<ContractRow> {
  return db.insertInto('employees.contract').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findContract(db: EmployeesExecutor, id: string): Promise<ContractRow | undefined> {
  return db.selectFrom('employees.contract').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Only the contracts of employees a row scope reaches; null reaches every one. */
function ofEmployeesInScope<O>(query: SelectQueryBuilder<EmployeesDB, 'employees.contract', O>, scope: RowScope | null) {
  return scope === null ? query : query.where(employeeInScope(scope, { id: 'employee_id' }));
}

export function findContractsOfEmployees(db: EmployeesExecutor, employeeIds: readonly string[], scope: RowScope | null): Promise<ContractRow[]> {
  return ofEmployeesInScope(db.selectFrom('employees.contract').selectAll().where('employee_id', 'in', employeeIds), scope)
    .orderBy('start_date')
    .orderBy('id')
    .execute();
}

/** The contract in force on `date` for each employee the scope reaches (at most one: the exclusion constraint sees to it). */
export function findContractsInForce(db: EmployeesExecutor, employeeIds: readonly string[], date: string, scope: RowScope | null): Promise<ContractRow[]> {
  return ofEmployeesInScope(db.selectFrom('employees.contract').selectAll().where('employee_id', 'in', employeeIds), scope)
    .where('start_date', '<=', date)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', date)]))
    .execute();
}

/** A contract of the employee sharing a day with [start, end] (inclusive; null end = open), if any. */
export function findOverlappingContract(db: EmployeesExecutor, employeeId: string, start: string, end: string | null): Promise<ContractRow | undefined> {
  let query = db
    .selectFrom('employees.contract')
    .selectAll()
    .where('employee_id', '=', employeeId)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', start)]));
  if (end !== null) query = query.where('start_date', '<=', end);
  return query.orderBy('start_date').executeTakeFirst();
}

export function findContractsStartingAfter(db: EmployeesExecutor, employeeId: string, date: string): Promise<ContractRow[]> {
  return db.selectFrom('employees.contract').selectAll().where('employee_id', '=', employeeId).where('start_date', '>', date).orderBy('start_date').execute();
}

/** Cuts the contract in force on `date` to end that day; returns it, or nothing when none was in force or it already ended then. */
export function endContractInForce(db: EmployeesExecutor, employeeId: string, date: string): Promise<ContractRow[]> {
  return db
    .updateTable('employees.contract')
    .set({ end_date: date })
    .where('employee_id', '=', employeeId)
    .where('start_date', '<=', date)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>', date)]))
    .returningAll()
    .execute();
}
