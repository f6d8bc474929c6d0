import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createDatabase } from '../../platform/db';
import type { ModuleName } from '../../platform/modules';
import { ShardDirectory } from '../../platform/shards';
import { CONTEXT_HEADER, signTenantContext, type TenantRef } from '../../platform/tenant-context';
import { contractOperation } from './contract';
import { exampleVariables, graphql, type GraphQLResponse, type TestStack } from './stack';

/** A company subscribed through the gateway, with its first key and a direct line to its tenant database. */
export interface PayrollCompany {
  companyId: string;
  slug: string;
  secret: string;
  accessKeyId: string;
  tenant: TenantRef;
  tenantDb: Kysely<any>;
}

export const accessOperation = (name: string): string => contractOperation('access.graphql', name);
export const employeesOperation = (name: string): string => contractOperation('employees.graphql', name);
export const payrollOperation = (name: string): string => contractOperation('payroll.graphql', name);

/** Requests and approves a subscription over HTTP, as a company and the operator would. */
export async function subscribeCompany(t: TestStack, companyName: string, modules: ModuleName[]): Promise<PayrollCompany> {
  const contactEmail = `ops@${companyName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example`;
  const requested = await graphql(t.gatewayUrl, accessOperation('RequestSubscription'), { input: { companyName, contactEmail, modules, planCode: null } });
  const requestId = requested.data!.requestSubscription.request.id as string;
  const approved = await graphql(t.gatewayUrl, accessOperation('ApproveSubscriptionRequest'), { input: { requestId } }, { token: t.adminToken });
  const payload = approved.data!.approveSubscriptionRequest;
  if (payload.userErrors.length > 0) throw new Error(`approval failed: ${JSON.stringify(payload.userErrors)}`);
  const row = await t.database.db.selectFrom('tenant').selectAll().where('company_id', '=', payload.company.id).executeTakeFirstOrThrow();
  return {
    companyId: payload.company.id,
    slug: payload.company.slug,
    secret: payload.secret,
    accessKeyId: payload.accessKey.id,
    tenant: {
      id: row.id,
      slug: payload.company.slug,
      companyId: payload.company.id,
      database: row.database_name,
      shard: row.shard,
      companyModules: payload.company.modules,
    },
    tenantDb: createDatabase<any>(new ShardDirectory(t.database.config.shards).databaseUrl(row.shard, row.database_name), { max: 3 }),
  };
}

/** Issues another key of the company, as the operator, granting only `modules`. */
export async function issueKey(t: TestStack, companyId: string, modules: ModuleName[]): Promise<string> {
  const res = await graphql(
    t.gatewayUrl,
    accessOperation('IssueAccessKey'),
    { input: { companyId, name: `key for ${modules.join('+')}`, kind: 'STANDARD', modules } },
    { token: t.adminToken },
  );
  const payload = res.data!.issueAccessKey;
  if (payload.userErrors.length > 0) throw new Error(`issuing a key failed: ${JSON.stringify(payload.userErrors)}`);
  return payload.secret as string;
}

/** POSTs to the gateway with the company's key. */
export function asCompany<T = any>(t: TestStack, company: { secret: string }, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  return graphql<T>(t.gatewayUrl, query, variables, { token: company.secret, headers: { 'x-request-id': `payroll-test-${randomUUID()}` } });
}

/** POSTs straight to the payroll subgraph with a genuinely signed tenant context, bypassing the gateway. */
export async function asPayrollSubgraph<T = any>(
  t: TestStack,
  company: PayrollCompany,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const context = await signTenantContext(
    { requestId: `direct-${randomUUID()}`, kind: 'STANDARD', keyId: company.accessKeyId, tenant: company.tenant, modules: company.tenant.companyModules },
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
  company: PayrollCompany,
  person: { firstName: string; lastName: string; email: string; hireDate: string; salary: string },
): Promise<string> {
  const hired = await mutateOk(t, company, employeesOperation('HireEmployee'), 'hireEmployee', {
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
  const employeeId = hired.employee.id as string;
  await mutateOk(t, company, employeesOperation('SignContract'), 'signContract', {
    input: { ...exampleVariables('SignContract', { employeeId }).input, startDate: person.hireDate, baseSalary: { amount: person.salary, currency: 'EUR' } },
  });
  return employeeId;
}

/** Creates, calculates and approves a run for one month; returns its id. */
export async function approvedPayRun(
  t: TestStack,
  company: PayrollCompany,
  period: { periodStart: string; periodEnd: string; payDate: string },
): Promise<string> {
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
  const tables = [
    'payroll.settings',
    'payroll.pay_component',
    'payroll.pay_run',
    'payroll.payslip',
    'payroll.payslip_line',
    'payroll.outbox',
    'audit.audit_log',
  ];
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
