import { sql } from 'kysely';
import type { EmployeesExecutor } from './db';

/** The employees block of the overview, as counted by one statement. */
export interface EmployeesOverviewFigures {
  activeHeadcount: number;
  departments: number;
  newHiresLast30Days: number;
}

/**
 * Every figure of the block in one statement, from the tallies the database
 * keeps exact in each writing transaction: employees by department and status
 * (employee_count), hires per day (employee_hire_day, at most 30 rows read)
 * and the departments (department_count). No employee row is read.
 */
export async function employeesOverviewFigures(db: EmployeesExecutor, hiredFrom: string, hiredTo: string): Promise<EmployeesOverviewFigures> {
  const { rows } = await sql<{ active_headcount: string; new_hires: string; departments: string }>`
    SELECT (SELECT coalesce(sum(employees), 0) FROM employees.employee_count WHERE status = 'ACTIVE') AS active_headcount,
           (SELECT coalesce(sum(employees), 0) FROM employees.employee_hire_day WHERE hire_date BETWEEN ${hiredFrom}::date AND ${hiredTo}::date) AS new_hires,
           coalesce((SELECT departments FROM employees.department_count), 0) AS departments`.execute(db);
  const row = rows[0]!;
  return { activeHeadcount: Number(row.active_headcount), departments: Number(row.departments), newHiresLast30Days: Number(row.new_hires) };
}
