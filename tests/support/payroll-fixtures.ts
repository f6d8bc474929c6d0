import { sql, type Kysely } from 'kysely';
import type { Payloads, Succeeded } from './api';
import type { GatewayCompany, GatewayKey } from './company';
import { contractOperation } from './contract';
import { exampleVariables } from './stack';
import { footprint, type TenantDB } from './tenant-db';

export const employeesOperation = (name: string): string => contractOperation('employees.graphql', name);
export const payrollOperation = (name: string): string => contractOperation('payroll.graphql', name);

/** Runs a contract mutation and returns its payload, failing the test on any error. */
export async function mutateOk<F extends keyof Payloads>(
  key: GatewayKey,
  query: string,
  field: F,
  variables: Record<string, unknown>,
): Promise<Succeeded<Payloads[F]>> {
  // Typed as it must come back: with empty userErrors, a payload carries its results.
  const res = await key.gql<Record<F, Succeeded<Payloads[F]>>>(query, variables);
  if (res.errors) throw new Error(`${field} failed: ${JSON.stringify(res.errors)}`);
  const payload = res.data![field];
  if (payload.userErrors.length > 0) throw new Error(`${field} refused: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

/** Hires someone and signs a monthly contract through the employees module's contract operations. */
export async function hireWithContract(
  company: GatewayCompany,
  person: { firstName: string; lastName: string; email: string; hireDate: string; salary: string },
): Promise<string> {
  const hired = await mutateOk(company, employeesOperation('HireEmployee'), 'hireEmployee', {
    input: {
      firstName: person.firstName,
      lastName: person.lastName,
      email: person.email,
      hireDate: person.hireDate,
      departmentId: null,
      positionId: null,
      managerId: null,
    },
  });
  const employeeId = hired.employee.id;
  await mutateOk(company, employeesOperation('SignContract'), 'signContract', {
    input: { ...exampleVariables('SignContract', { employeeId }).input, startDate: person.hireDate, baseSalary: { amount: person.salary, currency: 'EUR' } },
  });
  return employeeId;
}

/**
 * Creates and calculates a run for one month as the company's first key, and
 * approves it as `approver`: another key of the company, since whoever
 * calculated a run may not approve it (separation of duties). Returns its id.
 */
export async function approvedPayRun(
  company: GatewayCompany,
  approver: GatewayKey,
  period: { periodStart: string; periodEnd: string; payDate: string },
): Promise<string> {
  const created = await mutateOk(company, payrollOperation('CreatePayRun'), 'createPayRun', { input: period });
  const payRunId = created.payRun.id;
  await mutateOk(company, payrollOperation('CalculatePayRun'), 'calculatePayRun', { input: { payRunId } });
  await mutateOk(approver, payrollOperation('ApprovePayRun'), 'approvePayRun', { input: { payRunId } });
  return payRunId;
}

/**
 * A fingerprint (row count and digest of every row) of payroll's tables, its
 * outbox and the audit trail: equal fingerprints mean a refused mutation wrote nothing.
 */
export const payrollFootprint = (db: Kysely<TenantDB>) =>
  footprint(db, [
    'payroll.settings',
    'payroll.pay_component',
    'payroll.pay_run',
    'payroll.payslip',
    'payroll.payslip_line',
    'payroll.outbox',
    'audit.audit_log',
  ]);

/** Journal entries finance booked for a pay run, read straight from the tenant database. */
export async function ledgerEntriesOfPayRun(db: Kysely<TenantDB>, payRunId: string): Promise<Array<{ id: string; number: string }>> {
  const { rows } = await sql<{ id: string; number: string }>`
    SELECT id, number FROM finance.journal_entry WHERE source_module = 'payroll' AND source_reference = ${payRunId}`.execute(db);
  return rows;
}
