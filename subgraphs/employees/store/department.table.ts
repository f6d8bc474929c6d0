import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface DepartmentTable {
  id: Generated<string>;
  name: string;
  parent_id: string | null;
  created_at: ColumnType<Date, never, never>;
}
export type DepartmentRow = Selectable<DepartmentTable>;
export type NewDepartment = Insertable<DepartmentTable>;
