import { ownTenant } from '../../kit/overview';
import type { Resolvers } from '../generated/resolvers-types';
import { requestRegisterCounts, requestRegisterTotals } from '../services/overview';

/**
 * The assets block of the overview and the aggregates access requires for
 * the cross-module metrics (the held assets, the register's book value and
 * the depreciation of the year). Without ASSETS every field is null and no
 * SQL runs; the fields of one fetch share each read.
 */
export const overviewResolvers: Resolvers = {
  Overview: {
    __resolveReference: (ref, ctx) => ownTenant({ tenantId: ref.tenantId }, ctx),
    assets: async (_overview, _args, ctx) => {
      if (!ctx.granted) return null;
      const [counts, totals] = await Promise.all([requestRegisterCounts(ctx), requestRegisterTotals(ctx)]);
      return {
        totalAssets: counts.registered - counts.disposed,
        assignedAssets: counts.held,
        inMaintenance: counts.inMaintenance,
        totalBookValue: totals.bookValue,
      };
    },
    assetsHeld: async (_overview, _args, ctx) => (ctx.granted ? (await requestRegisterCounts(ctx)).held : null),
    registerBookValue: async (_overview, _args, ctx) => (ctx.granted ? (await requestRegisterTotals(ctx)).bookValue : null),
    depreciationYearToDate: async (_overview, _args, ctx) => (ctx.granted ? (await requestRegisterTotals(ctx)).depreciationYearToDate : null),
  },
};
