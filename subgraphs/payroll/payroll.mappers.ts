import type { Connection, Edge } from '../kit/pagination';
import type { PayComponentTerms } from './domain/terms';
import type { PayrollSettingsView } from './store/settings';
import type { PayRunRow } from './store/pay-run.table';
import type { PayslipLineRow } from './store/payslip-line.table';
import type { PayslipRow } from './store/payslip.table';

// Parent types of the payroll subgraph's resolvers: rows and views as the store returns them.
export type PayrollSettingsMapper = PayrollSettingsView;
export type PayComponentMapper = PayComponentTerms & { currency: string };
export type PayRunMapper = PayRunRow;
/** Totals of a calculated run, in its currency. */
export interface PayRunTotalsMapper {
  currency: string;
  gross: string;
  deductions: string;
  net: string;
  employerCost: string;
}
export type PayRunConnectionMapper = Connection<PayRunRow>;
export type PayRunEdgeMapper = Edge<PayRunRow>;
export type PayslipMapper = PayslipRow;
export type PayslipLineMapper = PayslipLineRow & { currency: string };
/** Employees own the employee; payroll only needs the id to find payslips. */
export interface EmployeeMapper {
  id: string;
}
/** Finance owns the entry; payroll only knows its id. */
export interface JournalEntryMapper {
  id: string;
}
/** The overview entity as payroll sees it: its key. */
export interface OverviewMapper {
  tenantId: string;
}
export interface PayrollOverviewMapper {
  payRuns: number;
  lastPayRun: PayRunRow | null;
}
