import type { Transaction } from 'kysely';
import type { Actor } from '../../kit/actor';
import { validOrRefuse } from '../../kit/validation';
import { failWith } from '../../kit/errors';
import { wouldCreateCycle } from '../domain/cycles';
import {
  validateDepartmentMove,
  validateNewDepartment,
  validateNewPosition,
  type DepartmentInput,
  type DepartmentMoveInput,
  type PositionInput,
} from '../domain/organisation-input';
import { departmentChainUp, findDepartment, insertDepartment, setDepartmentParent } from '../store/departments';
import { lockDepartmentTree } from '../store/locks';
import { findPosition, insertPosition } from '../store/positions';
import { orUserError } from './guards';
import type { EmployeesDB } from '../store/db';
import { createOncePerKey, keyedRequest, type Keyed } from '../../kit/idempotency';

const nameTaken = (field: string, name: string): [string, string, string] => [field, `A department named "${name}" already exists there`, 'NAME_TAKEN'];

async function createDepartmentOnce(trx: Transaction<EmployeesDB>, input: DepartmentInput, actor: Actor) {
  const v = validOrRefuse(validateNewDepartment(input));
  if (v.parentId !== null && !(await findDepartment(trx, v.parentId))) failWith('input.parentId', `No department ${v.parentId}`, 'NOT_FOUND');
  const department = await orUserError(insertDepartment(trx, { name: v.name, parent_id: v.parentId }), {
    department_name_per_parent: nameTaken('input.name', v.name),
  });
  actor.audit({ entity: 'department', entityId: department.id, after: department });
  return { department };
}

/** Re-parents a department; the tree lock makes the cycle check hold against concurrent moves. */
export async function moveDepartment(trx: Transaction<EmployeesDB>, input: DepartmentMoveInput, actor: Actor) {
  const v = validOrRefuse(validateDepartmentMove(input));
  await lockDepartmentTree(trx);
  const department = await findDepartment(trx, v.departmentId);
  if (!department) failWith('input.departmentId', `No department ${v.departmentId}`, 'NOT_FOUND');
  if (v.parentId !== null) {
    if (!(await findDepartment(trx, v.parentId))) failWith('input.parentId', `No department ${v.parentId}`, 'NOT_FOUND');
    if (wouldCreateCycle(v.departmentId, v.parentId, await departmentChainUp(trx, v.parentId))) {
      failWith('input.parentId', `"${department.name}" cannot move under one of its own sub-departments`, 'DEPARTMENT_CYCLE');
    }
  }
  const moved = await orUserError(setDepartmentParent(trx, v.departmentId, v.parentId), {
    department_name_per_parent: nameTaken('input.parentId', department.name),
  });
  actor.audit({ entity: 'department', entityId: moved.id, before: { parentId: department.parent_id }, after: { parentId: moved.parent_id } });
  return { department: moved };
}

async function createPositionOnce(trx: Transaction<EmployeesDB>, input: PositionInput, actor: Actor) {
  const v = validOrRefuse(validateNewPosition(input));
  if (!(await findDepartment(trx, v.departmentId))) failWith('input.departmentId', `No department ${v.departmentId}`, 'NOT_FOUND');
  const position = await orUserError(insertPosition(trx, { title: v.title, department_id: v.departmentId }), {
    position_title_per_department: ['input.title', `The department already has a position "${v.title}"`, 'TITLE_TAKEN'],
  });
  actor.audit({ entity: 'position', entityId: position.id, after: position });
  return { position };
}

export function createDepartment(trx: Transaction<EmployeesDB>, input: DepartmentInput & Keyed, actor: Actor) {
  return createOncePerKey(
    trx,
    keyedRequest('EMPLOYEES', 'createDepartment', input),
    'department',
    (id) => findDepartment(trx, id),
    () => createDepartmentOnce(trx, input, actor),
  );
}

export function createPosition(trx: Transaction<EmployeesDB>, input: PositionInput & Keyed, actor: Actor) {
  return createOncePerKey(
    trx,
    keyedRequest('EMPLOYEES', 'createPosition', input),
    'position',
    (id) => findPosition(trx, id),
    () => createPositionOnce(trx, input, actor),
  );
}
