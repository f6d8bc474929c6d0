import type { EmployeeStatus } from '../store/employee.table';

/** Statuses setEmployeeStatus may move between; termination has its own mutation and is final. */
export const WORKING_STATUSES: readonly EmployeeStatus[] = ['ACTIVE', 'ON_LEAVE'];

export type StatusChangeRefusal = 'EMPLOYEE_TERMINATED' | 'INVALID_STATUS' | 'STATUS_UNCHANGED';

/** Why an employee may not move from `current` to `next` through setEmployeeStatus, or null when allowed. */
export function statusChangeRefusal(current: EmployeeStatus, next: EmployeeStatus): StatusChangeRefusal | null {
  if (current === 'TERMINATED') return 'EMPLOYEE_TERMINATED';
  if (!WORKING_STATUSES.includes(next)) return 'INVALID_STATUS';
  if (current === next) return 'STATUS_UNCHANGED';
  return null;
}
