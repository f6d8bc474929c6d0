import { runModuleMutation } from '../../kit/mutation';
import { money } from '../../kit/money';
import { todayUtc } from '../../../platform/dates';
import { carryingAmountAsOf, depreciationSchedule, disposalGainOrLoss } from '../domain/depreciation';
import type { AssetDisposalMapper } from '../assets.mappers';
import type { Resolvers } from '../generated/resolvers-types';
import { depreciationTermsOf } from '../services/asset-state';
import { disposeAsset } from '../services/disposal';

export const financeResolvers: Resolvers = {
  Mutation: {
    disposeAsset: (_parent, { input }, ctx) => runModuleMutation(ctx, 'disposeAsset', (trx, actor) => disposeAsset(trx, input, actor)),
  },
  Asset: {
    bookValue: (a, { asOf }) => money(carryingAmountAsOf(depreciationTermsOf(a), a.disposed_on, asOf ?? todayUtc()), a.currency),
    depreciationSchedule: (a) => depreciationSchedule(depreciationTermsOf(a)).map((row) => ({ ...row, currency: a.currency })),
    disposal: (a) => (a.disposed_on === null ? null : (a as AssetDisposalMapper)),
  },
  DepreciationPeriod: {
    depreciation: (p) => money(p.depreciation, p.currency),
    accumulated: (p) => money(p.accumulated, p.currency),
    bookValue: (p) => money(p.bookValue, p.currency),
  },
  AssetDisposal: {
    date: (d) => d.disposed_on,
    proceeds: (d) => money(d.disposal_proceeds, d.currency),
    bookValueAtDisposal: (d) => money(d.book_value_at_disposal, d.currency),
    gainOrLoss: (d) => money(disposalGainOrLoss(d.disposal_proceeds, d.book_value_at_disposal), d.currency),
  },
};
