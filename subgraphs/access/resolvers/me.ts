import { assertCan } from '../authz';
import type { Resolvers } from '../generated/resolvers-types';

export const meResolvers: Resolvers = {
  Query: {
    me: (_parent, _args, ctx) => {
      assertCan(ctx.caller, 'me:read');
      // assertCan guarantees a company key, hence a tenant and a key id.
      return { companyId: ctx.caller.tenant!.companyId, keyId: ctx.caller.keyId! };
    },
  },
  Me: {
    company: async (me, _args, ctx) => {
      const company = await ctx.loaders.company.load(me.companyId);
      if (!company) throw new Error(`company ${me.companyId} of a verified key is missing`);
      return company;
    },
    modules: (_me, _args, ctx) => ctx.caller.modules,
    accessKey: async (me, _args, ctx) => {
      const key = await ctx.loaders.accessKey.load(me.keyId);
      if (!key) throw new Error(`access key ${me.keyId} of a verified request is missing`);
      return key;
    },
  },
};
