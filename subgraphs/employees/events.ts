import type { DomainEvent } from '../../platform/outbox';

/**
 * The events the employees module publishes: a contract with other modules.
 * Payroll and assets consume them from the outbox (at least once, in order per
 * employee), so a payload field is never renamed or removed, only added.
 * Every event's aggregate is the employee: aggregateType 'Employee', aggregateId
 * = employee id. Dates are YYYY-MM-DD; amounts are exact decimal strings.
 */

/** Someone joined the company. Always ACTIVE at hire. */
export type EmployeeHired = {
  employeeId: string;
  employeeNumber: string;
  fullName: string;
  email: string;
  hireDate: string;
  departmentId: string | null;
  status: 'ACTIVE';
};

/** Went on leave or came back. Termination is announced by EmployeeTerminated instead. */
export type EmployeeStatusChanged = {
  employeeId: string;
  status: 'ACTIVE' | 'ON_LEAVE';
  effectiveDate: string;
};

/** Left the company; the last working day is terminationDate. */
export type EmployeeTerminated = {
  employeeId: string;
  terminationDate: string;
};

/** A contract was signed (it may start in the future). endDate is inclusive, null when open-ended. */
export type ContractSigned = {
  contractId: string;
  employeeId: string;
  type: 'PERMANENT' | 'FIXED_TERM' | 'CONTRACTOR';
  startDate: string;
  endDate: string | null;
  payFrequency: 'MONTHLY' | 'BIWEEKLY' | 'WEEKLY';
  baseSalary: { amount: string; currency: string };
};

/** A contract was cut short (today: by termination); endDate is its new, inclusive last day. */
export type ContractEnded = {
  contractId: string;
  employeeId: string;
  endDate: string;
};

/** The employee's name or work e-mail was corrected; both carry their new values. */
export type EmployeeDetailsChanged = {
  employeeId: string;
  fullName: string;
  email: string;
};

export interface EmployeesEventPayloads {
  EmployeeHired: EmployeeHired;
  EmployeeStatusChanged: EmployeeStatusChanged;
  EmployeeTerminated: EmployeeTerminated;
  ContractSigned: ContractSigned;
  ContractEnded: ContractEnded;
  EmployeeDetailsChanged: EmployeeDetailsChanged;
}

export type EmployeesEventType = keyof EmployeesEventPayloads;

export const EMPLOYEES_EVENT_TYPES: readonly EmployeesEventType[] = ['EmployeeHired', 'EmployeeStatusChanged', 'EmployeeTerminated', 'ContractSigned', 'ContractEnded', 'EmployeeDetailsChanged'];

export const EMPLOYEE_AGGREGATE = 'Employee';

/** An employees event ready for the outbox, typed by its payload. */
export function employeesEvent<T extends EmployeesEventType>(type: T, payload: EmployeesEventPayloads[T] & { employeeId: string }): DomainEvent<EmployeesEventPayloads[T]> {
  return { type, aggregateType: EMPLOYEE_AGGREGATE, aggregateId: payload.employeeId, payload };
}
