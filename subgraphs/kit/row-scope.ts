import { sql, type RawBuilder } from 'kysely';
import { isUuid } from '../../platform/ids';
import type { RowScope } from '../../platform/permissions';

/**
 * SQL for modules that hold rows per employee but not the organisation (payroll,
 * assets): the row, whose employee is in `employeeColumn`, belongs to the
 * scope's own employee record. Such a module cannot tell which employees a
 * department subtree holds, so a department scope reaches none of its rows:
 * it fails closed rather than guessing (each store says why for its data).
 */
export function ownEmployeeOnly(scope: RowScope, employeeColumn: string): RawBuilder<boolean> {
  // Ids come signed from the gateway; anything that is not a uuid still names no row, and must not reach a uuid cast.
  if (scope.employeeId === null || !isUuid(scope.employeeId)) return sql<boolean>`false`;
  return sql<boolean>`${sql.ref(employeeColumn)} = ${scope.employeeId}`;
}
