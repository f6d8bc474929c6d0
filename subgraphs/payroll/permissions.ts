import type { PermissionMap } from '../kit/permissions';

const RUNS = 'payroll:runs.read';
const PAYSLIPS = 'payroll:payslips.read';
const PREPARE = 'payroll:runs.prepare';

/** What each field of the payroll subgraph needs (subgraphs/kit/permissions.ts). */
export const permissions: PermissionMap = {
  Query: { payrollSettings: RUNS, payRuns: RUNS, payRun: RUNS, payslip: PAYSLIPS },
  Mutation: {
    updatePayrollSettings: 'payroll:settings.manage',
    createPayRun: PREPARE,
    calculatePayRun: PREPARE,
    cancelPayRun: PREPARE,
    approvePayRun: 'payroll:runs.approve',
    postPayRun: 'payroll:runs.post',
  },
  // A run's payslips are payslips: reading them through the run needs both.
  PayRun: { __resolveReference: RUNS, payslips: PAYSLIPS },
  // A payslip's run shows the whole run's totals.
  Payslip: { __resolveReference: PAYSLIPS, payRun: RUNS },
  Employee: { __resolveReference: 'SIGNED_IN', payslips: PAYSLIPS },
  Overview: { __resolveReference: 'SIGNED_IN' },
};
