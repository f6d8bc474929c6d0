import type { EmployeesExecutor } from './db';
import type { NewPosition, PositionRow } from './position.table';

export function insertPosition(db: EmployeesExecutor, values: NewPosition): Promise<PositionRow> {
  return db.insertInto('employees.position').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findPosition(db: EmployeesExecutor, id: string): Promise<PositionRow | undefined> {
  return db.selectFrom('employees.position').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findPositionsByIds(db: EmployeesExecutor, ids: readonly string[]): Promise<PositionRow[]> {
  return db.selectFrom('employees.position').selectAll().where('id', 'in', ids).execute();
}

export function findPositionsByDepartments(db: EmployeesExecutor, departmentIds: readonly string[]): Promise<PositionRow[]> {
  return db.selectFrom('employees.position').selectAll().where('department_id', 'in', departmentIds).orderBy('title').orderBy('id').execute();
}

export function listPositions(db: EmployeesExecutor, filter: { departmentId: string | null }): Promise<PositionRow[]> {
  let query = db.selectFrom('employees.position').selectAll();
  if (filter.departmentId !== null) query = query.where('department_id', '=', filter.departmentId);
  return query.orderBy('title').orderBy('id').execute();
}
