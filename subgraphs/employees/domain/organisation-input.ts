import { InputProblems, type Validated } from '../../kit/validation';
import { optionalId, requiredId, requiredText } from './validation';

export interface DepartmentInput {
  name: string;
  parentId?: string | null;
}

export function validateNewDepartment(input: DepartmentInput): Validated<{ name: string; parentId: string | null }> {
  const p = new InputProblems();
  const name = requiredText(p, 'input.name', input.name, 'Department name', 200);
  const parentId = optionalId(p, 'input.parentId', input.parentId, 'department');
  return p.result({ name, parentId });
}

export interface DepartmentMoveInput {
  departmentId: string;
  parentId?: string | null;
}

export function validateDepartmentMove(input: DepartmentMoveInput): Validated<{ departmentId: string; parentId: string | null }> {
  const p = new InputProblems();
  const departmentId = requiredId(p, 'input.departmentId', input.departmentId, 'department');
  const parentId = optionalId(p, 'input.parentId', input.parentId, 'department');
  if (parentId !== null && parentId === departmentId) p.add('input.parentId', 'A department cannot be its own parent', 'DEPARTMENT_CYCLE');
  return p.result({ departmentId, parentId });
}

export interface PositionInput {
  title: string;
  departmentId: string;
}

export function validateNewPosition(input: PositionInput): Validated<PositionInput> {
  const p = new InputProblems();
  const title = requiredText(p, 'input.title', input.title, 'Position title', 200);
  const departmentId = requiredId(p, 'input.departmentId', input.departmentId, 'department');
  return p.result({ title, departmentId });
}

export interface RoleInput {
  name: string;
  description?: string | null;
}

export function validateNewRole(input: RoleInput): Validated<{ name: string; description: string | null }> {
  const p = new InputProblems();
  const name = requiredText(p, 'input.name', input.name, 'Role name', 100);
  const description = input.description?.trim() || null;
  if (description !== null && description.length > 1000) p.add('input.description', 'A description is at most 1000 characters', 'TOO_LONG');
  return p.result({ name, description });
}

export interface RoleGrantInput {
  employeeId: string;
  roleId: string;
}

export function validateRoleGrant(input: RoleGrantInput): Validated<RoleGrantInput> {
  const p = new InputProblems();
  const employeeId = requiredId(p, 'input.employeeId', input.employeeId, 'employee');
  const roleId = requiredId(p, 'input.roleId', input.roleId, 'role');
  return p.result({ employeeId, roleId });
}
