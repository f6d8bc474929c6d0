import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import type { ControlPlane } from '../platform/control-plane';
import { ErrorCode } from '../platform/errors';
import { UUID_PATTERN } from '../platform/ids';
import { normalizeModules, type ModuleName } from '../platform/modules';
import { ALL_PERMISSIONS, isReadPermission, normalizePermissions, withinModules, type Grants } from '../platform/permissions';
import type { TenantRef } from '../platform/tenant-context';
import type { Caller } from './caller';

/** The header with which the operator names the company it acts for (docs/custom-fields.md, "The operator"). */
export const COMPANY_HEADER = 'x-fluxo-company';

/**
 * What the operator holds in a company it names: the company's configuration
 * (custom-field definitions) and the read permissions a definition may name, so
 * it lists every definition it manages. Subgraphs honour this grant only on the
 * fields that opt in (OPERATOR_FOR_COMPANY in subgraphs/kit/permissions.ts).
 */
export function operatorGrants(modules: readonly ModuleName[]): Grants {
  const reads = withinModules(ALL_PERMISSIONS.filter(isReadPermission), modules);
  return { permissions: normalizePermissions(['company:settings.manage', ...reads]), scoped: {} };
}

/** The company a request names in COMPANY_HEADER, or null when it names none. */
function namedCompany(headers: IncomingHttpHeaders): string | null {
  const raw = headers[COMPANY_HEADER];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value ? value : null;
}

function refused(message: string, reason: string, code: ErrorCode = ErrorCode.FORBIDDEN, status = 403): GraphQLError {
  return new GraphQLError(message, { extensions: { code, reason, http: { status } } });
}

/**
 * The caller a request acts as once its company header is read. Without the
 * header, the caller as its credential verified. With it, only the operator
 * (ADMIN) is accepted: it acts for that company, an active one, with the
 * company's tenant and modules and the grant of operatorGrants. Any other
 * caller naming a company is refused with FORBIDDEN, never ignored: a company
 * credential acts in its own company only. The company is part of the caller,
 * so of the signed context and of every key built from it (the signer's, the
 * in-flight deduplication's and the response cache's): two companies never share one.
 * Looked up on every request that names one (one indexed read), so a moved or
 * suspended tenant is seen at once.
 */
export async function actingFor(headers: IncomingHttpHeaders, caller: Caller, db: ControlPlane): Promise<Caller> {
  const companyId = namedCompany(headers);
  if (companyId === null) return caller;
  if (caller.kind !== 'ADMIN') throw refused(`Only the platform operator may name a company with ${COMPANY_HEADER}`, 'COMPANY_HEADER_NOT_ALLOWED');
  if (!UUID_PATTERN.test(companyId)) throw refused(`${COMPANY_HEADER} must be a company id`, 'INVALID_COMPANY_ID', ErrorCode.BAD_USER_INPUT, 400);
  const row = await db
    .selectFrom('company as c')
    .innerJoin('tenant as t', 't.company_id', 'c.id')
    .select(['c.id as companyId', 'c.slug', 'c.modules', 't.id as tenantId', 't.database_name', 't.shard', 't.status'])
    .where('c.id', '=', companyId)
    .executeTakeFirst();
  if (!row || row.status !== 'ACTIVE') throw refused(`No active company ${companyId}`, 'COMPANY_NOT_ACTIVE');
  const modules = normalizeModules(row.modules);
  const tenant: TenantRef = {
    id: row.tenantId,
    slug: row.slug,
    companyId: row.companyId,
    database: row.database_name,
    shard: row.shard,
    companyModules: modules,
  };
  return { ...caller, tenant, modules, grants: operatorGrants(modules) };
}
