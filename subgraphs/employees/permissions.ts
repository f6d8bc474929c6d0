import type { PermissionMap } from '../kit/permissions';

const READ = 'employees:directory.read';
const MANAGE = 'employees:manage';
/** Custom fields are the company's configuration: its administrators define them. */
const CONFIGURE = 'company:settings.manage';
/** The operator may manage them too, for the company it names (X-Fluxo-Company; docs/custom-fields.md). */
const CONFIGURE_OR_OPERATOR = [CONFIGURE, 'OPERATOR_FOR_COMPANY'] as const;

/** What each field of the employees subgraph needs (subgraphs/kit/permissions.ts). */
export const permissions: PermissionMap = {
  Query: {
    employees: READ,
    employee: READ,
    departments: READ,
    department: READ,
    positions: READ,
    roles: READ,
    employeesByTaxId: 'employees:sensitive.read',
    employeeCustomFields: [READ, 'OPERATOR_FOR_COMPANY'],
  },
  Mutation: {
    createDepartment: MANAGE,
    moveDepartment: MANAGE,
    createPosition: MANAGE,
    createRole: MANAGE,
    hireEmployee: MANAGE,
    setEmployeeManager: MANAGE,
    changePosition: MANAGE,
    updateEmployeeDetails: MANAGE,
    setEmployeeStatus: MANAGE,
    grantRole: MANAGE,
    revokeRole: MANAGE,
    terminateEmployee: MANAGE,
    signContract: 'employees:contracts.manage',
    defineEmployeeCustomField: CONFIGURE_OR_OPERATOR,
    updateEmployeeCustomField: CONFIGURE_OR_OPERATOR,
    archiveEmployeeCustomField: CONFIGURE_OR_OPERATOR,
  },
  Employee: { __resolveReference: READ, contracts: 'employees:contracts.read', currentContract: 'employees:contracts.read' },
  // Each block of the overview is null unless the caller sees the module's overview (kit/permissions seesOverview).
  Overview: { __resolveReference: 'SIGNED_IN' },
};
