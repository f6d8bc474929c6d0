import type { EmployeesExecutor } from './db';
import type { NewPositionAssignment, PositionAssignmentRow } from './position-assignment.table';

export function insertAssignment(db: EmployeesExecutor, values: NewPositionAssignment): Promise<PositionAssignmentRow> {
  return db.insertInto('employees.position_assignment').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findAssignmentsOfEmployees(db: EmployeesExecutor, employeeIds: readonly string[]): Promise<PositionAssignmentRow[]> {
  return db.selectFrom('employees.position_assignment').selectAll().where('employee_id', 'in', employeeIds).orderBy('start_date').orderBy('id').execute();
}

/** The latest assignment of an employee (the one a position change closes), if any. */
export function findLatestAssignment(db: EmployeesExecutor, employeeId: string): Promise<PositionAssignmentRow | undefined> {
  return db
    .selectFrom('employees.position_assignment')
    .selectAll()
    .where('employee_id', '=', employeeId)
    .orderBy('start_date', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function setAssignmentEnd(db: EmployeesExecutor, id: string, endDate: string): Promise<PositionAssignmentRow> {
  return db.updateTable('employees.position_assignment').set({ end_date: endDate }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export function findAssignmentsStartingAfter(db: EmployeesExecutor, employeeId: string, date: string): Promise<PositionAssignmentRow[]> {
  return db.selectFrom('employees.position_assignment').selectAll().where('employee_id', '=', employeeId).where('start_date', '>', date).execute();
}

/** Ends the assignment held on `date` that day (termination); returns it, if there was one. */
export function endAssignmentInForce(db: EmployeesExecutor, employeeId: string, date: string): Promise<PositionAssignmentRow[]> {
  return db
    .updateTable('employees.position_assignment')
    .set({ end_date: date })
    .where('employee_id', '=', employeeId)
    .where('start_date', '<=', date)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>', date)]))
    .returningAll()
    .execute();
}
