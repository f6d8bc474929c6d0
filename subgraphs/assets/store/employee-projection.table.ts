import type { Selectable } from 'kysely';
import type { EmployeeStatus } from '../domain/types';

/**
 * assets.employee_projection: what assets knows about employees, learnt only
 * from the employees module's events. `updated_at` is when the fact behind the
 * current status happened, so late or repeated events never roll it back.
 */
export interface EmployeeProjectionTable {
  employee_id: string;
  status: EmployeeStatus;
  full_name: string | null;
  updated_at: Date;
}
export type EmployeeProjectionRow = Selectable<EmployeeProjectionTable>;
