import { money } from '../../kit/money';
import type { Resolvers } from '../generated/resolvers-types';
import { payrollSettings, updatePayrollSettings } from '../services/settings';

export const settingsResolvers: Resolvers = {
  Query: {
    payrollSettings: (_parent, _args, ctx) => payrollSettings(ctx),
  },
  Mutation: {
    updatePayrollSettings: (_parent, { input }, ctx) =>
      updatePayrollSettings(ctx, {
        ...input,
        components: input.payComponents?.map((c) => ({ code: c.code, name: c.name, kind: c.kind, amount: c.amount, accountCode: c.accountCode ?? null })),
      }),
  },
  PayrollSettings: {
    payComponents: (s) => s.components.map((c) => ({ ...c, currency: s.currency })),
  },
  PayComponent: {
    amount: (c) => money(c.amount, c.currency),
  },
};
