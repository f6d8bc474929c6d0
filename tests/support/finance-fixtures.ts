import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ModuleName } from '../../platform/modules';
import { CONTEXT_HEADER, signTenantContext } from '../../platform/tenant-context';
import type { Company } from './company';
import { contractOperation } from './contract';
import { graphql, type GraphQLResponse, type TestStack } from './stack';

/** An operation of operations/contract/finance.graphql, exactly as the contract writes it. */
export const financeOperation = (name: string): string => contractOperation('finance.graphql', name);

export function asCompany<T = any>(t: TestStack, company: { secret: string }, query: string, variables?: Record<string, unknown>, requestId = `test-${randomUUID()}`): Promise<GraphQLResponse<T>> {
  return graphql<T>(t.gatewayUrl, query, variables, { token: company.secret, headers: { 'x-request-id': requestId } });
}

/** POSTs straight to the finance subgraph with a genuinely signed tenant context, bypassing the gateway. */
export async function asFinanceSubgraph<T = any>(t: TestStack, company: Company, modules: ModuleName[], query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  const context = await signTenantContext({ requestId: `direct-${randomUUID()}`, kind: 'STANDARD', keyId: company.keyId, tenant: company.tenant, modules }, t.keys.privateKey);
  return graphql<T>(t.subgraphUrl('finance'), query, variables, { headers: { [CONTEXT_HEADER]: context } });
}

/** Every table a failed finance mutation must leave alone: the ledger, bank tables, keys, outbox and audit trail. */
export const FINANCE_TABLES = [
  'finance.settings',
  'finance.account',
  'finance.entry_number_counter',
  'finance.journal_entry',
  'finance.journal_line',
  'finance.account_daily_balance',
  'finance.bank_transaction',
  'finance.reconciliation',
  'finance.reconciliation_match',
  'finance.idempotency_key',
  'finance.outbox',
  'audit.audit_log',
] as const;

/** Row count and a digest of every row per table: equal footprints mean nothing was inserted, updated or deleted. */
export async function financeFootprint(db: Kysely<any>): Promise<Record<string, string>> {
  const footprint: Record<string, string> = {};
  for (const table of FINANCE_TABLES) {
    const { rows } = await sql<{ n: string; digest: string }>`
      SELECT count(*) AS n, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest FROM ${sql.table(table)} t`.execute(db);
    footprint[table] = `${rows[0]!.n}:${rows[0]!.digest}`;
  }
  return footprint;
}

export async function rowCount(db: Kysely<any>, table: (typeof FINANCE_TABLES)[number]): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
  return Number(rows[0]!.n);
}

/** Runs a mutation as the company and asserts it succeeded with audit rows of this key and request; returns the payload. */
export async function mutateOk(t: TestStack, company: Company, query: string, field: string, variables: Record<string, unknown>): Promise<any> {
  const requestId = `fin-${field}-${randomUUID()}`;
  const res = await asCompany(t, company, query, variables, requestId);
  expect(res.errors).toBeUndefined();
  expect(res.data[field].userErrors).toEqual([]);
  const audit = await company.tenantDb.selectFrom('audit.audit_log').select(['module', 'key_id', 'operation']).where('request_id', '=', requestId).execute();
  expect(audit.length).toBeGreaterThan(0);
  expect(audit).toEqual(audit.map(() => ({ module: 'FINANCE', key_id: company.keyId, operation: field })));
  return res.data[field];
}

/** Runs a mutation that must fail with exactly these [field, code] userErrors, and proves it wrote nothing at all. */
export async function expectRefused(
  t: TestStack,
  company: Company,
  query: string,
  field: string,
  variables: Record<string, unknown>,
  errors: Array<[string[] | null, string]>,
): Promise<void> {
  const before = await financeFootprint(company.tenantDb);
  const res = await asCompany(t, company, query, variables);
  expect(res.errors).toBeUndefined();
  expect(res.data[field].userErrors.map((e: { field: string[] | null; code: string }) => [e.field, e.code])).toEqual(errors);
  for (const [key, value] of Object.entries(res.data[field])) if (key !== 'userErrors') expect(value).toBeNull();
  expect(await financeFootprint(company.tenantDb)).toEqual(before);
}

/** A balanced two-line entry on accounts of the default chart. */
export function simpleEntry(date: string, amount: string, overrides: Record<string, unknown> = {}) {
  return {
    date,
    memo: `Entry of ${amount}`,
    lines: [
      { accountCode: '1000', debit: amount },
      { accountCode: '4000', credit: amount },
    ],
    ...overrides,
  };
}
