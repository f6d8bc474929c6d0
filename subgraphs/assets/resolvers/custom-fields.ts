import { archiveCustomField, changeCustomField, defineCustomField } from '../../kit/custom-fields/service';
import { definitionPayload as payload, definitionView, valuesView } from '../../kit/custom-fields/view';
import { runModuleMutation } from '../../kit/mutation';
import { checkNamedCompany } from '../../kit/custom-fields/request';
import type { Resolvers } from '../generated/resolvers-types';
import { updateAssetDetails } from '../services/asset-details';
import { ASSET_CUSTOM_FIELDS } from '../store/custom-fields';

/** Assets' custom fields: their definitions, managed by the company's administrators, and each asset's values. */
export const customFieldResolvers: Resolvers = {
  Query: {
    assetCustomFields: async (_parent, { includeArchived }, ctx) => {
      const readable = await ctx.customFields.readable();
      return readable.filter((d) => includeArchived || d.archivedAt === null).map(definitionView);
    },
  },
  Mutation: {
    updateAssetDetails: (_parent, { input }, ctx) =>
      runModuleMutation(ctx, 'updateAssetDetails', (trx, actor) => updateAssetDetails(trx, input, actor, ctx.customFields.canRead)),
    defineAssetCustomField: (_parent, { input }, ctx) => {
      checkNamedCompany(ctx, input.companyId);
      return payload(runModuleMutation(ctx, 'defineAssetCustomField', (trx, actor) => defineCustomField(trx, ASSET_CUSTOM_FIELDS, input, actor)));
    },
    updateAssetCustomField: (_parent, { input }, ctx) => {
      checkNamedCompany(ctx, input.companyId);
      return payload(runModuleMutation(ctx, 'updateAssetCustomField', (trx, actor) => changeCustomField(trx, ASSET_CUSTOM_FIELDS, input, actor, 'asset')));
    },
    archiveAssetCustomField: (_parent, { input }, ctx) => {
      checkNamedCompany(ctx, input.companyId);
      return payload(runModuleMutation(ctx, 'archiveAssetCustomField', (trx, actor) => archiveCustomField(trx, ASSET_CUSTOM_FIELDS, input, actor)));
    },
  },
  Asset: {
    customFields: async (a, { includeArchived }, ctx) => valuesView(await ctx.customFields.readable(), a.custom_fields, includeArchived ?? false),
    customField: async (a, { key }, ctx) => valuesView(await ctx.customFields.readable(), a.custom_fields, true).find((v) => v.key === key) ?? null,
  },
};
