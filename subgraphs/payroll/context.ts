import type DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { BaseContext } from '../kit/context';
import { findByUuids, groupBy, groupLoader, indexBy, mapLoader } from '../kit/loaders';
import { moduleContextFactory, type ModuleContext } from '../kit/module-context';
import { rowScope } from '../kit/permissions';
import type { RowScope } from '../../platform/permissions';
import type { ServiceRuntime } from '../../platform/runtime';
import type { PayrollDB } from './store/db';
import type { PayRunRow } from './store/pay-run.table';
import { findPayRunsByIds } from './store/pay-runs';
import type { PayslipLineRow } from './store/payslip-line.table';
import type { PayslipRow } from './store/payslip.table';
import { findLinesOfPayslips, findPayslipsByIds, findPayslipsOfEmployees, findPayslipsOfRuns } from './store/payslips';

/**
 * Per-request batches: any page of runs or payslips and their relations costs a
 * fixed number of statements. The payslip loaders read within the caller's
 * scope of 'payroll:payslips.read', built for one scope and one request, so a
 * scoped read never shares a result with an unscoped one. Lines are reached
 * only through payslips already read within the scope.
 */
export interface PayrollLoaders {
  payRun: DataLoader<string, PayRunRow | null>;
  payslip: DataLoader<string, PayslipRow | null>;
  payslipsOfRun: DataLoader<string, PayslipRow[]>;
  payslipsOfEmployee: DataLoader<string, PayslipRow[]>;
  linesOfPayslip: DataLoader<string, PayslipLineRow[]>;
}

export type PayrollContext = ModuleContext<PayrollDB, PayrollLoaders>;

export function createPayrollLoaders(db: () => Kysely<PayrollDB>, payslips: RowScope | null): PayrollLoaders {
  return {
    payRun: mapLoader(async (ids) => indexBy(await findByUuids(ids, (k) => findPayRunsByIds(db(), k)), (r) => r.id)),
    payslip: mapLoader(async (ids) => indexBy(await findByUuids(ids, (k) => findPayslipsByIds(db(), k, payslips)), (p) => p.id)),
    payslipsOfRun: groupLoader(async (ids) => groupBy(await findByUuids(ids, (k) => findPayslipsOfRuns(db(), k, payslips)), (p) => p.pay_run_id)),
    payslipsOfEmployee: groupLoader(async (ids) => groupBy(await findByUuids(ids, (k) => findPayslipsOfEmployees(db(), k, payslips)), (p) => p.employee_id)),
    linesOfPayslip: groupLoader(async (ids) => groupBy(await findByUuids(ids, (k) => findLinesOfPayslips(db(), k)), (l) => l.payslip_id)),
  };
}

/** The payroll context: the kit's module context, whose database is reachable only after the PAYROLL check. */
export function payrollContextFactory(runtime: ServiceRuntime): (base: BaseContext) => PayrollContext {
  return (base) => {
    const payslips = rowScope(base, 'payroll:payslips.read');
    return moduleContextFactory<PayrollDB, PayrollLoaders>(runtime, 'PAYROLL', (db) => createPayrollLoaders(db, payslips))(base);
  };
}
