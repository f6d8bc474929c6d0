import { unauthenticated, forbidden } from '../../kit/errors';
import type { Resolvers } from '../generated/resolvers-types';

export const meResolvers: Resolvers = {
  Query: {
    me: (_parent, _args, ctx) => {
      const { caller } = ctx;
      if (caller.kind === 'ANONYMOUS') throw unauthenticated();
      // A token or key is for one company; the operator has none to describe.
      if (!caller.tenant) throw forbidden('me describes a company credential: a key, or a person signed in to a company');
      return { companyId: caller.tenant.companyId, keyId: caller.keyId, userId: caller.user?.id ?? null };
    },
  },
  Me: {
    company: async (me, _args, ctx) => {
      const company = await ctx.loaders.company.load(me.companyId);
      if (!company) throw new Error(`company ${me.companyId} of a verified caller is missing`);
      return company;
    },
    modules: (_me, _args, ctx) => ctx.caller.modules,
    accessKey: (me, _args, ctx) => (me.keyId ? ctx.loaders.accessKey.load(me.keyId) : null),
    user: (me, _args, ctx) => (me.userId ? ctx.loaders.user.load(me.userId) : null),
    memberships: (me, _args, ctx) => (me.userId ? ctx.loaders.membershipsOfUser.load(me.userId) : []),
    permissions: (_me, _args, ctx) => ctx.caller.grants.permissions,
  },
};
