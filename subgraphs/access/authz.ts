import type { TenantContext } from '../../platform/tenant-context';
import { createAuthorizer } from '../kit/authz';
import type { IssuingKey } from './domain/access-keys';
import type { Permission } from '../../platform/permissions';

const isOperator = (c: TenantContext) => c.kind === 'ADMIN';
/** A company credential: a key (or personal token), or a person signed in to the company. */
const isCompanyCaller = (c: TenantContext) => c.kind === 'STANDARD' || c.kind === 'PARTNER' || c.kind === 'USER';
const holds = (c: TenantContext, permission: Permission) => c.grants.permissions.includes(permission) && c.grants.scoped[permission] === undefined;
const ownsCompany = (c: TenantContext, companyId: string | undefined) => companyId !== undefined && c.tenant?.companyId === companyId;

/**
 * Who may do what in the access subgraph. Public actions (plans, requestSubscription) need no check.
 * `keys:manage` admits a caller to key management of a company; which keys it may
 * then issue, list and revoke is narrowed to its own grant and lineage (services/access-keys).
 */
export const assertCan = createAuthorizer<
  | 'subscription:review'
  | 'company:list'
  | 'company:read'
  | 'company:addModules'
  | 'company:removeModules'
  | 'company:auditRetention'
  | 'tenant:read'
  | 'keys:manage'
  | 'me:read'
  | 'audit:read'
  | 'webhooks:manage'
  | 'operations',
  string | undefined
>({
  'subscription:review': isOperator,
  'company:list': isOperator,
  'company:addModules': isOperator,
  'company:removeModules': isOperator,
  'company:auditRetention': isOperator,
  // Where a tenant lives (database, shard) is the platform's business, not the company's.
  'tenant:read': isOperator,
  'company:read': (c, companyId) => isOperator(c) || (isCompanyCaller(c) && ownsCompany(c, companyId)),
  // Partner keys run persisted operations only; they never manage keys. People need the permission.
  'keys:manage': (c, companyId) =>
    isOperator(c) || ((c.kind === 'STANDARD' || c.kind === 'USER') && ownsCompany(c, companyId) && holds(c, 'company:keys.manage')),
  'me:read': isCompanyCaller,
  // A company's audit log is its own: a credential of another company never reads it, whatever it holds.
  // Partner keys run persisted operations only; endpoints are managed by the company's own keys and people.
  'webhooks:manage': (c, companyId) =>
    isOperator(c) || ((c.kind === 'STANDARD' || c.kind === 'USER') && ownsCompany(c, companyId) && holds(c, 'company:webhooks.manage')),
  'audit:read': (c, companyId) => isOperator(c) || (isCompanyCaller(c) && ownsCompany(c, companyId) && holds(c, 'company:audit.read')),
  // Dead letters, the platform's audit and the subgraphs' readiness span every company.
  operations: isOperator,
});

/**
 * What the caller holds, which a key it issues must stay within: a key's (or
 * personal token's) grant, or a signed-in person's. Null for the operator.
 */
export function issuingKeyOf(caller: TenantContext): IssuingKey | null {
  if (caller.kind !== 'STANDARD' && caller.kind !== 'PARTNER' && caller.kind !== 'USER') return null;
  const permissions = caller.grants.permissions.filter((p) => caller.grants.scoped[p] === undefined);
  return {
    id: caller.kind === 'USER' ? null : caller.keyId!,
    kind: caller.kind === 'PARTNER' ? 'PARTNER' : 'STANDARD',
    modules: caller.modules,
    permissions,
    // A read-only key holds only READ permissions, so what it issues holds no more: the permission check covers it.
    readOnly: false,
  };
}

/**
 * Whose keys the caller may list and revoke: a key, itself and those issued
 * from it; a person with company:keys.manage, like the operator, every key of
 * the company (null).
 */
export function keyReachOf(caller: TenantContext): { id: string } | null {
  return (caller.kind === 'STANDARD' || caller.kind === 'PARTNER') && caller.keyId ? { id: caller.keyId } : null;
}

/** Whether the caller holds a permission outright (the operator holds all): what it may subscribe webhooks to. */
export function holdsPermission(c: TenantContext, permission: Permission): boolean {
  return isOperator(c) || holds(c, permission);
}
