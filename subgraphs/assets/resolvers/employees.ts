import type { Resolvers } from '../generated/resolvers-types';
import type { AssetRow } from '../store/db';

export const employeeResolvers: Resolvers = {
  Employee: {
    // Whether the employee exists is the employees subgraph's answer; assets only adds to it.
    __resolveReference: (ref) => ({ id: ref.id }),
    assets: async (employee, _args, ctx) => {
      const open = await ctx.loaders.openAssignmentsOfEmployee.load(employee.id);
      const assets = await ctx.loaders.asset.loadMany(open.map((a) => a.asset_id));
      return assets.map((asset, i) => {
        if (asset instanceof Error) throw asset;
        // The foreign key makes a missing asset impossible; if it happens, say so rather than hide a holding.
        if (asset === null) throw new Error(`asset ${open[i]!.asset_id} of an open assignment is missing`);
        return asset satisfies AssetRow;
      });
    },
    assetHistory: (employee, _args, ctx) => ctx.loaders.assignmentsOfEmployee.load(employee.id),
  },
};
