import { sql, type RawBuilder } from 'kysely';
import { ownEmployeeOnly } from '../../kit/row-scope';
import { isUuid } from '../../../platform/ids';
import type { RowScope } from '../../../platform/permissions';

/*
 * What a row scope of 'assets:read' reaches: the assets the scope's own
 * employee holds now, and of their custody only that employee's own
 * assignments (not who held the laptop before them). Assets' employee
 * projection has no department at all, so a department scope reaches no asset
 * (kit/row-scope): failing closed rather than guessing at the organisation.
 */

/** SQL: the asset whose id is in `assetIdColumn` (qualified: it is compared inside a subquery) is held now by the scope's employee. */
export function assetInScope(scope: RowScope, assetIdColumn: string): RawBuilder<boolean> {
  if (scope.employeeId === null || !isUuid(scope.employeeId)) return sql<boolean>`false`;
  return sql<boolean>`EXISTS (
    SELECT 1 FROM assets.assignment held
    WHERE held.asset_id = ${sql.ref(assetIdColumn)} AND held.returned_on IS NULL AND held.employee_id = ${scope.employeeId})`;
}

/** SQL, over assets.assignment: the scope's employee's own assignment of an asset in scope. */
export function assignmentInScope(scope: RowScope): RawBuilder<boolean> {
  return sql<boolean>`(${ownEmployeeOnly(scope, 'assets.assignment.employee_id')} AND ${assetInScope(scope, 'assets.assignment.asset_id')})`;
}
