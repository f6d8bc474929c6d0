import type { TenantContext } from '../../platform/tenant-context';
import { createAuthorizer } from '../kit/authz';
import type { IssuingKey } from './domain/access-keys';

const isOperator = (c: TenantContext) => c.kind === 'ADMIN';
const isCompanyKey = (c: TenantContext) => c.kind === 'STANDARD' || c.kind === 'PARTNER';
const ownsCompany = (c: TenantContext, companyId: string | undefined) => companyId !== undefined && c.tenant?.companyId === companyId;

/**
 * Who may do what in the access subgraph. Public actions (plans, requestSubscription) need no check.
 * `keys:manage` admits a caller to key management of a company; which keys it may
 * then issue, list and revoke is narrowed to its own grant and lineage (services/access-keys).
 */
export const assertCan = createAuthorizer<
  'subscription:review' | 'company:list' | 'company:read' | 'company:addModules' | 'keys:manage' | 'me:read',
  string | undefined
>({
  'subscription:review': isOperator,
  'company:list': isOperator,
  'company:addModules': isOperator,
  'company:read': (c, companyId) => isOperator(c) || (isCompanyKey(c) && ownsCompany(c, companyId)),
  // Partner keys run persisted operations only; they never manage keys.
  'keys:manage': (c, companyId) => isOperator(c) || (c.kind === 'STANDARD' && ownsCompany(c, companyId)),
  'me:read': isCompanyKey,
});

/** The calling key and what it holds, or null for the operator, whose reach is every key. */
export function issuingKeyOf(caller: TenantContext): IssuingKey | null {
  if (caller.kind !== 'STANDARD' && caller.kind !== 'PARTNER') return null;
  return { id: caller.keyId!, kind: caller.kind, modules: caller.modules };
}
