import type { CompanyRow } from '../../../platform/control-plane';
import { normalizeModules, type ModuleName } from '../../../platform/modules';
import { failWith, UserErrorsException, userError } from '../../kit/errors';
import type { ActorIdentity } from '../../kit/actor';
import type { AccessDeps } from '../deps';
import { inControlPlaneTransaction } from '../mutation';
import { findCompany, setCompanyModules } from '../store/companies';
import { findTenantByCompany, recordTenantState } from '../store/tenants';
import { withAdvisoryLock } from './locks';
import { migrateTenantDatabase, type TenantPlacement } from './tenant-schemas';
import { createDatabase } from '../../../platform/db';
import { loadConsumers } from '../../../platform/subgraphs';
import { requeueHistoryFor } from '../../../platform/outbox';
import { actingAs, ownerRole } from '../../../platform/db-roles';

/** The new modules' consumers get the events published before they existed (e.g. assets learns existing staff). */
async function replayHistory(deps: AccessDeps, tenant: TenantPlacement, added: ModuleName[], existing: ModuleName[]): Promise<void> {
  const url = deps.shards.databaseUrl(tenant.shard, tenant.database_name);
  // Every module's outbox: only the owner role may touch them all.
  const db = createDatabase<unknown>(deps.databaseRolePrefix ? actingAs(url, ownerRole(deps.databaseRolePrefix)) : url, {
    max: 1,
    applicationName: 'fluxo-migrations',
  });
  try {
    const requeued = await requeueHistoryFor(db, added, existing, loadConsumers());
    if (requeued > 0) deps.logger.info({ database: tenant.database_name, added, requeued }, 'past events queued for the new modules');
  } finally {
    await db.destroy();
  }
}

/**
 * Subscribes a company to more modules: their schemas are created and migrated
 * first, and only then does the company's module list grow. Existing keys keep
 * exactly the modules they were issued with. Past events of the existing
 * modules are queued again so the new modules' projections start complete.
 * Like approval, it takes the access deps: the migrations run outside any
 * control-plane transaction.
 */
export async function addCompanyModules(unlocked: AccessDeps, companyId: string, requested: readonly ModuleName[], who: ActorIdentity): Promise<CompanyRow> {
  const modules = normalizeModules(requested);
  if (modules.length === 0) failWith('input.modules', 'Name at least one module to add', 'NO_MODULES');
  return withAdvisoryLock(unlocked.controlPlane, `company-modules:${companyId}`, async (locked) => {
    const deps = { ...unlocked, controlPlane: locked };
    const company = await findCompany(deps.controlPlane, companyId);
    if (!company) failWith('input.companyId', `No company ${companyId}`, 'NOT_FOUND');
    const tenant = await findTenantByCompany(deps.controlPlane, companyId);
    if (!tenant || tenant.status !== 'ACTIVE') failWith('input.companyId', "The company's tenant is not provisioned yet", 'TENANT_NOT_READY');
    const added = modules.filter((m) => !company.modules.includes(m));
    if (added.length === 0) return company;
    let versions: Record<string, string | null>;
    try {
      ({ versions } = await migrateTenantDatabase(deps.shards, tenant, added, deps.tenantMigrations, { rolePrefix: deps.databaseRolePrefix }));
      await replayHistory(deps, tenant, added, company.modules);
    } catch (error) {
      deps.logger.error({ err: error, companyId, added }, 'adding modules failed');
      throw new UserErrorsException([userError(null, 'Migrating the new modules did not complete; adding them again resumes the work', 'PROVISIONING_FAILED')]);
    }
    return inControlPlaneTransaction(deps.controlPlane, who, 'addCompanyModules', async (trx, actor) => {
      const updated = await setCompanyModules(trx, companyId, normalizeModules([...company.modules, ...added]));
      await recordTenantState(trx, tenant.id, { versions });
      actor.audit({ entity: 'company', entityId: companyId, before: { modules: company.modules }, after: { modules: updated.modules } });
      return updated;
    });
  });
}
