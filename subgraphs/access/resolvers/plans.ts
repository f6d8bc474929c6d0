import type { Resolvers } from '../generated/resolvers-types';
import { listPlans } from '../store/plans';

export const planResolvers: Resolvers = {
  Query: {
    plans: (_parent, _args, ctx) => listPlans(ctx.deps.controlPlane),
  },
  Plan: {
    monthlyPrice: (plan) => ({ amount: plan.monthly_price, currency: plan.currency }),
  },
};
