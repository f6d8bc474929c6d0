import type { PermissionMap } from '../kit/permissions';

const READ = 'assets:read';
const MANAGE = 'assets:manage';
/** Custom fields are the company's configuration: its administrators define them. */
const CONFIGURE = 'company:settings.manage';
/** The operator may manage them too, for the company it names (X-Fluxo-Company; docs/custom-fields.md). */
const CONFIGURE_OR_OPERATOR = [CONFIGURE, 'OPERATOR_FOR_COMPANY'] as const;

/** What each field of the assets subgraph needs (subgraphs/kit/permissions.ts). */
export const permissions: PermissionMap = {
  Query: { assets: READ, asset: READ, assetCategories: READ, locations: READ, assetLedgerSettings: READ, assetCustomFields: [READ, 'OPERATOR_FOR_COMPANY'] },
  Mutation: {
    registerAsset: MANAGE,
    assignAsset: MANAGE,
    returnAsset: MANAGE,
    scheduleMaintenance: MANAGE,
    completeMaintenance: MANAGE,
    disposeAsset: MANAGE,
    updateAssetDetails: MANAGE,
    defineAssetCustomField: CONFIGURE_OR_OPERATOR,
    updateAssetCustomField: CONFIGURE_OR_OPERATOR,
    archiveAssetCustomField: CONFIGURE_OR_OPERATOR,
    updateAssetLedgerSettings: 'assets:depreciation.run',
    runDepreciation: 'assets:depreciation.run',
  },
  Asset: { __resolveReference: READ },
  // Employees are the employees subgraph's: resolving one here reads nothing; its asset fields need the asset permission.
  Employee: { __resolveReference: 'SIGNED_IN', assets: READ, assetHistory: READ },
  Overview: { __resolveReference: 'SIGNED_IN' },
};
