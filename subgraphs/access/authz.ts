import type { TenantContext } from '../../platform/tenant-context';
import { createAuthorizer } from '../kit/authz';

const isOperator = (c: TenantContext) => c.kind === 'ADMIN';
const isCompanyKey = (c: TenantContext) => c.kind === 'STANDARD' || c.kind === 'PARTNER';
const ownsCompany = (c: TenantContext, companyId: string | undefined) => companyId !== undefined && c.tenant?.companyId === companyId;

/** Who may do what in the access subgraph. Public actions (plans, requestSubscription) need no check. */
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
