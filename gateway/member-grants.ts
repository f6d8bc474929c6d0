import type { ControlPlane } from '../platform/control-plane';
import { BUILT_IN_ROLES, combineRoles, isBuiltInRole, isPermission, type Grants, type RoleGrant } from '../platform/permissions';

/**
 * What a member holds in their company: their roles (built in, or the
 * company's own) combined into grants, scoped rows included. Sessions, and
 * personal access tokens, which never exceed their owner, both start here.
 */
export async function memberGrants(db: ControlPlane, membershipId: string, companyId: string, employeeId: string | null): Promise<Grants> {
  const assigned = await db.selectFrom('membership_role').select(['role', 'department_id']).where('membership_id', '=', membershipId).execute();
  const customCodes = assigned.map((a) => a.role).filter((r) => !isBuiltInRole(r));
  const custom =
    customCodes.length === 0
      ? []
      : await db
          .selectFrom('company_role')
          .select(['code', 'scope', 'permissions'])
          .where('company_id', '=', companyId)
          .where('code', 'in', customCodes)
          .execute();
  const roles: RoleGrant[] = [];
  for (const a of assigned) {
    const definition = isBuiltInRole(a.role) ? BUILT_IN_ROLES[a.role] : custom.find((c) => c.code === a.role);
    if (!definition) continue;
    roles.push({ permissions: definition.permissions.filter(isPermission), scope: definition.scope, departmentId: a.department_id });
  }
  return combineRoles(roles, employeeId);
}
