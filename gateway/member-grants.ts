import type { ControlPlane } from '../platform/control-plane';
import type { ModuleName } from '../platform/modules';
import { BUILT_IN_ROLES, combineRoles, isBuiltInRole, isPermission, withinModules, type Grants, type RoleGrant } from '../platform/permissions';

/**
 * What a member may do: the roles of their membership (built-in or the
 * company's own) combined, within the company's modules, with row scopes only
 * for permissions they hold. Sessions, identity-provider tokens and personal
 * access tokens (which never exceed their owner) all start here.
 */
export async function memberGrants(
  db: ControlPlane,
  member: { membershipId: string; companyId: string; employeeId: string | null },
  modules: readonly ModuleName[],
): Promise<Grants> {
  const combined = await combinedRoles(db, member);
  const grants: Grants = { permissions: withinModules(combined.permissions, modules), scoped: combined.scoped };
  for (const p of Object.keys(grants.scoped)) {
    if (!grants.permissions.includes(p as never)) delete grants.scoped[p as never];
  }
  return grants;
}

async function combinedRoles(db: ControlPlane, member: { membershipId: string; companyId: string; employeeId: string | null }): Promise<Grants> {
  const assigned = await db.selectFrom('membership_role').select(['role', 'department_id']).where('membership_id', '=', member.membershipId).execute();
  const customCodes = assigned.map((a) => a.role).filter((r) => !isBuiltInRole(r));
  const custom =
    customCodes.length === 0
      ? []
      : await db
          .selectFrom('company_role')
          .select(['code', 'scope', 'permissions'])
          .where('company_id', '=', member.companyId)
          .where('code', 'in', customCodes)
          .execute();
  const roles: RoleGrant[] = [];
  for (const a of assigned) {
    const definition = isBuiltInRole(a.role) ? BUILT_IN_ROLES[a.role] : custom.find((c) => c.code === a.role);
    if (!definition) continue;
    roles.push({ permissions: definition.permissions.filter(isPermission), scope: definition.scope, departmentId: a.department_id });
  }
  return combineRoles(roles, member.employeeId);
}
