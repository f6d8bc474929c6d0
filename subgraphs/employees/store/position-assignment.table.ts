import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** An employee holding a position from start_date to end_date (inclusive; null = still holding it). */
export interface PositionAssignmentTable {
  id: Generated<string>;
  employee_id: string;
  position_id: string;
  start_date: string;
  end_date: string | null;
  created_at: ColumnType<Date, never, never>;
}
export type PositionAssignmentRow = Selectable<PositionAssignmentTable>;
export type NewPositionAssignment = Insertable<PositionAssignmentTable>;
