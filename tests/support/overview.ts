import { MODULES, type ModuleName } from '../../platform/modules';
import type { Overview } from './api';
import { contractOperation } from './contract';
import { graphql, type GraphQLResponse, type TestStack } from './stack';

/** The contract's Overview operation, exactly as operations/contract/overview.graphql writes it. */
export const OVERVIEW = contractOperation('overview.graphql', 'Overview');

/** Runs the contract's Overview with an access key. */
export function overviewWith(t: TestStack, secret: string, headers: Record<string, string> = {}): Promise<GraphQLResponse<{ overview: Overview }>> {
  return graphql<{ overview: Overview }>(t.gatewayUrl, OVERVIEW, undefined, { token: secret, headers });
}

/** The block each module subgraph adds to the overview; a module without one is simply absent. */
export const BLOCK_OF: Partial<Record<ModuleName, 'assets' | 'employees' | 'finance' | 'payroll'>> = {
  ASSETS: 'assets',
  EMPLOYEES: 'employees',
  FINANCE: 'finance',
  PAYROLL: 'payroll',
};

/** Every crossModule metric and the modules a key must grant for it not to be null. */
export const METRIC_MODULES: Record<string, ModuleName[]> = {
  assetsEmployees: ['ASSETS', 'EMPLOYEES'],
  assetsFinance: ['ASSETS', 'FINANCE'],
  payrollFinance: ['PAYROLL', 'FINANCE'],
  payrollEmployees: ['PAYROLL', 'EMPLOYEES'],
  assetsPayrollFinance: ['ASSETS', 'PAYROLL', 'FINANCE'],
};

/** The 15 non-empty combinations of the four modules, in a stable order. */
export function moduleCombinations(): ModuleName[][] {
  const combinations: ModuleName[][] = [];
  for (let mask = 1; mask < 1 << MODULES.length; mask += 1) combinations.push(MODULES.filter((_, i) => mask & (1 << i)));
  return combinations;
}

/** A Money in euros, as the API returns it. */
export const eur = (amount: string) => ({ amount, currency: 'EUR' });

/** YYYY-MM-DD of a UTC date. */
export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** `days` days after (or before, when negative) a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return isoDay(new Date(Date.UTC(y, m - 1, d + days)));
}

/** First and last day of the calendar month `offset` months from the month of `day`. */
export function monthOf(day: string, offset = 0): { start: string; end: string } {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return { start: isoDay(new Date(Date.UTC(y, m - 1 + offset, 1))), end: isoDay(new Date(Date.UTC(y, m + offset, 0))) };
}
