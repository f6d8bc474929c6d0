import { failWith } from '../../kit/errors';
import type { EmployeesContext } from '../context';
import { validateNewRole, validateRoleGrant, type RoleGrantInput, type RoleInput } from '../domain/organisation-input';
import { findRole, grantRole as grantRoleRow, insertRole, revokeRole as revokeRoleRow } from '../store/roles';
import { assertNotTerminated, lockEmployee, mutate, orUserError } from './mutate';

export function createRole(ctx: EmployeesContext, input: RoleInput) {
  return mutate(ctx, 'createRole', validateNewRole(input), async (trx, record, v) => {
    const role = await orUserError(insertRole(trx, { name: v.name, description: v.description }), {
      role_name: ['input.name', `A role named "${v.name}" already exists`, 'NAME_TAKEN'],
    });
    record.audit({ entity: 'role', entityId: role.id, after: role });
    return { role };
  });
}

export function grantRole(ctx: EmployeesContext, input: RoleGrantInput) {
  return mutate(ctx, 'grantRole', validateRoleGrant(input), async (trx, record, v) => {
    const employee = await lockEmployee(trx, v.employeeId);
    assertNotTerminated(employee);
    const role = await findRole(trx, v.roleId);
    if (!role) failWith('input.roleId', `No role ${v.roleId}`, 'NOT_FOUND');
    if (!(await grantRoleRow(trx, employee.id, role.id))) failWith('input.roleId', `${employee.employee_number} already holds "${role.name}"`, 'ROLE_ALREADY_GRANTED');
    record.audit({ entity: 'employee', entityId: employee.id, after: { grantedRole: { id: role.id, name: role.name } } });
    return { employee };
  });
}

export function revokeRole(ctx: EmployeesContext, input: RoleGrantInput) {
  return mutate(ctx, 'revokeRole', validateRoleGrant(input), async (trx, record, v) => {
    const employee = await lockEmployee(trx, v.employeeId);
    const role = await findRole(trx, v.roleId);
    if (!role) failWith('input.roleId', `No role ${v.roleId}`, 'NOT_FOUND');
    if (!(await revokeRoleRow(trx, employee.id, role.id))) failWith('input.roleId', `${employee.employee_number} does not hold "${role.name}"`, 'ROLE_NOT_GRANTED');
    record.audit({ entity: 'employee', entityId: employee.id, before: { grantedRole: { id: role.id, name: role.name } } });
    return { employee };
  });
}
