import { differenceOf, ratio } from '../../kit/money';
import { grantsAll, ownTenant } from '../../kit/overview';
import type { Resolvers } from '../generated/resolvers-types';
import { requestRegisterCounts, requestRegisterTotals } from '../services/overview';

/**
 * The assets block of the overview, the two metrics assets computes from what
 * the query plan brings (the employees' active headcount, finance's
 * fixed-asset balance), and the depreciation of the year payroll requires.
 * Each metric is null unless the key grants all of its modules (a module that
 * is not granted sends null, so the metric is null without an error); without
 * ASSETS every field is null and no SQL runs.
 */
export const overviewResolvers: Resolvers = {
  Overview: {
    // The representation carries what the metrics require (activeHeadcount, ledgerFixedAssets) when the plan asks for crossModule.
    __resolveReference: (ref, ctx) => ownTenant(ref, ctx),
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
    depreciationYearToDate: async (_overview, _args, ctx) => (ctx.granted ? (await requestRegisterTotals(ctx)).depreciationYearToDate : null),
    crossModule: (overview) => ({ tenantId: overview.tenantId, activeHeadcount: overview.activeHeadcount, ledgerFixedAssets: overview.ledgerFixedAssets }),
  },
  CrossModuleOverview: {
    assetsEmployees: async (metrics, _args, ctx) => {
      const activeHeadcount = metrics.activeHeadcount;
      if (!grantsAll(ctx, ['ASSETS', 'EMPLOYEES']) || activeHeadcount === null || activeHeadcount === undefined) return null;
      const { held } = await requestRegisterCounts(ctx);
      return { assignedAssets: held, activeHeadcount, assetsPerActiveEmployee: ratio(held, activeHeadcount) };
    },
    assetsFinance: async (metrics, _args, ctx) => {
      const ledgerFixedAssets = metrics.ledgerFixedAssets;
      if (!grantsAll(ctx, ['ASSETS', 'FINANCE']) || !ledgerFixedAssets) return null;
      const { bookValue } = await requestRegisterTotals(ctx);
      return { registerBookValue: bookValue, ledgerFixedAssets, difference: differenceOf(bookValue, ledgerFixedAssets) };
    },
  },
};
