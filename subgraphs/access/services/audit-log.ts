import type { CursorValues } from '../../kit/pagination';
import type { TenantAuditDB } from '../../kit/audit';
import { listTenantAudit, type AuditEntryRecord, type AuditFilterValues } from '../store/audit-log';
import { inTenantDatabase, tenantOfCompany, type TenantReachDeps } from './tenant-reach';
import { badUserInput, UserErrorsException } from '../../kit/errors';

/**
 * A page of the company's own audit log, read in its tenant database. An
 * unknown company, or one whose database is not ready yet, is the caller's
 * mistake: a coded GraphQL error, as a query has no userErrors.
 */
export async function companyAuditLog(
  deps: TenantReachDeps,
  companyId: string,
  filter: AuditFilterValues,
  page: { after: CursorValues | null; limit: number },
): Promise<AuditEntryRecord[]> {
  let tenant;
  try {
    tenant = await tenantOfCompany(deps.controlPlane, companyId);
  } catch (error) {
    if (error instanceof UserErrorsException) throw badUserInput(error.message, 'companyId');
    throw error;
  }
  return inTenantDatabase<TenantAuditDB, AuditEntryRecord[]>(deps.tenantPools(), tenant, (db) => listTenantAudit(db, filter, page));
}
