import type { ColumnType, Insertable, Selectable } from 'kysely';

export interface EmployeeRoleTable {
  employee_id: string;
  role_id: string;
  granted_at: ColumnType<Date, never, never>;
}
export type EmployeeRoleRow = Selectable<EmployeeRoleTable>;
export type NewEmployeeRole = Insertable<EmployeeRoleTable>;
