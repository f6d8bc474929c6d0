import type { Insertable, Selectable } from 'kysely';

export type ProjectedEmployeeStatus = 'ACTIVE' | 'ON_LEAVE' | 'TERMINATED';

/**
 * payroll.employee_projection: what payroll knows about an employee, learnt
 * only from the employees module's events. Each `*_as_of` is when the fact
 * behind its columns happened; an older fact never overwrites a newer one.
 */
export interface EmployeeProjectionTable {
  employee_id: string;
  employee_number: string | null;
  full_name: string | null;
  email: string | null;
  hire_date: string | null;
  department_id: string | null;
  profile_as_of: Date | null;
  status: ProjectedEmployeeStatus | null;
  status_since: string | null;
  status_as_of: Date | null;
  /** Last day of employment, inclusive. */
  termination_date: string | null;
  termination_as_of: Date | null;
}
export type EmployeeProjectionRow = Selectable<EmployeeProjectionTable>;
export type NewEmployeeProjection = Insertable<EmployeeProjectionTable>;
