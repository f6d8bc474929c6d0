import { money } from '../../kit/money';
import { monthBounds } from '../domain/depreciation-ledger';
import { parsePeriod } from '../domain/dates';
import type { Resolvers } from '../generated/resolvers-types';
import { runDepreciation } from '../services/depreciation-run';
import { assetLedgerSettings, updateAssetLedgerSettings } from '../services/ledger-settings';

export const ledgerResolvers: Resolvers = {
  Query: {
    assetLedgerSettings: (_parent, _args, ctx) => assetLedgerSettings(ctx),
  },
  Mutation: {
    updateAssetLedgerSettings: (_parent, { input }, ctx) => updateAssetLedgerSettings(ctx, input),
    runDepreciation: async (_parent, { input }, ctx) => {
      const result = await runDepreciation(ctx, input);
      return { ...result, totals: result.runs?.map((run) => money(run.total, run.currency)) };
    },
  },
  AssetDepreciationRun: {
    periodEnd: (run) => monthBounds(parsePeriod(run.period)!).end,
    assetCount: (run) => run.asset_count,
    total: (run) => money(run.total, run.currency),
    createdAt: (run) => run.created_at,
  },
};
