import type { Selectable } from 'kysely';

/** Employees per (department, status), kept exact by statement triggers on employees.employee. */
export interface EmployeeCountTable {
  department_id: string | null;
  status: 'ACTIVE' | 'ON_LEAVE' | 'TERMINATED';
  /** bigint: read as a string. */
  employees: string;
}
export type EmployeeCountRow = Selectable<EmployeeCountTable>;
