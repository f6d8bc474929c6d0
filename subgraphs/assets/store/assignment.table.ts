import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** assets.assignment: one custody period of an asset; open while returned_on is null (at most one per asset). */
export interface AssignmentTable {
  id: Generated<string>;
  asset_id: string;
  employee_id: string;
  assigned_on: string;
  returned_on: string | null;
  created_at: ColumnType<Date, never, never>;
}
export type AssignmentRow = Selectable<AssignmentTable>;
export type NewAssignment = Insertable<AssignmentTable>;
