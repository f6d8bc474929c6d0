import type { Generated, Selectable, Updateable } from 'kysely';

/** The tenant's single counter row behind gap-free employee numbers. */
export interface EmployeeNumberCounterTable {
  singleton: Generated<boolean>;
  last_value: number;
}
export type EmployeeNumberCounterRow = Selectable<EmployeeNumberCounterTable>;
export type EmployeeNumberCounterUpdate = Updateable<EmployeeNumberCounterTable>;
