import type { EmployeeStatus } from '../store/employee.table';
import { WORKING_STATUSES } from './employment';
import { InputProblems, type Validated } from '../../kit/validation';
import { email, optionalId, requiredId, requiredText } from './validation';
import { todayUtc } from '../../../platform/dates';
import { givenFields, validatePersonalData, type PersonalData, type PersonalDataInput } from './personal-data';
import type { CustomFieldValueInput } from '../../kit/custom-fields/types';

export interface HireInput extends PersonalDataInput {
  firstName: string;
  lastName: string;
  email: string;
  hireDate: string;
  departmentId?: string | null;
  positionId?: string | null;
  managerId?: string | null;
  /** Checked against the company's definitions in the hire's transaction (services/hiring.ts). */
  customFields?: readonly CustomFieldValueInput[] | null;
}

export interface ValidHire {
  firstName: string;
  lastName: string;
  email: string;
  hireDate: string;
  departmentId: string | null;
  positionId: string | null;
  managerId: string | null;
  /** The personal fields given, checked and normalised. */
  personal: Partial<PersonalData>;
}

export function validateHire(input: HireInput, today: string = todayUtc()): Validated<ValidHire> {
  const p = new InputProblems();
  return p.result({
    firstName: requiredText(p, 'input.firstName', input.firstName, 'First name', 100),
    lastName: requiredText(p, 'input.lastName', input.lastName, 'Last name', 100),
    email: email(p, 'input.email', input.email),
    hireDate: input.hireDate,
    departmentId: optionalId(p, 'input.departmentId', input.departmentId, 'department'),
    positionId: optionalId(p, 'input.positionId', input.positionId, 'position'),
    managerId: optionalId(p, 'input.managerId', input.managerId, 'employee'),
    personal: validatePersonalData(p, input, today),
  });
}

export function validateManagerChange(input: { employeeId: string; managerId?: string | null }): Validated<{ employeeId: string; managerId: string | null }> {
  const p = new InputProblems();
  const employeeId = requiredId(p, 'input.employeeId', input.employeeId, 'employee');
  const managerId = optionalId(p, 'input.managerId', input.managerId, 'employee');
  if (managerId !== null && managerId === employeeId) p.add('input.managerId', 'An employee cannot manage themselves', 'MANAGER_CYCLE');
  return p.result({ employeeId, managerId });
}

export function validatePositionChange(input: {
  employeeId: string;
  positionId: string;
  effectiveDate: string;
}): Validated<{ employeeId: string; positionId: string; effectiveDate: string }> {
  const p = new InputProblems();
  const employeeId = requiredId(p, 'input.employeeId', input.employeeId, 'employee');
  const positionId = requiredId(p, 'input.positionId', input.positionId, 'position');
  return p.result({ employeeId, positionId, effectiveDate: input.effectiveDate });
}

export function validateStatusChange(
  input: { employeeId: string; status: EmployeeStatus; effectiveDate?: string | null },
  today: string,
): Validated<{ employeeId: string; status: EmployeeStatus; effectiveDate: string }> {
  const p = new InputProblems();
  const employeeId = requiredId(p, 'input.employeeId', input.employeeId, 'employee');
  if (!WORKING_STATUSES.includes(input.status)) p.add('input.status', 'Use terminateEmployee to terminate an employee', 'INVALID_STATUS');
  return p.result({ employeeId, status: input.status, effectiveDate: input.effectiveDate ?? today });
}

export function validateTermination(input: { employeeId: string; date: string }): Validated<{ employeeId: string; date: string }> {
  const p = new InputProblems();
  const employeeId = requiredId(p, 'input.employeeId', input.employeeId, 'employee');
  return p.result({ employeeId, date: input.date });
}

export interface DetailsChangeInput extends PersonalDataInput {
  employeeId: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  /** Checked against the company's definitions in the change's transaction. */
  customFields?: readonly CustomFieldValueInput[] | null;
}

export interface ValidDetailsChange {
  employeeId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  personal: Partial<PersonalData>;
}

/** Names, e-mail and personal data, each checked as at hiring when given; at least one must be. */
export function validateDetailsChange(input: DetailsChangeInput, today: string = todayUtc()): Validated<ValidDetailsChange> {
  const p = new InputProblems();
  const employeeId = requiredId(p, 'input.employeeId', input.employeeId, 'employee');
  const given = (value: string | null | undefined): value is string => value !== null && value !== undefined;
  const personal = validatePersonalData(p, input, today);
  if (!given(input.firstName) && !given(input.lastName) && !given(input.email) && givenFields(personal).length === 0 && !input.customFields?.length)
    p.add('input', 'Give a first name, last name, e-mail, personal data or custom fields to change', 'NOTHING_TO_CHANGE');
  return p.result({
    personal,
    employeeId,
    firstName: given(input.firstName) ? requiredText(p, 'input.firstName', input.firstName, 'First name', 100) : null,
    lastName: given(input.lastName) ? requiredText(p, 'input.lastName', input.lastName, 'Last name', 100) : null,
    email: given(input.email) ? email(p, 'input.email', input.email) : null,
  });
}
