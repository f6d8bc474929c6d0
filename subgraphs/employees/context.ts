import type DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { BaseContext } from '../kit/context';
import { rowScope } from '../kit/permissions';
import type { RowScope } from '../../platform/permissions';
import { findByUuids, groupBy, groupLoader, indexBy, mapLoader } from '../kit/loaders';
import { moduleContextFactory, type ModuleContext } from '../kit/module-context';
import type { ServiceRuntime } from '../../platform/runtime';
import { todayUtc } from '../../platform/dates';
import { findAssignmentsOfEmployees } from './store/assignments';
import type { ContractRow } from './store/contract.table';
import { findContractsInForce, findContractsOfEmployees } from './store/contracts';
import type { EmployeesDB } from './store/db';
import type { DepartmentRow } from './store/department.table';
import { findDepartmentsByIds, findDepartmentsByParents } from './store/departments';
import type { EmployeeRow } from './store/employee.table';
import { findEmployeesByIds, findReportsOf } from './store/employees';
import type { PositionAssignmentRow } from './store/position-assignment.table';
import type { PositionRow } from './store/position.table';
import { findPositionsByDepartments, findPositionsByIds } from './store/positions';
import type { RoleRow } from './store/role.table';
import { findRolesOfEmployees } from './store/roles';
import type { PersonalDataRow } from './store/personal-data.table';
import { findPersonalDataOf } from './store/personal-data';
import { DataKeyring, masterKeyFrom } from './services/keyring';
import { revealAuditLoader, type Reveal } from './services/reveals';
import { requestCustomFields, type RequestCustomFields } from '../kit/custom-fields/request';
import { EMPLOYEE_CUSTOM_FIELDS } from './store/custom-fields';

/**
 * Per-request batches: any page of employees and their relations costs a fixed
 * number of statements. The employee loaders read within the caller's scope of
 * 'employees:directory.read', the contract loaders within that of
 * 'employees:contracts.read': each loader is built for one scope and one
 * request, so a scoped read never shares a result with an unscoped one.
 */
export interface EmployeesLoaders {
  employee: DataLoader<string, EmployeeRow | null>;
  department: DataLoader<string, DepartmentRow | null>;
  position: DataLoader<string, PositionRow | null>;
  reportsOf: DataLoader<string, EmployeeRow[]>;
  rolesOf: DataLoader<string, RoleRow[]>;
  contractsOf: DataLoader<string, ContractRow[]>;
  currentContractOf: DataLoader<string, ContractRow | null>;
  positionHistoryOf: DataLoader<string, PositionAssignmentRow[]>;
  childDepartmentsOf: DataLoader<string, DepartmentRow[]>;
  positionsOfDepartment: DataLoader<string, PositionRow[]>;
  personalDataOf: DataLoader<string, PersonalDataRow | null>;
}

export interface EmployeesContext extends ModuleContext<EmployeesDB, EmployeesLoaders> {
  /** The rows the caller reads; lists take them as store filters, as the loaders do. */
  scopes: EmployeesScopes;
  /** Today's date (UTC), fixed for the whole request so every contract status agrees. */
  today: string;
  /** The tenant's data keys, unwrapped on first use for this request (services/keyring.ts). */
  keyring: () => DataKeyring;
  /** Writes the request's reveals of personal data to the audit log, batched (services/reveals.ts). */
  reveals: DataLoader<Reveal, true, string>;
  /** The employee record linked to the caller (a self-service member), else null. */
  selfEmployeeId: string | null;
  /** The company's custom fields of employees, read once per request, and which of them the caller may read. */
  customFields: RequestCustomFields;
}

/** The rows the caller's read permissions reach, null for every row (kit/permissions rowScope). */
export interface EmployeesScopes {
  directory: RowScope | null;
  contracts: RowScope | null;
}

export function employeesScopes(ctx: BaseContext): EmployeesScopes {
  return { directory: rowScope(ctx, 'employees:directory.read'), contracts: rowScope(ctx, 'employees:contracts.read') };
}

export function createEmployeesLoaders(db: () => Kysely<EmployeesDB>, today: string, scopes: EmployeesScopes): EmployeesLoaders {
  const { directory, contracts } = scopes;
  return {
    employee: mapLoader(async (ids) => indexBy(await findByUuids(ids, (k) => findEmployeesByIds(db(), k, directory)), (e) => e.id)),
    department: mapLoader(async (ids) => indexBy(await findByUuids(ids, (k) => findDepartmentsByIds(db(), k)), (d) => d.id)),
    position: mapLoader(async (ids) => indexBy(await findByUuids(ids, (k) => findPositionsByIds(db(), k)), (p) => p.id)),
    reportsOf: groupLoader(async (ids) => groupBy(await findByUuids(ids, (k) => findReportsOf(db(), k, directory)), (e) => e.manager_id ?? '')),
    rolesOf: groupLoader(async (ids) => groupBy(await findByUuids(ids, (k) => findRolesOfEmployees(db(), k)), (r) => r.employee_id)),
    contractsOf: groupLoader(async (ids) => groupBy(await findByUuids(ids, (k) => findContractsOfEmployees(db(), k, contracts)), (c) => c.employee_id)),
    currentContractOf: mapLoader(async (ids) => indexBy(await findByUuids(ids, (k) => findContractsInForce(db(), k, today, contracts)), (c) => c.employee_id)),
    positionHistoryOf: groupLoader(async (ids) => groupBy(await findByUuids(ids, (k) => findAssignmentsOfEmployees(db(), k)), (a) => a.employee_id)),
    childDepartmentsOf: groupLoader(async (ids) => groupBy(await findByUuids(ids, (k) => findDepartmentsByParents(db(), k)), (d) => d.parent_id ?? '')),
    positionsOfDepartment: groupLoader(async (ids) => groupBy(await findByUuids(ids, (k) => findPositionsByDepartments(db(), k)), (p) => p.department_id)),
    personalDataOf: mapLoader(async (ids) => indexBy(await findByUuids(ids, (k) => findPersonalDataOf(db(), k)), (p) => p.employee_id)),
  };
}

/** The employees context: the kit's module context (database only after the EMPLOYEES check) plus today's date. */
export function employeesContextFactory(runtime: ServiceRuntime): (base: BaseContext) => EmployeesContext {
  return (base) => {
    const today = todayUtc();
    const scopes = employeesScopes(base);
    const ctx = moduleContextFactory<EmployeesDB, EmployeesLoaders>(runtime, 'EMPLOYEES', (db) => createEmployeesLoaders(db, today, scopes))(base);
    let keyring: DataKeyring | undefined;
    const masterKey = () => masterKeyFrom(runtime.config.secrets.dataMasterKey);
    return {
      ...ctx,
      scopes,
      today,
      keyring: () => (keyring ??= new DataKeyring(masterKey, ctx.tenant().id)),
      reveals: revealAuditLoader(ctx.db, base),
      selfEmployeeId: linkedEmployee(base),
      customFields: requestCustomFields(base, ctx.db, EMPLOYEE_CUSTOM_FIELDS),
    };
  };
}

/** The member's own employee record, as the gateway signs it into the scopes of their self-service roles. */
function linkedEmployee(ctx: BaseContext): string | null {
  for (const scope of Object.values(ctx.caller.grants.scoped)) if (scope?.employeeId) return scope.employeeId;
  return null;
}
