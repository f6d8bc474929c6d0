import type { EmployeesExecutor } from './db';
import type { NewRole, RoleRow } from './role.table';

export function insertRole(db: EmployeesExecutor, values: NewRole): Promise<RoleRow> {
  return db.insertInto('employees.role').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findRole(db: EmployeesExecutor, id: string): Promise<RoleRow | undefined> {
  return db.selectFrom('employees.role').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listRoles(db: EmployeesExecutor): Promise<RoleRow[]> {
  return db.selectFrom('employees.role').selectAll().orderBy('name').orderBy('id').execute();
}

/** Roles held by each of the employees, with the holder's id for grouping. */
export function findRolesOfEmployees(db: EmployeesExecutor, employeeIds: readonly string[]): Promise<Array<RoleRow & { employee_id: string }>> {
  return db
    .selectFrom('employees.employee_role as er')
    .innerJoin('employees.role as r', 'r.id', 'er.role_id')
    .selectAll('r')
    .select('er.employee_id')
    .where('er.employee_id', 'in', employeeIds)
    .orderBy('r.name')
    .orderBy('r.id')
    .execute();
}

/** Grants a role; false when the employee already holds it. */
export async function grantRole(db: EmployeesExecutor, employeeId: string, roleId: string): Promise<boolean> {
  const rows = await db
    .insertInto('employees.employee_role')
    .values({ employee_id: employeeId, role_id: roleId })
    .onConflict((oc) => oc.columns(['employee_id', 'role_id']).doNothing())
    .returning('role_id')
    .execute();
  return rows.length > 0;
}

/** Revokes a role; false when the employee did not hold it. */
export async function revokeRole(db: EmployeesExecutor, employeeId: string, roleId: string): Promise<boolean> {
  const rows = await db
    .deleteFrom('employees.employee_role')
    .where('employee_id', '=', employeeId)
    .where('role_id', '=', roleId)
    .returning('role_id')
    .execute();
  return rows.length > 0;
}
