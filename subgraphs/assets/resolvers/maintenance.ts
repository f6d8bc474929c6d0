import { runModuleMutation } from '../../kit/mutation';
import { money } from '../../kit/money';
import type { Resolvers } from '../generated/resolvers-types';
import { completeMaintenance, scheduleMaintenance } from '../services/maintenance';

export const maintenanceResolvers: Resolvers = {
  Mutation: {
    scheduleMaintenance: (_parent, { input }, ctx) => runModuleMutation(ctx, 'scheduleMaintenance', (trx, actor) => scheduleMaintenance(trx, input, actor)),
    completeMaintenance: (_parent, { input }, ctx) => runModuleMutation(ctx, 'completeMaintenance', (trx, actor) => completeMaintenance(trx, input, actor)),
  },
  Asset: {
    maintenance: (a, _args, ctx) => ctx.loaders.maintenanceOfAsset.load(a.id),
  },
  AssetMaintenance: {
    asset: async (m, _args, ctx) => {
      const asset = await ctx.loaders.asset.load(m.asset_id);
      if (!asset) throw new Error(`asset ${m.asset_id} of maintenance ${m.id} is missing`);
      return asset;
    },
    scheduledFor: (m) => m.scheduled_for,
    completedAt: (m) => m.completed_on,
    cost: (m) => (m.cost !== null && m.currency !== null ? money(m.cost, m.currency) : null),
  },
};
