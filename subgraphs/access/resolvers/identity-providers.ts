import type { Resolvers } from '../generated/resolvers-types';
import { runAccessMutation } from '../mutation';
import { removeIdentityProvider, setIdentityProvider, signInOptions } from '../services/identity-providers';
import { findIdentityProvider } from '../store/identity-providers';
import { actingCompany } from './people';

// A company's OpenID Connect provider: read with company:read, changed with company:settings.manage (permissions.ts).
export const identityProviderResolvers: Resolvers = {
  Query: {
    identityProvider: async (_parent, { companyId }, ctx) => {
      actingCompany(ctx, companyId);
      return (await findIdentityProvider(ctx.deps.controlPlane, companyId)) ?? null;
    },
    signInOptions: (_parent, { company }, ctx) => signInOptions(ctx.deps.controlPlane, ctx.deps.identityProviders.tokens, company),
  },
  Mutation: {
    setIdentityProvider: (_parent, { input }, ctx) => {
      actingCompany(ctx, input.companyId);
      return runAccessMutation(ctx, 'setIdentityProvider', async (trx, actor) => ({
        identityProvider: await setIdentityProvider(trx, input, ctx.deps.identityProviders.allowHttp, actor),
      }));
    },
    removeIdentityProvider: async (_parent, { input }, ctx) => {
      actingCompany(ctx, input.companyId);
      return {
        removed: false,
        ...(await runAccessMutation(ctx, 'removeIdentityProvider', async (trx, actor) => ({
          removed: await removeIdentityProvider(trx, input.companyId, actor),
        }))),
      };
    },
  },
  IdentityProvider: {
    company: async (p, _args, ctx) => (await ctx.loaders.company.load(p.company_id))!,
    clientId: (p) => p.client_id,
    updatedAt: (p) => p.updated_at,
  },
};
