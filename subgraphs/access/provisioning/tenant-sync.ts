import pLimit from 'p-limit';
import type { AccessDeps } from '../deps';
import { listTenants, recordTenantState, type TenantWithCompany } from '../store/tenants';
import { migrateTenantDatabase } from './tenant-schemas';
import type { ModuleName } from '../../../platform/modules';

export interface TenantSyncResult {
  slug: string;
  database: string;
  ok: boolean;
  applied: string[];
  error?: string;
}

/**
 * Brings every active tenant database to the latest migrations of its modules,
 * at most `concurrency` at a time. One tenant's failure is recorded and
 * reported; the others carry on.
 */
export async function syncTenants(
  deps: AccessDeps,
  options: { concurrency: number; slugs?: string[]; onTenantDone?: (result: TenantSyncResult) => void; onStart?: (total: number) => void },
): Promise<TenantSyncResult[]> {
  const tenants = (await listTenants(deps.controlPlane, { slugs: options.slugs })).filter((t) => t.status === 'ACTIVE');
  options.onStart?.(tenants.length);
  const limit = pLimit(Math.max(1, options.concurrency));
  return Promise.all(tenants.map((tenant) => limit(() => syncOne(deps, tenant).then((result) => (options.onTenantDone?.(result), result)))));
}

async function syncOne(deps: AccessDeps, tenant: TenantWithCompany): Promise<TenantSyncResult> {
  try {
    // A superuser's sync also hands a tenant made before roles to the owner role; every sync restores the tenant's grants.
    const { versions, applied } = await migrateTenantDatabase(deps.shards, tenant, tenant.modules as ModuleName[], deps.tenantMigrations, {
      rolePrefix: deps.databaseRolePrefix,
      adopt: true,
    });
    await recordTenantState(deps.controlPlane, tenant.id, { versions, lastError: null });
    return { slug: tenant.slug, database: tenant.database_name, ok: true, applied };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error({ err: error, tenant: tenant.slug }, 'tenant sync failed');
    await recordTenantState(deps.controlPlane, tenant.id, { lastError: message }).catch(() => undefined);
    return { slug: tenant.slug, database: tenant.database_name, ok: false, applied: [], error: message };
  }
}
