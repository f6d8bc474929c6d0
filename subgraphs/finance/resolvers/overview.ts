import { todayUtc } from '../../../platform/dates';
import { money } from '../../kit/money';
import { ownTenant } from '../../kit/overview';
import type { FinanceContext } from '../context';
import { ledgerFigures, type LedgerFigures } from '../domain/overview';
import type { Resolvers } from '../generated/resolvers-types';
import { accountLedgers, ledgerCounts } from '../store/overview';

interface Ledger extends LedgerFigures {
  accounts: number;
  currency: string;
  decimals: number;
}

// The block and the aggregates each need the chart with its sums: one read per request.
const ledgerOfRequest = new WeakMap<FinanceContext, Promise<Ledger>>();

function ledger(ctx: FinanceContext): Promise<Ledger> {
  let pending = ledgerOfRequest.get(ctx);
  if (!pending) {
    const today = todayUtc();
    pending = Promise.all([accountLedgers(ctx.db(), today), ctx.loaders.settings()]).then(([accounts, settings]) => ({
      ...ledgerFigures(accounts),
      accounts: accounts.length,
      currency: settings.base_currency,
      decimals: settings.currency_decimals,
    }));
    ledgerOfRequest.set(ctx, pending);
  }
  return pending;
}

/**
 * The finance block of the overview and the ledger aggregates assets and
 * payroll require for the metrics they compute. Without FINANCE in the key
 * every field is null, never an error, and no SQL runs.
 */
export const overviewResolvers: Resolvers = {
  Overview: {
    __resolveReference: (ref, ctx) => ownTenant({ tenantId: ref.tenantId }, ctx),
    finance: async (_overview, _args, ctx) => {
      if (!ctx.granted) return null;
      const [counts, l] = await Promise.all([ledgerCounts(ctx.db()), ledger(ctx)]);
      return { ...counts, accounts: l.accounts, cashBalance: money(l.cash, l.currency, l.decimals) };
    },
    ledgerFixedAssets: async (_overview, _args, ctx) => {
      if (!ctx.granted) return null;
      const l = await ledger(ctx);
      return money(l.fixedAssets, l.currency, l.decimals);
    },
    ledgerExpenseAccounts: async (_overview, _args, ctx) => {
      if (!ctx.granted) return null;
      const l = await ledger(ctx);
      return l.expenseAccounts.map((a) => ({
        code: a.code,
        balance: money(a.net, l.currency, l.decimals),
        yearToDate: money(a.netYearToDate, l.currency, l.decimals),
      }));
    },
  },
};
