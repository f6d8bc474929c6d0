import { money } from '../../kit/money';
import { paginate, type CursorValues } from '../../kit/pagination';
import { searchTerm, sharingTotal } from '../../kit/search';
import type { Resolvers } from '../generated/resolvers-types';
import { customConditions, customSort, sortValueOf } from '../../kit/custom-fields/filter';
import { badUserInput } from '../../kit/errors';
import { countAssets, countAssetsUpTo, listAssets, type AssetListFilter } from '../store/assets';

export const assetResolvers: Resolvers = {
  Query: {
    assets: async (_parent, args, ctx) => {
      const db = ctx.db();
      const custom = args.filter?.custom?.length ? customConditions(args.filter.custom, await ctx.customFields.readable()) : [];
      const sortBy = args.sortByCustomField ? customSort(args.sortByCustomField, await ctx.customFields.readable()) : null;
      const search = searchTerm(args.filter?.search);
      if (sortBy && search) throw badUserInput('A search is listed in tag order: drop sortByCustomField or the search', 'sortByCustomField');
      const filter: AssetListFilter = {
        status: args.filter?.status ?? null,
        search,
        categoryId: args.filter?.categoryId ?? null,
        holderId: args.filter?.holderId ?? null,
        custom: sortBy ? [...custom, sortBy] : custom,
        sortBy,
      };
      const scope = ctx.scope;
      const { fetch, count, countUpTo } = sharingTotal(
        async (page: { after: CursorValues | null; limit: number }, planned) => {
          const listed = await listAssets(db, filter, scope, page, planned);
          // Rows of the page also serve references to them (assignment.asset) without another query.
          for (const row of listed.rows) ctx.loaders.asset.prime(row.id, row);
          return listed;
        },
        () => countAssets(db, filter, scope),
        (limit) => countAssetsUpTo(db, filter, scope, limit),
      );
      const sorted = sortBy?.definition;
      return paginate(args, {
        // The register's order: tag, id; after the sorted field's value when there is one.
        cursorShape: sorted ? [sorted.type === 'INTEGER' ? 'integer' : 'string', 'string', 'uuid'] : ['string', 'uuid'],
        fetch,
        cursorOf: (a) => (sorted ? [sortValueOf(sorted, a.custom_fields), a.tag, a.id] : [a.tag, a.id]),
        count,
        countUpTo,
      });
    },
    asset: (_parent, { id }, ctx) => {
      ctx.tenant();
      return ctx.loaders.asset.load(id);
    },
  },
  Asset: {
    // Another subgraph's reference resolves only to an asset of the caller's own tenant database.
    __resolveReference: (ref, ctx) => ctx.loaders.asset.load(ref.id),
    category: async (a, _args, ctx) => {
      const category = await ctx.loaders.category.load(a.category_id);
      if (!category) throw new Error(`category ${a.category_id} of asset ${a.id} is missing`);
      return category.name;
    },
    categoryId: (a) => a.category_id,
    serialNumber: (a) => a.serial_number,
    location: (a, _args, ctx) => (a.location_id ? ctx.loaders.location.load(a.location_id) : null),
    acquisitionDate: (a) => a.acquisition_date,
    acquisitionCost: (a) => money(a.acquisition_cost, a.currency),
    salvageValue: (a) => money(a.salvage_value, a.currency),
    usefulLifeMonths: (a) => a.useful_life_months,
    depreciationMethod: (a) => a.depreciation_method,
  },
};
