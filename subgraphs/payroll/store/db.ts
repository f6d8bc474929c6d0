import type { Kysely, Transaction } from 'kysely';
import type { TenantAuditDB } from '../../kit/audit';
import type { ContractProjectionTable } from './contract-projection.table';
import type { EmployeeProjectionTable } from './employee-projection.table';
import type { PayComponentTable } from './pay-component.table';
import type { PayRunTable } from './pay-run.table';
import type { PayslipLineTable } from './payslip-line.table';
import type { PayslipTable } from './payslip.table';
import type { SettingsTable } from './settings.table';

/** The payroll schema of a tenant database, as this module's store sees it, plus the platform's audit table. */
export interface PayrollDB extends TenantAuditDB {
  'payroll.settings': SettingsTable;
  'payroll.pay_component': PayComponentTable;
  'payroll.employee_projection': EmployeeProjectionTable;
  'payroll.contract_projection': ContractProjectionTable;
  'payroll.pay_run': PayRunTable;
  'payroll.payslip': PayslipTable;
  'payroll.payslip_line': PayslipLineTable;
}

export type PayrollExecutor = Kysely<PayrollDB> | Transaction<PayrollDB>;
