import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** assets.location: where an asset is kept ("HQ, 2nd floor"); names are unique ignoring case. */
export interface LocationTable {
  id: Generated<string>;
  name: string;
  created_at: ColumnType<Date, never, never>;
}
export type LocationRow = Selectable<LocationTable>;
export type NewLocation = Insertable<LocationTable>;
