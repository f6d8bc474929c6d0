import { sql } from 'kysely';
import type { EmployeesExecutor } from './db';

/** The employees block of the overview, as counted by one statement. */
export interface EmployeesOverviewFigures {
  activeHeadcount: number;
  departments: number;
  newHiresLast30Days: number;
}

/** Every figure of the block in one statement: one pass over the employees counts both the active and the new. */
export async function employeesOverviewFigures(db: EmployeesExecutor, hiredFrom: string, hiredTo: string): Promise<EmployeesOverviewFigures> {
  const { rows } = await sql<{ active_headcount: string; new_hires: string; departments: string }>`
    SELECT count(*) FILTER (WHERE status = 'ACTIVE') AS active_headcount,
           count(*) FILTER (WHERE hire_date BETWEEN ${hiredFrom}::date AND ${hiredTo}::date) AS new_hires,
           (SELECT count(*) FROM employees.department) AS departments
    FROM employees.employee`.execute(db);
  const row = rows[0]!;
  return { activeHeadcount: Number(row.active_headcount), departments: Number(row.departments), newHiresLast30Days: Number(row.new_hires) };
}

/** Employees whose status is ACTIVE: what the other modules' cross-module metrics require. */
export async function countActiveEmployees(db: EmployeesExecutor): Promise<number> {
  const row = await db
    .selectFrom('employees.employee')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'ACTIVE')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
