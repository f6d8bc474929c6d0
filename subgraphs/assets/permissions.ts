import type { PermissionMap } from '../kit/permissions';

const READ = 'assets:read';
const MANAGE = 'assets:manage';
/** Custom fields are the company's configuration: its administrators define them. */
const CONFIGURE = 'company:settings.manage';

/** What each field of the assets subgraph needs (subgraphs/kit/permissions.ts). */
export const permissions: PermissionMap = {
  Query: { assets: READ, asset: READ, assetCategories: READ, locations: READ, assetLedgerSettings: READ, assetCustomFields: READ },
  Mutation: {
    registerAsset: MANAGE,
    assignAsset: MANAGE,
    returnAsset: MANAGE,
    scheduleMaintenance: MANAGE,
    completeMaintenance: MANAGE,
    disposeAsset: MANAGE,
    updateAssetDetails: MANAGE,
    defineAssetCustomField: CONFIGURE,
    updateAssetCustomField: CONFIGURE,
    archiveAssetCustomField: CONFIGURE,
    updateAssetLedgerSettings: 'assets:depreciation.run',
    runDepreciation: 'assets:depreciation.run',
  },
  Asset: { __resolveReference: READ },
  // Employees are the employees subgraph's: resolving one here reads nothing; its asset fields need the asset permission.
  Employee: { __resolveReference: 'SIGNED_IN', assets: READ, assetHistory: READ },
  Overview: { __resolveReference: 'SIGNED_IN' },
};
