import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { DeliveredEvent, EventConsumer } from '../../platform/outbox';
import { isValidAmount } from '../kit/money';
import { isValidDate } from '../kit/scalars';
import { isUuid } from './domain/ids';
import type { PayrollDB } from './store/db';
import { attachJournalEntry } from './store/pay-runs';
import { upsertContractEnd, upsertContractTerms, updateEmployeeContactDetails, upsertEmployeeProfile, upsertEmployeeStatus, upsertTermination } from './store/projection';

// Payloads of the events payroll consumes, as their publishers document them
// (subgraphs/employees/events.ts, subgraphs/finance/events.ts). A payload that
// does not parse is a broken contract: the handler throws, the relay retries
// and finally dead-letters it where an operator sees it.

const id = z.string().refine(isUuid, 'not a uuid');
const date = z.string().refine(isValidDate, 'not a YYYY-MM-DD date');
const amount = z.string().refine((v) => isValidAmount(v) && !v.startsWith('-'), 'not a non-negative amount with at most 2 decimals');

const EmployeeHired = z.object({
  employeeId: id,
  employeeNumber: z.string().min(1),
  fullName: z.string(),
  email: z.string(),
  hireDate: date,
  departmentId: id.nullable(),
  status: z.literal('ACTIVE'),
});
// Employees announces terminations with EmployeeTerminated; TERMINATED is accepted here too so a later change of theirs is not a dead letter.
const EmployeeStatusChanged = z.object({ employeeId: id, status: z.enum(['ACTIVE', 'ON_LEAVE', 'TERMINATED']), effectiveDate: date });
const EmployeeTerminated = z.object({ employeeId: id, terminationDate: date });
const EmployeeDetailsChanged = z.object({ employeeId: id, fullName: z.string().min(1), email: z.string() });
const ContractSigned = z.object({
  contractId: id,
  employeeId: id,
  type: z.enum(['PERMANENT', 'FIXED_TERM', 'CONTRACTOR']),
  startDate: date,
  endDate: date.nullable(),
  payFrequency: z.enum(['MONTHLY', 'BIWEEKLY', 'WEEKLY']),
  baseSalary: z.object({ amount, currency: z.string().regex(/^[A-Z]{3}$/) }),
});
const ContractEnded = z.object({ contractId: id, employeeId: id, endDate: date });
// Only what payroll uses; entries made in finance itself carry a null reference.
const JournalEntryPosted = z.object({
  entryId: id,
  number: z.string().nullish(),
  source: z.object({ module: z.string(), reference: z.string().nullable() }).nullish(),
});

type Handler = (trx: Transaction<PayrollDB>, event: DeliveredEvent) => Promise<void>;

const employeesHandlers: Record<string, Handler> = {
  EmployeeHired: async (trx, event) => {
    const e = EmployeeHired.parse(event.payload);
    await upsertEmployeeProfile(trx, e, event.occurredAt);
    await upsertEmployeeStatus(trx, e.employeeId, 'ACTIVE', e.hireDate, event.occurredAt);
  },
  EmployeeStatusChanged: async (trx, event) => {
    const e = EmployeeStatusChanged.parse(event.payload);
    await upsertEmployeeStatus(trx, e.employeeId, e.status, e.effectiveDate, event.occurredAt);
  },
  EmployeeDetailsChanged: async (trx, event) => {
    const e = EmployeeDetailsChanged.parse(event.payload);
    await updateEmployeeContactDetails(trx, e, event.occurredAt);
  },
  EmployeeTerminated: async (trx, event) => {
    const e = EmployeeTerminated.parse(event.payload);
    await upsertTermination(trx, e.employeeId, e.terminationDate, event.occurredAt);
    await upsertEmployeeStatus(trx, e.employeeId, 'TERMINATED', e.terminationDate, event.occurredAt);
  },
  ContractSigned: async (trx, event) => {
    const e = ContractSigned.parse(event.payload);
    await upsertContractTerms(
      trx,
      {
        contract_id: e.contractId,
        employee_id: e.employeeId,
        type: e.type,
        start_date: e.startDate,
        end_date: e.endDate,
        pay_frequency: e.payFrequency,
        base_salary: e.baseSalary.amount,
        currency: e.baseSalary.currency,
      },
      event.occurredAt,
    );
  },
  ContractEnded: async (trx, event) => {
    const e = ContractEnded.parse(event.payload);
    await upsertContractEnd(trx, e.contractId, e.employeeId, e.endDate, event.occurredAt);
  },
};

/** Compensation and employment come into payroll's own projection, never from the employees schema. */
const employeesConsumer: EventConsumer = {
  module: 'PAYROLL',
  eventTypes: Object.keys(employeesHandlers),
  handle: async (trx, event) => {
    if (event.source !== 'EMPLOYEES') return; // only the employees module speaks for employees
    await employeesHandlers[event.type]!(trx as Transaction<PayrollDB>, event);
  },
};

/**
 * Finance announces every entry it books; the ones it booked for a pay run
 * (source module payroll, reference = the run id) tell payroll which entry
 * `PayRun.journalEntry` is: payroll cannot know finance's entry id by itself.
 */
const journalEntryConsumer: EventConsumer = {
  module: 'PAYROLL',
  eventTypes: ['JournalEntryPosted'],
  handle: async (trx, event) => {
    if (event.source !== 'FINANCE') return;
    const e = JournalEntryPosted.parse(event.payload);
    if (e.source?.module.toLowerCase() !== 'payroll' || !e.source.reference || !isUuid(e.source.reference)) return;
    await attachJournalEntry(trx as Transaction<PayrollDB>, e.source.reference, e.entryId, e.number ?? null);
  },
};

export const consumers: EventConsumer[] = [employeesConsumer, journalEntryConsumer];
