import { assertCan } from '../authz';
import type { Resolvers } from '../generated/resolvers-types';

/**
 * The overview's root lives in access: it names the tenant, and the module
 * subgraphs extend the Overview entity with their blocks.
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
    __resolveReference: (ref, ctx) => (ctx.caller.tenant?.id === ref.tenantId ? { tenantId: ref.tenantId, companyId: ctx.caller.tenant.companyId } : null),
    company: async (overview, _args, ctx) => {
      const company = await ctx.loaders.company.load(overview.companyId);
      if (!company) throw new Error(`company ${overview.companyId} of a verified key is missing`);
      return company;
    },
    modules: (_overview, _args, ctx) => ctx.caller.modules,
    generatedAt: () => new Date(),
    crossModule: (overview) => ({ tenantId: overview.tenantId }),
  },
};
