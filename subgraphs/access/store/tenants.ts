import { sql } from 'kysely';
import type { ControlPlaneExecutor, NewTenant, SchemaVersions, TenantRow, TenantStatus } from '../../../platform/control-plane';
import { isUuid } from '../../../platform/ids';

export function insertTenant(db: ControlPlaneExecutor, values: NewTenant): Promise<TenantRow> {
  return db.insertInto('tenant').values(values).returningAll().executeTakeFirstOrThrow();
}

export function findTenantByCompany(db: ControlPlaneExecutor, companyId: string): Promise<TenantRow | undefined> {
  if (!isUuid(companyId)) return Promise.resolve(undefined);
  return db.selectFrom('tenant').selectAll().where('company_id', '=', companyId).executeTakeFirst();
}

export interface TenantWithCompany extends TenantRow {
  slug: string;
  modules: string[];
}

export function listTenants(db: ControlPlaneExecutor, filter: { slugs?: string[]; companyIds?: string[] } = {}): Promise<TenantWithCompany[]> {
  let query = db.selectFrom('tenant').innerJoin('company', 'company.id', 'tenant.company_id').selectAll('tenant').select(['company.slug', 'company.modules']);
  if (filter.slugs && filter.slugs.length > 0) query = query.where('company.slug', 'in', filter.slugs);
  if (filter.companyIds) {
    const ids = filter.companyIds.filter(isUuid);
    if (ids.length === 0) return Promise.resolve([]);
    query = query.where('company.id', 'in', ids);
  }
  return query.orderBy('company.slug').execute();
}

/** Merges new schema versions into the registry row; a status and error may change with them. */
export function recordTenantState(
  db: ControlPlaneExecutor,
  tenantId: string,
  change: { status?: TenantStatus; versions?: SchemaVersions; lastError?: string | null },
): Promise<TenantRow> {
  return db
    .updateTable('tenant')
    .set({
      ...(change.status ? { status: change.status } : {}),
      ...(change.versions ? { schema_versions: sql<string>`schema_versions || ${JSON.stringify(change.versions)}::jsonb` as never } : {}),
      ...(change.lastError !== undefined ? { last_error: change.lastError } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', tenantId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findTenantsByCompanies(db: ControlPlaneExecutor, companyIds: readonly string[]): Promise<TenantRow[]> {
  return db.selectFrom('tenant').selectAll().where('company_id', 'in', companyIds).execute();
}
