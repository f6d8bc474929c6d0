import type { CustomFieldTables } from '../../kit/custom-fields/store';

/** Where assets' custom fields live (migrations/tenant/assets/20261223000100_custom_fields.ts). */
export const ASSET_CUSTOM_FIELDS: CustomFieldTables = { schema: 'assets', entityTable: 'asset' };
