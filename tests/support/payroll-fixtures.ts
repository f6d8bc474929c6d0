import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { CONTEXT_HEADER, signTenantContext } from '../../platform/tenant-context';
import type { Company } from './company';
import { contractOperation } from './contract';
import { exampleVariables, graphql, type GraphQLResponse, type TestStack } from './stack';

export const employeesOperation = (name: string): string => contractOperation('employees.graphql', name);
export const payrollOperation = (name: string): string => contractOperation('payroll.graphql', name);

/** POSTs to the gateway with the company's key. */
export function asCompany<T = any>(t: TestStack, company: { secret: string }, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  return graphql<T>(t.gatewayUrl, query, variables, { token: company.secret, headers: { 'x-request-id': `payroll-test-${randomUUID()}` } });
}

/** POSTs straight to the payroll subgraph with a genuinely signed tenant context, bypassing the gateway. */
export async function asPayrollSubgraph<T = any>(t: TestStack, company: Company, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  const context = await signTenantContext(
    { requestId: `direct-${randomUUID()}`, kind: 'STANDARD', keyId: company.keyId, tenant: company.tenant, modules: company.tenant.companyModules },
    t.keys.privateKey,
  );
  return graphql<T>(t.subgraphUrl('payroll'), query, variables, { headers: { [CONTEXT_HEADER]: context } });
}

/** Runs a contract mutation and returns its payload, failing the test on any error. */
export async function mutateOk(t: TestStack, company: { secret: string }, query: string, field: string, variables: Record<string, unknown>): Promise<any> {
  const res = await asCompany(t, company, query, variables);
  if (res.errors) throw new Error(`${field} failed: ${JSON.stringify(res.errors)}`);
  const payload = res.data[field];
  if (payload.userErrors.length > 0) throw new Error(`${field} refused: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

/** Hires someone and signs a monthly contract through the employees module's contract operations. */
export async function hireWithContract(
  t: TestStack,
  company: Company,
  person: { firstName: string; lastName: string; email: string; hireDate: string; salary: string },
): Promise<string> {
  const hired = await mutateOk(t, company, employeesOperation('HireEmployee'), 'hireEmployee', {
    input: { firstName: person.firstName, lastName: person.lastName, email: person.email, hireDate: person.hireDate, departmentId: null, positionId: null, managerId: null },
  });
  const employeeId = hired.employee.id as string;
  await mutateOk(t, company, employeesOperation('SignContract'), 'signContract', {
    input: { ...exampleVariables('SignContract', { employeeId }).input, startDate: person.hireDate, baseSalary: { amount: person.salary, currency: 'EUR' } },
  });
  return employeeId;
}

/** Creates, calculates and approves a run for one month; returns its id. */
export async function approvedPayRun(t: TestStack, company: Company, period: { periodStart: string; periodEnd: string; payDate: string }): Promise<string> {
  const created = await mutateOk(t, company, payrollOperation('CreatePayRun'), 'createPayRun', { input: period });
  const payRunId = created.payRun.id as string;
  await mutateOk(t, company, payrollOperation('CalculatePayRun'), 'calculatePayRun', { input: { payRunId } });
  await mutateOk(t, company, payrollOperation('ApprovePayRun'), 'approvePayRun', { input: { payRunId } });
  return payRunId;
}

/**
 * A fingerprint (row count and digest of every row) of payroll's tables, its
 * outbox and the audit trail: equal fingerprints mean a refused mutation wrote nothing.
 */
export async function payrollFootprint(db: Kysely<any>): Promise<Record<string, string>> {
  const tables = ['payroll.settings', 'payroll.pay_component', 'payroll.pay_run', 'payroll.payslip', 'payroll.payslip_line', 'payroll.outbox', 'audit.audit_log'];
  const footprint: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: string; digest: string }>`
      SELECT count(*) AS n, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest FROM ${sql.table(table)} t`.execute(db);
    footprint[table] = `${rows[0]!.n}:${rows[0]!.digest}`;
  }
  return footprint;
}

/** Journal entries finance booked for a pay run, read straight from the tenant database. */
export async function ledgerEntriesOfPayRun(db: Kysely<any>, payRunId: string): Promise<Array<{ id: string; number: string }>> {
  const { rows } = await sql<{ id: string; number: string }>`
    SELECT id, number FROM finance.journal_entry WHERE source_module = 'payroll' AND source_reference = ${payRunId}`.execute(db);
  return rows;
}
