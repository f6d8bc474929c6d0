import { sql } from 'kysely';
import type { EmployeesExecutor } from './db';
import type { DepartmentRow, NewDepartment } from './department.table';

export function insertDepartment(db: EmployeesExecutor, values: NewDepartment): Promise<DepartmentRow> {
  return db.insertInto('employees.department').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findDepartment(db: EmployeesExecutor, id: string): Promise<DepartmentRow | undefined> {
  return db.selectFrom('employees.department').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findDepartmentsByIds(db: EmployeesExecutor, ids: readonly string[]): Promise<DepartmentRow[]> {
  return db.selectFrom('employees.department').selectAll().where('id', 'in', ids).execute();
}

export function findDepartmentsByParents(db: EmployeesExecutor, parentIds: readonly string[]): Promise<DepartmentRow[]> {
  return db.selectFrom('employees.department').selectAll().where('parent_id', 'in', parentIds).orderBy('name').orderBy('id').execute();
}

/** The whole tree, by name: a company has tens or hundreds of departments, not thousands. */
export function listDepartments(db: EmployeesExecutor): Promise<DepartmentRow[]> {
  return db.selectFrom('employees.department').selectAll().orderBy('name').orderBy('id').execute();
}

/** Ids from `startId` up to its root, `startId` first. UNION stops even on a damaged (cyclic) tree. */
export async function departmentChainUp(db: EmployeesExecutor, startId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    WITH RECURSIVE chain (id, parent_id) AS (
      SELECT id, parent_id FROM employees.department WHERE id = ${startId}
      UNION
      SELECT d.id, d.parent_id FROM employees.department d JOIN chain c ON d.id = c.parent_id
    )
    SELECT id FROM chain`.execute(db);
  return rows.map((r) => r.id);
}

export function setDepartmentParent(db: EmployeesExecutor, id: string, parentId: string | null): Promise<DepartmentRow> {
  return db.updateTable('employees.department').set({ parent_id: parentId }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
