import type { AccessKeyRow, CompanyRow } from '../../../platform/control-plane';
import { normalizeModules, type ModuleName } from '../../../platform/modules';
import { normalizePermissions, withinModules } from '../../../platform/permissions';
import type { Actor, ActorIdentity } from '../../kit/actor';
import { failWith } from '../../kit/errors';
import { actorLabel, type AccessDeps } from '../deps';
import { inControlPlaneTransaction, type ControlPlaneTransaction } from '../mutation';
import { findValidKeysGranting, narrowAccessKeys, revokeAccessKeys } from '../store/access-keys';
import { findCompany, setCompanyModules } from '../store/companies';
import { withAdvisoryLock } from './locks';

/** A key's grant without the removed modules: its modules, and the permissions it names within those. */
function narrowedGrant(key: AccessKeyRow, kept: readonly ModuleName[]) {
  const modules = key.modules.filter((m) => kept.includes(m));
  const permissions = key.permissions === null ? null : withinModules(normalizePermissions(key.permissions), modules);
  return { id: key.id, modules, permissions };
}

/**
 * Every still-valid key and personal token of the company stops granting the
 * removed modules; one left with no module grants nothing and is revoked. The
 * rows change, not only the company's list, so that re-adding a module later
 * does not silently hand it back to keys issued for a narrower subscription.
 */
async function narrowKeys(trx: ControlPlaneTransaction, companyId: string, removed: ModuleName[], kept: ModuleName[], actor: Actor): Promise<void> {
  const keys = await findValidKeysGranting(trx, companyId, removed);
  const grants = keys.map((k) => narrowedGrant(k, kept));
  await narrowAccessKeys(
    trx,
    grants.filter((g) => g.modules.length > 0),
  );
  await revokeAccessKeys(
    trx,
    grants.filter((g) => g.modules.length === 0).map((g) => g.id),
    actorLabel(actor),
  );
  keys.forEach((key, i) => {
    const { modules, permissions } = grants[i]!;
    actor.audit({
      entity: 'access_key',
      entityId: key.id,
      before: { modules: key.modules, permissions: key.permissions },
      after: modules.length > 0 ? { modules, permissions } : { revoked: true },
    });
  });
}

/**
 * Unsubscribes a company from modules, the counterpart of addCompanyModules.
 * Nothing in the tenant database is touched: the modules' schemas and data
 * stay, and adding the modules again makes them reachable. The company's list
 * shrinks and its keys narrow in one transaction; both changes notify every
 * gateway (`company:<id>` and each key's id), which drop their cached grants.
 */
export async function removeCompanyModules(unlocked: AccessDeps, companyId: string, requested: readonly ModuleName[], who: ActorIdentity): Promise<CompanyRow> {
  const modules = normalizeModules(requested);
  if (modules.length === 0) failWith('input.modules', 'Name at least one module to remove', 'NO_MODULES');
  // The lock addCompanyModules takes: a removal never interleaves with an addition's read and write of the list.
  return withAdvisoryLock(unlocked.controlPlane, `company-modules:${companyId}`, (locked) =>
    inControlPlaneTransaction(locked, who, 'removeCompanyModules', async (trx, actor) => {
      const company = await findCompany(trx, companyId);
      if (!company) failWith('input.companyId', `No company ${companyId}`, 'NOT_FOUND');
      const unsubscribed = modules.filter((m) => !company.modules.includes(m));
      if (unsubscribed.length > 0) failWith('input.modules', `The company does not subscribe to ${unsubscribed.join(', ')}`, 'MODULE_NOT_SUBSCRIBED');
      const kept = company.modules.filter((m) => !modules.includes(m));
      if (kept.length === 0) failWith('input.modules', 'A company keeps at least one module', 'NO_MODULES_LEFT');
      const updated = await setCompanyModules(trx, companyId, normalizeModules(kept));
      await narrowKeys(trx, companyId, modules, updated.modules, actor);
      actor.audit({ entity: 'company', entityId: companyId, before: { modules: company.modules }, after: { modules: updated.modules } });
      return updated;
    }),
  );
}
