import type { Transaction } from 'kysely';
import { AssetDetailsChanged } from '../../contracts/assets';
import { buildEvent } from '../../contracts/event';
import type { Actor } from '../../kit/actor';
import { checkCustomFieldWrite } from '../../kit/custom-fields/service';
import type { CustomFieldDefinition, CustomFieldValueInput, StoredValues } from '../../kit/custom-fields/types';
import { failWith } from '../../kit/errors';
import { InputProblems } from '../../kit/validation';
import { onlyUuids } from '../../../platform/ids';
import { lockAsset, updateAsset } from '../store/assets';
import { ASSET_CUSTOM_FIELDS } from '../store/custom-fields';
import type { AssetsDB, AssetsExecutor } from '../store/db';
import { findEmployeesByIds } from '../store/employee-projection';

/**
 * Which of these ids are employees the module knows, from its projection of
 * the employees module's events (a custom field's employee references): the
 * assets module never reads the employees schema.
 */
export async function employeesKnown(trx: AssetsExecutor, ids: readonly string[]): Promise<Set<string>> {
  const valid = onlyUuids(ids);
  return new Set(valid.length > 0 ? (await findEmployeesByIds(trx, valid)).map((e) => e.employee_id) : []);
}

/** An event's customFields, left out when there are none, so a company without custom fields sends what it always sent. */
export const withCustomFields = (values: StoredValues) => (Object.keys(values).length > 0 ? { customFields: values } : {});

export interface AssetDetailsInput {
  assetId: string;
  customFields?: readonly CustomFieldValueInput[] | null;
}

/** Changes an asset's custom field values (every state, disposed included: they are the company's notes on it). */
export async function updateAssetDetails(
  trx: Transaction<AssetsDB>,
  input: AssetDetailsInput,
  actor: Actor,
  readable: (def: CustomFieldDefinition) => boolean = () => true,
) {
  if (!input.customFields?.length) failWith(['input'], 'Give custom fields to change', 'NOTHING_TO_CHANGE');
  const asset = await lockAsset(trx, input.assetId);
  if (!asset) failWith(['input', 'assetId'], `No asset ${input.assetId}`, 'NOT_FOUND');
  const problems = new InputProblems();
  const custom = await checkCustomFieldWrite(
    trx,
    ASSET_CUSTOM_FIELDS,
    { inputs: input.customFields, current: asset.custom_fields, mode: 'update', readable, employeesExist: (ids) => employeesKnown(trx, ids) },
    problems,
  );
  problems.assertNone();
  if (custom.changed.length === 0) failWith(['input'], `${asset.tag} already has these details`, 'NOTHING_TO_CHANGE');
  const updated = await updateAsset(trx, asset.id, { custom_fields: JSON.stringify(custom.values) });
  actor.audit({ entity: 'asset', entityId: asset.id, before: { customFields: asset.custom_fields }, after: { customFields: updated.custom_fields } });
  actor.publish(buildEvent(AssetDetailsChanged, { assetId: asset.id, customFields: custom.announced() }));
  return { asset: updated };
}
