import { runModuleMutation } from '../../kit/mutation';
import type { Resolvers } from '../generated/resolvers-types';
import { registerAsset } from '../services/register-asset';
import { listCategories, listLocations } from '../store/categories';

export const registryResolvers: Resolvers = {
  Query: {
    assetCategories: (_parent, _args, ctx) => listCategories(ctx.db()),
    locations: (_parent, _args, ctx) => listLocations(ctx.db()),
  },
  Mutation: {
    registerAsset: (_parent, { input }, ctx) =>
      runModuleMutation(ctx, 'registerAsset', (trx, actor) => registerAsset(trx, input, actor, ctx.customFields.canRead)),
  },
};
