import { grantsAll } from '../../kit/overview';
import { assertCan } from '../authz';
import { assetsEmployees, assetsFinance, assetsPayrollFinance, payrollEmployees, payrollFinance } from '../domain/overview-metrics';
import type { Resolvers } from '../generated/resolvers-types';

/**
 * The overview's root lives in access: it names the tenant, and the module
 * subgraphs extend the Overview entity with their blocks and with the small
 * aggregates access requires for the cross-module metrics. Each metric is
 * null unless the caller sees every module it combines (a module that is not
 * granted sends null for its aggregates too); no SQL runs here.
 */
export const overviewResolvers: Resolvers = {
  Query: {
    overview: (_parent, _args, ctx) => {
      assertCan(ctx.caller, 'me:read');
      const tenant = ctx.caller.tenant!;
      return { tenantId: tenant.id, companyId: tenant.companyId };
    },
  },
  Overview: {
    // The representation carries the aggregates crossModule requires when the plan asks for it.
    __resolveReference: (ref, ctx) => (ctx.caller.tenant?.id === ref.tenantId ? { ...ref, companyId: ctx.caller.tenant.companyId } : null),
    company: async (overview, _args, ctx) => {
      const company = await ctx.loaders.company.load(overview.companyId);
      if (!company) throw new Error(`company ${overview.companyId} of a verified key is missing`);
      return company;
    },
    modules: (_overview, _args, ctx) => ctx.caller.modules,
    generatedAt: () => new Date(),
    crossModule: ({ companyId: _companyId, ...aggregates }) => aggregates,
  },
  CrossModuleOverview: {
    assetsEmployees: (a, _args, ctx) => (grantsAll(ctx, ['ASSETS', 'EMPLOYEES']) ? assetsEmployees(a) : null),
    assetsFinance: (a, _args, ctx) => (grantsAll(ctx, ['ASSETS', 'FINANCE']) ? assetsFinance(a) : null),
    payrollEmployees: (a, _args, ctx) => (grantsAll(ctx, ['PAYROLL', 'EMPLOYEES']) ? payrollEmployees(a) : null),
    payrollFinance: (a, _args, ctx) => (grantsAll(ctx, ['PAYROLL', 'FINANCE']) ? payrollFinance(a) : null),
    assetsPayrollFinance: (a, _args, ctx) => (grantsAll(ctx, ['ASSETS', 'PAYROLL', 'FINANCE']) ? assetsPayrollFinance(a) : null),
  },
};
