import type { Kysely, Transaction } from 'kysely';
import type { TenantAuditDB } from '../../kit/audit';
import type { ContractTable } from './contract.table';
import type { DataKeyTable } from './data-key.table';
import type { DepartmentTable } from './department.table';
import type { EmployeeCountTable } from './employee-count.table';
import type { EmployeeNumberCounterTable } from './employee-number-counter.table';
import type { EmployeeRoleTable } from './employee-role.table';
import type { EmployeeTable } from './employee.table';
import type { PersonalDataTable } from './personal-data.table';
import type { PositionAssignmentTable } from './position-assignment.table';
import type { PositionTable } from './position.table';
import type { RoleTable } from './role.table';

/** The employees schema of a tenant database, as this module's store sees it. */
export interface EmployeesDB extends TenantAuditDB {
  'employees.department': DepartmentTable;
  'employees.position': PositionTable;
  'employees.role': RoleTable;
  'employees.employee_number_counter': EmployeeNumberCounterTable;
  'employees.employee': EmployeeTable;
  'employees.employee_count': EmployeeCountTable;
  'employees.position_assignment': PositionAssignmentTable;
  'employees.employee_role': EmployeeRoleTable;
  'employees.contract': ContractTable;
  'employees.data_key': DataKeyTable;
  'employees.employee_personal_data': PersonalDataTable;
}

export type EmployeesExecutor = Kysely<EmployeesDB> | Transaction<EmployeesDB>;
