import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** assets.category: what kind of thing an asset is ("IT equipment"); names are unique ignoring case. */
export interface CategoryTable {
  id: Generated<string>;
  name: string;
  created_at: ColumnType<Date, never, never>;
}
export type CategoryRow = Selectable<CategoryTable>;
export type NewCategory = Insertable<CategoryTable>;
