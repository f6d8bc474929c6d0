import { sql } from 'kysely';
import type { AccessKeyRow, ControlPlaneExecutor, NewAccessKey } from '../../../platform/control-plane';
import type { ModuleName } from '../../../platform/modules';
import { isUuid } from '../../../platform/ids';

export function insertAccessKey(db: ControlPlaneExecutor, values: NewAccessKey): Promise<AccessKeyRow> {
  return db.insertInto('access_key').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findAccessKey(db: ControlPlaneExecutor, id: string): Promise<AccessKeyRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db.selectFrom('access_key').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAccessKeysByIds(db: ControlPlaneExecutor, ids: readonly string[]): Promise<AccessKeyRow[]> {
  return db.selectFrom('access_key').selectAll().where('id', 'in', ids).execute();
}

export function findAccessKeysByCompanies(db: ControlPlaneExecutor, companyIds: readonly string[]): Promise<AccessKeyRow[]> {
  return db.selectFrom('access_key').selectAll().where('company_id', 'in', companyIds).orderBy('created_at', 'desc').orderBy('id').execute();
}

/** Ids of `rootIds` and of every key issued from them, directly or through other keys (revoked ones included). */
function lineage(db: ControlPlaneExecutor, rootIds: readonly string[]) {
  return db.withRecursive('lineage(root_id, id)', (qb) =>
    qb
      .selectFrom('access_key')
      .select(['id as root_id', 'id'])
      .where('id', 'in', rootIds)
      .unionAll((union) => union.selectFrom('access_key as k').innerJoin('lineage as l', 'l.id', 'k.issued_by_key_id').select(['l.root_id', 'k.id'])),
  );
}

/** Each root key with every key issued from it, newest first: what that key may see and revoke. */
export async function findKeysWithinReach(db: ControlPlaneExecutor, rootIds: readonly string[]): Promise<Array<AccessKeyRow & { root_id: string }>> {
  return lineage(db, rootIds)
    .selectFrom('lineage as l')
    .innerJoin('access_key as k', 'k.id', 'l.id')
    .selectAll('k')
    .select('l.root_id')
    .orderBy('k.created_at', 'desc')
    .orderBy('k.id')
    .execute();
}

/** Whether `keyId` is `rootId` itself or was issued from it, directly or through other keys. */
export async function isWithinReach(db: ControlPlaneExecutor, rootId: string, keyId: string): Promise<boolean> {
  if (!isUuid(keyId)) return false;
  const row = await lineage(db, [rootId]).selectFrom('lineage').select('id').where('id', '=', keyId).executeTakeFirst();
  return row !== undefined;
}

/** Keys issued from `rootId`, directly or not, that are still valid (`rootId` itself excluded). */
export async function findValidDescendants(db: ControlPlaneExecutor, rootId: string): Promise<AccessKeyRow[]> {
  return lineage(db, [rootId])
    .selectFrom('lineage as l')
    .innerJoin('access_key as k', 'k.id', 'l.id')
    .selectAll('k')
    .where('k.id', '<>', rootId)
    .where('k.revoked_at', 'is', null)
    .orderBy('k.created_at')
    .orderBy('k.id')
    .execute();
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

/** Revokes the still-valid keys among `ids` in one statement; returns those it revoked. */
export function revokeAccessKeys(db: ControlPlaneExecutor, ids: readonly string[], revokedBy: string): Promise<AccessKeyRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .updateTable('access_key')
    .set({ revoked_at: new Date(), revoked_by: revokedBy })
    .where('id', 'in', ids)
    .where('revoked_at', 'is', null)
    .returningAll()
    .execute();
}

/** The company's still-valid keys (personal tokens included) that grant any of `modules`, locked for a change. */
export function findValidKeysGranting(db: ControlPlaneExecutor, companyId: string, modules: readonly ModuleName[]): Promise<AccessKeyRow[]> {
  return db
    .selectFrom('access_key')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('revoked_at', 'is', null)
    .where(sql<boolean>`modules && ${sql.val(modules)}::text[]`)
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** Gives each key its new, narrower grant in one statement. */
export async function narrowAccessKeys(
  db: ControlPlaneExecutor,
  grants: ReadonlyArray<{ id: string; modules: ModuleName[]; permissions: string[] | null }>,
): Promise<AccessKeyRow[]> {
  if (grants.length === 0) return [];
  const result = await sql<AccessKeyRow>`
    UPDATE access_key SET modules = g.modules, permissions = g.permissions
    FROM jsonb_to_recordset(${JSON.stringify(grants)}::jsonb) AS g(id uuid, modules text[], permissions text[])
    WHERE access_key.id = g.id
    RETURNING access_key.*`.execute(db);
  return result.rows;
}
