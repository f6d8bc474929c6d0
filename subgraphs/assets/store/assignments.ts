import type { SelectQueryBuilder } from 'kysely';
import type { RowScope } from '../../../platform/permissions';
import type { AssetsDB, AssetsExecutor, AssignmentRow, NewAssignment } from './db';
import { assignmentInScope } from './scope';

/** Only the assignments a row scope of 'assets:read' reaches (store/scope.ts); null reaches every one. */
function inScope<O>(query: SelectQueryBuilder<AssetsDB, 'assets.assignment', O>, scope: RowScope | null) {
  return scope === null ? query : query.where(assignmentInScope(scope));
}

export function insertAssignment(db: AssetsExecutor, values: NewAssignment): Promise<AssignmentRow> {
  return db.insertInto('assets.assignment').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findOpenAssignment(db: AssetsExecutor, assetId: string): Promise<AssignmentRow | undefined> {
  return db.selectFrom('assets.assignment').selectAll().where('asset_id', '=', assetId).where('returned_on', 'is', null).executeTakeFirst();
}

/** The latest day the asset was in someone's custody (the last return), or null if never assigned. */
export async function lastReturnDate(db: AssetsExecutor, assetId: string): Promise<string | null> {
  const row = await db
    .selectFrom('assets.assignment')
    .select((eb) => eb.fn.max('returned_on').as('last'))
    .where('asset_id', '=', assetId)
    .executeTakeFirst();
  return row?.last ?? null;
}

export function closeAssignment(db: AssetsExecutor, id: string, returnedOn: string): Promise<AssignmentRow> {
  return db
    .updateTable('assets.assignment')
    .set({ returned_on: returnedOn })
    .where('id', '=', id)
    .where('returned_on', 'is', null)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Full custody history of assets, oldest first. */
export function findAssignmentsOfAssets(db: AssetsExecutor, assetIds: readonly string[], scope: RowScope | null): Promise<AssignmentRow[]> {
  return inScope(db.selectFrom('assets.assignment').selectAll().where('asset_id', 'in', assetIds), scope)
    .orderBy('asset_id')
    .orderBy('assigned_on')
    .orderBy('created_at')
    .execute();
}

export function findOpenAssignmentsOfAssets(db: AssetsExecutor, assetIds: readonly string[], scope: RowScope | null): Promise<AssignmentRow[]> {
  return inScope(db.selectFrom('assets.assignment').selectAll().where('asset_id', 'in', assetIds), scope)
    .where('returned_on', 'is', null)
    .execute();
}

/** Everything employees ever held, oldest first. */
export function findAssignmentsOfEmployees(db: AssetsExecutor, employeeIds: readonly string[], scope: RowScope | null): Promise<AssignmentRow[]> {
  return inScope(db.selectFrom('assets.assignment').selectAll().where('employee_id', 'in', employeeIds), scope)
    .orderBy('assigned_on')
    .orderBy('created_at')
    .execute();
}
