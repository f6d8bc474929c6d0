import type DataLoader from 'dataloader';
import type { AccessKeyRow, AppUserRow, CompanyRow, MembershipRow, RoleAssignment, TenantRow } from '../../platform/control-plane';
import type { BaseContext } from '../kit/context';
import { groupBy, groupLoader, indexBy, mapLoader } from '../kit/loaders';
import type { AccessDeps } from './deps';
import { findAccessKeysByCompanies, findAccessKeysByIds, findKeysWithinReach } from './store/access-keys';
import { findCompaniesByIds, findCompaniesByRequests } from './store/companies';
import { findTenantsByCompanies } from './store/tenants';
import { findMembershipsOfUsers, findUsersByIds } from './store/people';

export interface AccessLoaders {
  company: DataLoader<string, CompanyRow | null>;
  companyOfRequest: DataLoader<string, CompanyRow | null>;
  tenantOfCompany: DataLoader<string, TenantRow | null>;
  accessKey: DataLoader<string, AccessKeyRow | null>;
  accessKeysOfCompany: DataLoader<string, AccessKeyRow[]>;
  /** A key with every key issued from it: what that key may list and revoke. */
  keysWithinReach: DataLoader<string, AccessKeyRow[]>;
  user: DataLoader<string, AppUserRow | null>;
  membershipsOfUser: DataLoader<string, Array<MembershipRow & { roles: RoleAssignment[] }>>;
}

export interface AccessContext extends BaseContext {
  deps: AccessDeps;
  loaders: AccessLoaders;
}

export function createAccessContext(deps: AccessDeps, base: BaseContext): AccessContext {
  const db = deps.controlPlane;
  return {
    ...base,
    deps,
    loaders: {
      company: mapLoader(async (ids) => indexBy(await findCompaniesByIds(db, ids), (c) => c.id)),
      companyOfRequest: mapLoader(async (ids) => indexBy(await findCompaniesByRequests(db, ids), (c) => c.subscription_request_id ?? '')),
      tenantOfCompany: mapLoader(async (ids) => indexBy(await findTenantsByCompanies(db, ids), (t) => t.company_id)),
      accessKey: mapLoader(async (ids) => indexBy(await findAccessKeysByIds(db, ids), (k) => k.id)),
      accessKeysOfCompany: groupLoader(async (ids) => groupBy(await findAccessKeysByCompanies(db, ids), (k) => k.company_id)),
      keysWithinReach: groupLoader(async (ids) => groupBy(await findKeysWithinReach(db, ids), (k) => k.root_id)),
      user: mapLoader(async (ids) => indexBy(await findUsersByIds(db, ids), (u) => u.id)),
      membershipsOfUser: groupLoader(async (ids) => groupBy(await findMembershipsOfUsers(db, ids), (m) => m.user_id)),
    },
  };
}
