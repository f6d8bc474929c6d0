import { runModuleMutation } from '../../kit/mutation';
import { contractStatus } from '../domain/contracts';
import type { Resolvers } from '../generated/resolvers-types';
import { signContract } from '../services/contracts';

export const contractResolvers: Resolvers = {
  Mutation: {
    signContract: (_parent, { input }, ctx) => runModuleMutation(ctx, 'signContract', (trx, actor) => signContract(trx, input, actor)),
  },
  Contract: {
    employee: async (c, _args, ctx) => {
      const employee = await ctx.loaders.employee.load(c.employee_id);
      if (!employee) throw new Error(`employee ${c.employee_id} of contract ${c.id} is missing`);
      return employee;
    },
    status: (c, _args, ctx) => contractStatus(c, ctx.today),
    startDate: (c) => c.start_date,
    endDate: (c) => c.end_date,
    payFrequency: (c) => c.pay_frequency,
    baseSalary: (c) => ({ amount: c.base_salary, currency: c.currency }),
  },
};
