import { z } from 'zod';
import { defineEvent } from './event';
import { customFieldValues, isoDate, nonNegativeMoney, uuid } from './primitives';

/*
 * What the employees module announces. Payroll and assets keep projections of
 * employees from these events. Every event's aggregate is the employee, so
 * consumers see one person's events in order.
 */

const EMPLOYEE = 'Employee';
const byEmployee = (p: { employeeId: string }) => p.employeeId;

/** Someone joined the company. Always ACTIVE at hire. */
export const EmployeeHired = defineEvent({
  type: 'EmployeeHired',
  source: 'EMPLOYEES',
  aggregateType: EMPLOYEE,
  aggregateIdOf: byEmployee,
  payload: z.object({
    employeeId: uuid,
    employeeNumber: z.string().min(1),
    fullName: z.string(),
    email: z.string(),
    hireDate: isoDate,
    departmentId: uuid.nullable(),
    status: z.literal('ACTIVE'),
    /** The hire's custom field values (absent from events written before custom fields). */
    customFields: customFieldValues.optional(),
  }),
});

/** Went on leave or came back. Termination is announced by EmployeeTerminated instead. */
export const EmployeeStatusChanged = defineEvent({
  type: 'EmployeeStatusChanged',
  source: 'EMPLOYEES',
  aggregateType: EMPLOYEE,
  aggregateIdOf: byEmployee,
  payload: z.object({ employeeId: uuid, status: z.enum(['ACTIVE', 'ON_LEAVE']), effectiveDate: isoDate }),
});

/** Left the company; the last working day is terminationDate. */
export const EmployeeTerminated = defineEvent({
  type: 'EmployeeTerminated',
  source: 'EMPLOYEES',
  aggregateType: EMPLOYEE,
  aggregateIdOf: byEmployee,
  payload: z.object({ employeeId: uuid, terminationDate: isoDate }),
});

/** The employee's name, work e-mail or custom fields were corrected; each carries its new values (customFields: all of them, when any changed). */
export const EmployeeDetailsChanged = defineEvent({
  type: 'EmployeeDetailsChanged',
  source: 'EMPLOYEES',
  aggregateType: EMPLOYEE,
  aggregateIdOf: byEmployee,
  payload: z.object({ employeeId: uuid, fullName: z.string().min(1), email: z.string(), customFields: customFieldValues.optional() }),
});

/** A contract was signed (it may start in the future). endDate is inclusive, null when open-ended. */
export const ContractSigned = defineEvent({
  type: 'ContractSigned',
  source: 'EMPLOYEES',
  aggregateType: EMPLOYEE,
  aggregateIdOf: byEmployee,
  payload: z.object({
    contractId: uuid,
    employeeId: uuid,
    type: z.enum(['PERMANENT', 'FIXED_TERM', 'CONTRACTOR']),
    startDate: isoDate,
    endDate: isoDate.nullable(),
    payFrequency: z.enum(['MONTHLY', 'BIWEEKLY', 'WEEKLY']),
    baseSalary: nonNegativeMoney,
  }),
});

/** A contract was cut short (today: by termination); endDate is its new, inclusive last day. */
export const ContractEnded = defineEvent({
  type: 'ContractEnded',
  source: 'EMPLOYEES',
  aggregateType: EMPLOYEE,
  aggregateIdOf: byEmployee,
  payload: z.object({ contractId: uuid, employeeId: uuid, endDate: isoDate }),
});
