import { money } from '../../kit/money';
import type { Resolvers } from '../generated/resolvers-types';

export const payslipResolvers: Resolvers = {
  Query: {
    payslip: (_parent, { id }, ctx) => ctx.loaders.payslip.load(id),
  },
  Payslip: {
    __resolveReference: (ref, ctx) => ctx.loaders.payslip.load(ref.id),
    payRun: async (p, _args, ctx) => (await ctx.loaders.payRun.load(p.pay_run_id))!,
    employee: (p) => ({ id: p.employee_id }),
    periodStart: (p) => p.period_start,
    periodEnd: (p) => p.period_end,
    daysPaid: (p) => p.days_paid,
    gross: (p) => money(p.gross, p.currency),
    deductions: (p) => money(p.deductions, p.currency),
    net: (p) => money(p.net, p.currency),
    employerCost: (p) => money(p.employer_cost, p.currency),
    lines: async (p, _args, ctx) => (await ctx.loaders.linesOfPayslip.load(p.id)).map((line) => ({ ...line, currency: p.currency })),
  },
  PayslipLine: {
    amount: (l) => money(l.amount, l.currency),
  },
  Employee: {
    // Employees own the employee; payroll answers for the payslips it holds under that id (none for an unknown one).
    // The module gate is payslips' own (through ctx.db()), so a key without PAYROLL gets null and its error at that field.
    __resolveReference: (ref) => ({ id: ref.id }),
    payslips: (e, _args, ctx) => ctx.loaders.payslipsOfEmployee.load(e.id),
  },
};
