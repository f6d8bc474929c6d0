import type { AccessKeyRow, ControlPlaneExecutor, NewAccessKey } from '../../../platform/control-plane';

export function insertAccessKey(db: ControlPlaneExecutor, values: NewAccessKey): Promise<AccessKeyRow> {
  return db.insertInto('access_key').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findAccessKey(db: ControlPlaneExecutor, id: string): Promise<AccessKeyRow | undefined> {
  return db.selectFrom('access_key').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAccessKeysByIds(db: ControlPlaneExecutor, ids: readonly string[]): Promise<AccessKeyRow[]> {
  return db.selectFrom('access_key').selectAll().where('id', 'in', ids).execute();
}

export function findAccessKeysByCompanies(db: ControlPlaneExecutor, companyIds: readonly string[]): Promise<AccessKeyRow[]> {
  return db.selectFrom('access_key').selectAll().where('company_id', 'in', companyIds).orderBy('created_at', 'desc').orderBy('id').execute();
}

export function revokeAccessKey(db: ControlPlaneExecutor, id: string, revokedBy: string): Promise<AccessKeyRow | undefined> {
  return db
    .updateTable('access_key')
    .set({ revoked_at: new Date(), revoked_by: revokedBy })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}
