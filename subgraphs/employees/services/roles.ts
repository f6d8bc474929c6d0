import type { Transaction } from 'kysely';
import type { Actor } from '../../kit/actor';
import { validOrRefuse } from '../../kit/validation';
import { failWith } from '../../kit/errors';
import { validateNewRole, validateRoleGrant, type RoleGrantInput, type RoleInput } from '../domain/organisation-input';
import { findRole, grantRole as grantRoleRow, insertRole, revokeRole as revokeRoleRow } from '../store/roles';
import { assertNotTerminated, lockEmployee, orUserError } from './guards';
import type { EmployeesDB } from '../store/db';
import { createOncePerKey, keyedRequest, type Keyed } from '../../kit/idempotency';

async function createRoleOnce(trx: Transaction<EmployeesDB>, input: RoleInput, actor: Actor) {
  const v = validOrRefuse(validateNewRole(input));
  const role = await orUserError(insertRole(trx, { name: v.name, description: v.description }), {
    role_name: ['input.name', `A role named "${v.name}" already exists`, 'NAME_TAKEN'],
  });
  actor.audit({ entity: 'role', entityId: role.id, after: role });
  return { role };
}

export async function grantRole(trx: Transaction<EmployeesDB>, input: RoleGrantInput, actor: Actor) {
  const v = validOrRefuse(validateRoleGrant(input));
  const employee = await lockEmployee(trx, v.employeeId);
  assertNotTerminated(employee);
  const role = await findRole(trx, v.roleId);
  if (!role) failWith('input.roleId', `No role ${v.roleId}`, 'NOT_FOUND');
  if (!(await grantRoleRow(trx, employee.id, role.id)))
    failWith('input.roleId', `${employee.employee_number} already holds "${role.name}"`, 'ROLE_ALREADY_GRANTED');
  actor.audit({ entity: 'employee', entityId: employee.id, after: { grantedRole: { id: role.id, name: role.name } } });
  return { employee };
}

export async function revokeRole(trx: Transaction<EmployeesDB>, input: RoleGrantInput, actor: Actor) {
  const v = validOrRefuse(validateRoleGrant(input));
  const employee = await lockEmployee(trx, v.employeeId);
  const role = await findRole(trx, v.roleId);
  if (!role) failWith('input.roleId', `No role ${v.roleId}`, 'NOT_FOUND');
  if (!(await revokeRoleRow(trx, employee.id, role.id)))
    failWith('input.roleId', `${employee.employee_number} does not hold "${role.name}"`, 'ROLE_NOT_GRANTED');
  actor.audit({ entity: 'employee', entityId: employee.id, before: { grantedRole: { id: role.id, name: role.name } } });
  return { employee };
}

export function createRole(trx: Transaction<EmployeesDB>, input: RoleInput & Keyed, actor: Actor) {
  return createOncePerKey(
    trx,
    keyedRequest('EMPLOYEES', 'createRole', input),
    'role',
    (id) => findRole(trx, id),
    () => createRoleOnce(trx, input, actor),
  );
}
