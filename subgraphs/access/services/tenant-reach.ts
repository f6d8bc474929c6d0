import type { Kysely } from 'kysely';
import type { ControlPlane, ControlPlaneExecutor } from '../../../platform/control-plane';
import { isModuleName, type ModuleName } from '../../../platform/modules';
import type { TenantPoolManager } from '../../../platform/tenant-pools';
import { failWith } from '../../kit/errors';
import { listTenants, type TenantWithCompany } from '../store/tenants';

/** What reading tenants' databases takes: the registry, and pools opened only when first needed. */
export interface TenantReachDeps {
  controlPlane: ControlPlane;
  tenantPools: () => TenantPoolManager;
}

/** A company's tenant database as the operator's tools reach it: where it lives and which module schemas it has. */
export interface ReachableTenant {
  companyId: string;
  shard: string;
  database: string;
  modules: ModuleName[];
}

function reachable(tenant: TenantWithCompany): ReachableTenant {
  return { companyId: tenant.company_id, shard: tenant.shard, database: tenant.database_name, modules: tenant.modules.filter(isModuleName) };
}

/** Every ACTIVE tenant (a provisioning one may lack schemas), or only the company's when given. */
export async function activeTenants(db: ControlPlaneExecutor, companyId?: string | null): Promise<ReachableTenant[]> {
  const tenants = await listTenants(db, companyId ? { companyIds: [companyId] } : {});
  return tenants.filter((t) => t.status === 'ACTIVE').map(reachable);
}

/** The company's tenant, or a NOT_FOUND / TENANT_NOT_READY user error. */
export async function tenantOfCompany(db: ControlPlaneExecutor, companyId: string): Promise<ReachableTenant> {
  const [tenant] = await listTenants(db, { companyIds: [companyId] });
  if (!tenant) failWith('companyId', 'No company has this id', 'NOT_FOUND');
  if (tenant.status !== 'ACTIVE') failWith('companyId', 'The company’s tenant database is not ready', 'TENANT_NOT_READY');
  return reachable(tenant);
}

/** Runs `work` on the tenant's database under a pool lease. */
export function inTenantDatabase<DB, T>(pools: TenantPoolManager, tenant: ReachableTenant, work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  return pools.using<DB, T>(tenant.shard, tenant.database, work);
}
