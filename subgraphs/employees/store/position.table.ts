import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface PositionTable {
  id: Generated<string>;
  title: string;
  department_id: string;
  created_at: ColumnType<Date, never, never>;
}
export type PositionRow = Selectable<PositionTable>;
export type NewPosition = Insertable<PositionTable>;
