import type { ModuleName } from './modules';

/**
 * The catalogue of permissions: what a person or a key may do in a company,
 * per module and action. Each query field and mutation of a subgraph names one
 * of these in its module's permission map (subgraphs/<module>/permissions.ts);
 * a test fails on a field that names none. Built-in roles are sets of these;
 * a company composes custom roles from them.
 *
 * `READ` permissions only read; a read-only key or token holds no `WRITE` one.
 * `module` is the module whose subscription the permission needs (null: the
 * company's own administration, which every subscription has).
 */
export const PERMISSIONS = {
  'company:read': { module: null, access: 'READ', description: 'See the company, its modules and its members.' },
  'company:members.manage': { module: null, access: 'WRITE', description: 'Invite people, remove members and assign their roles.' },
  'company:roles.manage': { module: null, access: 'WRITE', description: 'Create and change custom roles.' },
  'company:keys.manage': { module: null, access: 'WRITE', description: 'Issue, list and revoke the company’s access keys.' },
  'company:settings.manage': { module: null, access: 'WRITE', description: 'Change sign-in and approval settings.' },
  'company:webhooks.manage': {
    module: null,
    access: 'WRITE',
    description: 'Add, change, rotate and remove the company’s webhook endpoints, and see their deliveries.',
  },
  'company:audit.read': { module: null, access: 'READ', description: 'Read the company’s audit log: who changed what, when, and from where.' },

  'employees:directory.read': { module: 'EMPLOYEES', access: 'READ', description: 'See employees, departments, positions and job roles.' },
  'employees:contracts.read': { module: 'EMPLOYEES', access: 'READ', description: 'See employment contracts and salaries.' },
  'employees:manage': { module: 'EMPLOYEES', access: 'WRITE', description: 'Hire, move, update and terminate employees; shape the organisation.' },
  'employees:contracts.manage': { module: 'EMPLOYEES', access: 'WRITE', description: 'Sign employment contracts.' },
  'employees:sensitive.read': {
    module: 'EMPLOYEES',
    access: 'READ',
    description:
      'See employees’ personal data unmasked (tax id, bank account, date of birth, address, emergency contact) and find them by tax id; every reveal is audited.',
  },

  'assets:read': { module: 'ASSETS', access: 'READ', description: 'See assets, their custody, maintenance and book values.' },
  'assets:manage': { module: 'ASSETS', access: 'WRITE', description: 'Register, assign, return, maintain and dispose of assets.' },
  'assets:depreciation.run': { module: 'ASSETS', access: 'WRITE', description: 'Run depreciation and change the asset ledger settings.' },

  'finance:ledger.read': { module: 'FINANCE', access: 'READ', description: 'See accounts, journal entries, the trial balance and bank reconciliations.' },
  'finance:ledger.manage': { module: 'FINANCE', access: 'WRITE', description: 'Create accounts, close periods and change ledger settings.' },
  'finance:journal.post': { module: 'FINANCE', access: 'WRITE', description: 'Post and reverse journal entries.' },
  'finance:bank.manage': { module: 'FINANCE', access: 'WRITE', description: 'Record bank transactions and reconcile them.' },

  'payroll:runs.read': { module: 'PAYROLL', access: 'READ', description: 'See pay runs, their totals and payroll settings.' },
  'payroll:payslips.read': { module: 'PAYROLL', access: 'READ', description: 'See payslips.' },
  'payroll:settings.manage': { module: 'PAYROLL', access: 'WRITE', description: 'Change payroll rates, accounts and pay components.' },
  'payroll:runs.prepare': { module: 'PAYROLL', access: 'WRITE', description: 'Create, calculate and cancel pay runs.' },
  'payroll:runs.approve': { module: 'PAYROLL', access: 'WRITE', description: 'Approve calculated pay runs.' },
  'payroll:runs.post': { module: 'PAYROLL', access: 'WRITE', description: 'Post approved pay runs to the ledger.' },
} as const satisfies Record<string, { module: ModuleName | null; access: 'READ' | 'WRITE'; description: string }>;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}

/** The module a permission needs, or null for the company's own administration. */
export function permissionModule(permission: Permission): ModuleName | null {
  return PERMISSIONS[permission].module;
}

export function isReadPermission(permission: Permission): boolean {
  return PERMISSIONS[permission].access === 'READ';
}

/** Sorted and de-duplicated, in catalogue order, so permission sets compare and sign canonically. */
export function normalizePermissions(permissions: Iterable<string>): Permission[] {
  const set = new Set(permissions);
  return ALL_PERMISSIONS.filter((p) => set.has(p));
}

/** The permissions that stay usable for a company with these modules (administration always does). */
export function withinModules(permissions: readonly Permission[], modules: readonly ModuleName[]): Permission[] {
  return permissions.filter((p) => {
    const module = permissionModule(p);
    return module === null || modules.includes(module);
  });
}

/** The permission whose holder, across the whole company, sees a module's block of the overview (a module without a block has none). */
export const OVERVIEW_PERMISSION: Partial<Record<ModuleName, Permission>> = {
  EMPLOYEES: 'employees:directory.read',
  ASSETS: 'assets:read',
  FINANCE: 'finance:ledger.read',
  PAYROLL: 'payroll:runs.read',
};

/**
 * Where a role's permissions apply: the whole company; only the rows of the
 * employee record linked to the member (SELF); or the employees of a
 * department and every department below it (DEPARTMENT).
 */
export type RoleScope = 'COMPANY' | 'SELF' | 'DEPARTMENT';

export const BUILT_IN_ROLES = {
  OWNER: { name: 'Owner', scope: 'COMPANY', permissions: ALL_PERMISSIONS, description: 'Everything, including the company’s administration.' },
  ADMIN: { name: 'Administrator', scope: 'COMPANY', permissions: ALL_PERMISSIONS, description: 'Everything, including the company’s administration.' },
  HR_MANAGER: {
    name: 'HR manager',
    scope: 'COMPANY',
    permissions: [
      'company:read',
      'employees:directory.read',
      'employees:contracts.read',
      'employees:manage',
      'employees:contracts.manage',
      'employees:sensitive.read',
    ],
    description: 'Runs the staff directory, the organisation and contracts.',
  },
  HR_VIEWER: { name: 'HR viewer', scope: 'COMPANY', permissions: ['company:read', 'employees:directory.read'], description: 'Reads the staff directory.' },
  ACCOUNTANT: {
    name: 'Accountant',
    scope: 'COMPANY',
    permissions: [
      'company:read',
      'finance:ledger.read',
      'finance:ledger.manage',
      'finance:journal.post',
      'finance:bank.manage',
      'assets:read',
      'payroll:runs.read',
    ],
    description: 'Keeps the ledger and the bank reconciliations; reads assets and pay runs.',
  },
  FINANCE_VIEWER: { name: 'Finance viewer', scope: 'COMPANY', permissions: ['company:read', 'finance:ledger.read'], description: 'Reads the ledger.' },
  PAYROLL_MANAGER: {
    name: 'Payroll manager',
    scope: 'COMPANY',
    permissions: [
      'company:read',
      'employees:directory.read',
      'employees:contracts.read',
      'payroll:runs.read',
      'payroll:payslips.read',
      'payroll:settings.manage',
      'payroll:runs.prepare',
      'payroll:runs.approve',
      'payroll:runs.post',
    ],
    description: 'Prepares, approves and posts pay runs.',
  },
  ASSET_MANAGER: {
    name: 'Asset manager',
    scope: 'COMPANY',
    permissions: ['company:read', 'employees:directory.read', 'assets:read', 'assets:manage', 'assets:depreciation.run'],
    description: 'Keeps the asset register, custody and depreciation.',
  },
  SELF_SERVICE: {
    name: 'Employee self-service',
    scope: 'SELF',
    permissions: ['employees:directory.read', 'employees:contracts.read', 'payroll:payslips.read', 'assets:read'],
    description: 'Sees their own employee record, contract, payslips and assigned assets.',
  },
} as const satisfies Record<string, { name: string; scope: RoleScope; permissions: readonly Permission[]; description: string }>;

export type BuiltInRole = keyof typeof BUILT_IN_ROLES;
export const BUILT_IN_ROLE_CODES = Object.keys(BUILT_IN_ROLES) as BuiltInRole[];

export function isBuiltInRole(value: unknown): value is BuiltInRole {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(BUILT_IN_ROLES, value);
}

/** The rows a scoped permission reaches; absent from a grant, the permission reaches every row. */
export interface RowScope {
  /** The employee record linked to the member, for SELF roles. */
  employeeId: string | null;
  /** Departments whose subtrees a DEPARTMENT role reaches. */
  departmentIds: string[];
}

/**
 * What a caller holds in one company for one request: every permission it has,
 * and for those it holds only on some rows, which rows. A permission held
 * company-wide by any role is unscoped, whatever other roles add.
 */
export interface Grants {
  permissions: Permission[];
  scoped: Partial<Record<Permission, RowScope>>;
}

export const NO_GRANTS: Grants = { permissions: [], scoped: {} };

/** Every permission, company-wide: the grant of an unrestricted company key. */
export function fullGrants(modules: readonly ModuleName[]): Grants {
  return { permissions: withinModules(ALL_PERMISSIONS, modules), scoped: {} };
}

export interface RoleGrant {
  permissions: readonly Permission[];
  scope: RoleScope;
  /** For DEPARTMENT: the department whose subtree the role reaches. */
  departmentId: string | null;
}

/**
 * Combines a member's role assignments into grants. A SELF role without a
 * linked employee record reaches no rows, so it grants nothing.
 */
export function combineRoles(roles: readonly RoleGrant[], employeeId: string | null): Grants {
  const everywhere = new Set<Permission>();
  const scoped = new Map<Permission, RowScope>();
  for (const role of roles) {
    for (const permission of role.permissions) {
      if (role.scope === 'COMPANY') {
        everywhere.add(permission);
        continue;
      }
      if (role.scope === 'SELF' && employeeId === null) continue;
      if (role.scope === 'DEPARTMENT' && role.departmentId === null) continue;
      const scope = scoped.get(permission) ?? { employeeId: null, departmentIds: [] };
      if (role.scope === 'SELF') scope.employeeId = employeeId;
      else if (!scope.departmentIds.includes(role.departmentId!)) scope.departmentIds.push(role.departmentId!);
      scoped.set(permission, scope);
    }
  }
  const permissions = normalizePermissions([...everywhere, ...scoped.keys()]);
  const scopedGrants: Partial<Record<Permission, RowScope>> = {};
  for (const [permission, scope] of scoped) {
    if (!everywhere.has(permission)) scopedGrants[permission] = { employeeId: scope.employeeId, departmentIds: [...scope.departmentIds].sort() };
  }
  return { permissions, scoped: scopedGrants };
}

/** The grants of `a` that `b` also holds, each on the rows both reach: a token or key never exceeds its owner. */
export function intersectGrants(a: Grants, b: Grants): Grants {
  const permissions = a.permissions.filter((p) => b.permissions.includes(p));
  const scoped: Partial<Record<Permission, RowScope>> = {};
  for (const p of permissions) {
    const sa = a.scoped[p];
    const sb = b.scoped[p];
    if (!sa && !sb) continue;
    if (!sa || !sb) {
      scoped[p] = (sa ?? sb)!;
      continue;
    }
    // Both scoped: rows both reach. Subtrees cannot be intersected without the tree, so keep the narrower side whole.
    const employeeId = sa.employeeId !== null && sa.employeeId === sb.employeeId ? sa.employeeId : null;
    const departmentIds = sa.departmentIds.filter((d) => sb.departmentIds.includes(d));
    scoped[p] = { employeeId, departmentIds };
  }
  return { permissions, scoped };
}

/** Only the permissions named (a token or key restricted to a subset), optionally only the READ ones. */
export function restrictGrants(grants: Grants, to: readonly Permission[] | null, readOnly: boolean): Grants {
  const permissions = grants.permissions.filter((p) => (to === null || to.includes(p)) && (!readOnly || isReadPermission(p)));
  const scoped: Partial<Record<Permission, RowScope>> = {};
  for (const p of permissions) if (grants.scoped[p]) scoped[p] = grants.scoped[p];
  return { permissions, scoped };
}
