import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Payloads, Succeeded } from './api';
import type { GatewayCompany } from './company';
import { contractOperation } from './contract';
import { footprint, type TenantDB } from './tenant-db';

/** An operation of operations/contract/finance.graphql, exactly as the contract writes it. */
export const financeOperation = (name: string): string => contractOperation('finance.graphql', name);

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
export const financeFootprint = (db: Kysely<TenantDB>) => footprint(db, FINANCE_TABLES);

export async function rowCount(db: Kysely<TenantDB>, table: (typeof FINANCE_TABLES)[number]): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
  return Number(rows[0]!.n);
}

/** Runs a mutation as the company and asserts it succeeded with audit rows of this key and request; returns the payload. */
export async function mutateOk<F extends keyof Payloads>(
  company: GatewayCompany,
  query: string,
  field: F,
  variables: Record<string, unknown>,
): Promise<Succeeded<Payloads[F]>> {
  const requestId = `fin-${field}-${randomUUID()}`;
  // Typed as it must come back: with empty userErrors, a payload carries its results.
  const res = await company.gql<Record<F, Succeeded<Payloads[F]>>>(query, variables, { requestId });
  expect(res.errors).toBeUndefined();
  expect(res.data![field].userErrors).toEqual([]);
  const audit = await company.tenantDb.selectFrom('audit.audit_log').select(['module', 'key_id', 'operation']).where('request_id', '=', requestId).execute();
  expect(audit.length).toBeGreaterThan(0);
  expect(audit).toEqual(audit.map(() => ({ module: 'FINANCE', key_id: company.keyId, operation: field })));
  return res.data![field];
}

/** Runs a mutation that must fail with exactly these [field, code] userErrors, and proves it wrote nothing at all. */
export async function expectRefused<F extends keyof Payloads>(
  company: GatewayCompany,
  query: string,
  field: F,
  variables: Record<string, unknown>,
  errors: Array<[string[] | null, string]>,
): Promise<void> {
  const before = await financeFootprint(company.tenantDb);
  const res = await company.gql<Pick<Payloads, F>>(query, variables);
  expect(res.errors).toBeUndefined();
  expect(res.data![field].userErrors.map((e) => [e.field, e.code])).toEqual(errors);
  for (const [key, value] of Object.entries(res.data![field])) if (key !== 'userErrors') expect(value).toBeNull();
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
