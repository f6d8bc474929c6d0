import type { EventConsumer } from '../../platform/outbox';
import { isUuid } from '../../platform/ids';
import { consumerOf, on } from '../contracts/event';
import { ContractEnded, ContractSigned, EmployeeDetailsChanged, EmployeeHired, EmployeeStatusChanged, EmployeeTerminated } from '../contracts/employees';
import { JournalEntryPosted } from '../contracts/finance';
import type { PayrollDB } from './store/db';
import { attachJournalEntry } from './store/pay-runs';
import {
  upsertContractEnd,
  upsertContractTerms,
  updateEmployeeContactDetails,
  upsertEmployeeProfile,
  upsertEmployeeStatus,
  upsertTermination,
} from './store/projection';

/** Compensation and employment come into payroll's own projection, never from the employees schema. */
const employeesConsumer: EventConsumer = consumerOf<PayrollDB>('PAYROLL', [
  on(EmployeeHired, async (trx, e, event) => {
    await upsertEmployeeProfile(trx, e, event.occurredAt);
    await upsertEmployeeStatus(trx, e.employeeId, 'ACTIVE', e.hireDate, event.occurredAt);
  }),
  on(EmployeeStatusChanged, (trx, e, event) => upsertEmployeeStatus(trx, e.employeeId, e.status, e.effectiveDate, event.occurredAt)),
  on(EmployeeDetailsChanged, (trx, e, event) => updateEmployeeContactDetails(trx, e, event.occurredAt)),
  on(EmployeeTerminated, async (trx, e, event) => {
    await upsertTermination(trx, e.employeeId, e.terminationDate, event.occurredAt);
    await upsertEmployeeStatus(trx, e.employeeId, 'TERMINATED', e.terminationDate, event.occurredAt);
  }),
  on(ContractSigned, (trx, e, event) =>
    upsertContractTerms(
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
    ),
  ),
  on(ContractEnded, (trx, e, event) => upsertContractEnd(trx, e.contractId, e.employeeId, e.endDate, event.occurredAt)),
]);

/**
 * Finance announces every entry it books; the ones it booked for a pay run
 * (source module payroll, reference = the run id) tell payroll which entry
 * `PayRun.journalEntry` is: payroll cannot know finance's entry id by itself.
 */
const journalEntryConsumer: EventConsumer = consumerOf<PayrollDB>('PAYROLL', [
  on(JournalEntryPosted, async (trx, e) => {
    // Entries made in finance itself carry the module `finance` (and often a null reference).
    if (e.source.module.toLowerCase() !== 'payroll' || !e.source.reference || !isUuid(e.source.reference)) return;
    await attachJournalEntry(trx, e.source.reference, e.entryId, e.number);
  }),
]);

export const consumers: EventConsumer[] = [employeesConsumer, journalEntryConsumer];
