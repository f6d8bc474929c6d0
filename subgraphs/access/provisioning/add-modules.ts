import type { CompanyRow } from '../../../platform/control-plane';
import { normalizeModules, type ModuleName } from '../../../platform/modules';
import { failWith, UserErrorsException, userError } from '../../kit/errors';
import type { AccessDeps, Actor } from '../deps';
import { writeGlobalAudit } from '../store/audit';
import { findCompany, setCompanyModules } from '../store/companies';
import { findTenantByCompany, recordTenantState } from '../store/tenants';
import { withAdvisoryLock } from './locks';
import { migrateTenantDatabase } from './tenant-schemas';

/**
 * Subscribes a company to more modules: their schemas are created and migrated
 * first, and only then does the company's module list grow. Existing keys keep
 * exactly the modules they were issued with.
 */
export async function addCompanyModules(unlocked: AccessDeps, companyId: string, requested: readonly ModuleName[], actor: Actor): Promise<CompanyRow> {
  const modules = normalizeModules(requested);
  if (modules.length === 0) failWith('input.modules', 'Name at least one module to add', 'NO_MODULES');
  return withAdvisoryLock(unlocked.controlPlane, `company-modules:${companyId}`, async (locked) => {
    const deps = { ...unlocked, controlPlane: locked };
    const company = await findCompany(deps.controlPlane, companyId);
    if (!company) failWith('input.companyId', `No company ${companyId}`, 'NOT_FOUND');
    const tenant = await findTenantByCompany(deps.controlPlane, companyId);
    if (!tenant || tenant.status !== 'ACTIVE') failWith('input.companyId', 'The company\'s tenant is not provisioned yet', 'TENANT_NOT_READY');
    const added = modules.filter((m) => !company.modules.includes(m));
    if (added.length === 0) return company;
    let versions: Record<string, string | null>;
    try {
      ({ versions } = await migrateTenantDatabase(deps.shards, tenant, added, deps.tenantMigrations));
    } catch (error) {
      deps.logger.error({ err: error, companyId, added }, 'adding modules failed');
      throw new UserErrorsException([userError(null, 'Migrating the new modules did not complete; adding them again resumes the work', 'PROVISIONING_FAILED')]);
    }
    return deps.controlPlane.transaction().execute(async (trx) => {
      const updated = await setCompanyModules(trx, companyId, normalizeModules([...company.modules, ...added]));
      await recordTenantState(trx, tenant.id, { versions });
      await writeGlobalAudit(trx, [
        { actorKind: actor.kind, actorId: actor.id, requestId: actor.requestId, operation: 'addCompanyModules', entity: 'company', entityId: companyId, before: { modules: company.modules }, after: { modules: updated.modules } },
      ]);
      return updated;
    });
  });
}
