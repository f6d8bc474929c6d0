import { runModuleMutation } from '../../kit/mutation';
import { money } from '../../kit/money';
import { monthBounds } from '../domain/depreciation-ledger';
import { parsePeriod } from '../domain/dates';
import type { Resolvers } from '../generated/resolvers-types';
import { runDepreciation } from '../services/depreciation-run';
import { updateAssetLedgerSettings } from '../services/ledger-settings';
import { readLedgerSettings } from '../store/ledger-settings';

export const ledgerResolvers: Resolvers = {
  Query: {
    assetLedgerSettings: (_parent, _args, ctx) => readLedgerSettings(ctx.db()),
  },
  Mutation: {
    updateAssetLedgerSettings: (_parent, { input }, ctx) =>
      runModuleMutation(ctx, 'updateAssetLedgerSettings', (trx, actor) => updateAssetLedgerSettings(trx, input, actor)),
    runDepreciation: async (_parent, { input }, ctx) => {
      const result = await runModuleMutation(ctx, 'runDepreciation', (trx, actor) => runDepreciation(trx, input, actor));
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
