import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface RoleTable {
  id: Generated<string>;
  name: string;
  description: string | null;
  created_at: ColumnType<Date, never, never>;
}
export type RoleRow = Selectable<RoleTable>;
export type NewRole = Insertable<RoleTable>;
