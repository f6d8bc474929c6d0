import { money } from '../../kit/money';
import { runModuleMutation } from '../../kit/mutation';
import type { Resolvers } from '../generated/resolvers-types';
import { updatePayrollSettings } from '../services/settings';
import { readSettings } from '../store/settings';

export const settingsResolvers: Resolvers = {
  Query: {
    payrollSettings: (_parent, _args, ctx) => readSettings(ctx.db()),
  },
  Mutation: {
    updatePayrollSettings: (_parent, { input }, ctx) => {
      const change = {
        ...input,
        components: input.payComponents?.map((c) => ({ code: c.code, name: c.name, kind: c.kind, amount: c.amount, accountCode: c.accountCode ?? null })),
      };
      return runModuleMutation(ctx, 'updatePayrollSettings', (trx, actor) => updatePayrollSettings(trx, change, actor));
    },
  },
  PayrollSettings: {
    payComponents: (s) => s.components.map((c) => ({ ...c, currency: s.currency })),
  },
  PayComponent: {
    amount: (c) => money(c.amount, c.currency),
  },
};
