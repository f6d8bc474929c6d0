import type { Transaction } from 'kysely';
import { AssetRegistered } from '../../contracts/assets';
import { buildEvent } from '../../contracts/event';
import type { Actor } from '../../kit/actor';
import { InputProblems } from '../../kit/validation';
import { checkCustomFieldWrite } from '../../kit/custom-fields/service';
import type { CustomFieldDefinition, CustomFieldValueInput } from '../../kit/custom-fields/types';
import { ASSET_CUSTOM_FIELDS } from '../store/custom-fields';
import { employeesKnown, withCustomFields } from './asset-details';
import { isPgError } from '../../../platform/db';
import { failWith } from '../../kit/errors';
import { money, type Money } from '../../kit/money';
import { canonicalAmount } from '../../kit/fingerprint';
import { acquisitionPosting } from '../domain/postings';
import { normalizeRegistration, validateRegistration, type RegistrationInput } from '../domain/validation';
import { findAssetsByIds, insertAsset, isTagTaken } from '../store/assets';
import { findOrCreateCategory, findOrCreateLocation } from '../store/categories';
import { readLedgerSettings } from '../store/ledger-settings';
import { auditViewOfAsset } from './asset-state';
import type { AssetsDB } from '../store/db';
import { createOncePerKey, keyedRequest, type Keyed } from '../../kit/idempotency';

const TAG_TAKEN = (tag: string) => `Another asset already has the tag ${tag}`;

/**
 * Adds an asset IN_STOCK; its category and location are created on first use.
 * AssetRegistered carries the acquisition's posting (Dr fixed assets / Cr the
 * acquisition credit account, at cost), which finance books if the company
 * subscribes to it.
 */
async function registerOnce(trx: Transaction<AssetsDB>, input: RegistrationWithFields, actor: Actor, readable: FieldVisibility) {
  const registration = normalizeRegistration(input);
  const problems = new InputProblems();
  problems.list.push(...validateRegistration(registration));
  const custom = await checkCustomFieldWrite(
    trx,
    ASSET_CUSTOM_FIELDS,
    { inputs: input.customFields, current: {}, mode: 'create', readable, employeesExist: (ids) => employeesKnown(trx, ids) },
    problems,
  );
  problems.assertNone();
  if (await isTagTaken(trx, registration.tag)) failWith(['input', 'tag'], TAG_TAKEN(registration.tag), 'TAG_TAKEN');
  const category = await findOrCreateCategory(trx, registration.category);
  const location = registration.location ? await findOrCreateLocation(trx, registration.location) : null;
  const asset = await insertAsset(trx, {
    tag: registration.tag,
    name: registration.name,
    category_id: category.id,
    location_id: location?.id ?? null,
    serial_number: registration.serialNumber,
    currency: registration.acquisitionCost.currency,
    acquisition_date: registration.acquisitionDate,
    acquisition_cost: registration.acquisitionCost.amount,
    salvage_value: registration.salvageValue.amount,
    useful_life_months: registration.usefulLifeMonths,
    depreciation_method: registration.depreciationMethod,
    custom_fields: JSON.stringify(custom.values),
  }).catch((error: unknown) => {
    // A concurrent registration took the tag between the check and the insert.
    if (isPgError(error, '23505')) failWith(['input', 'tag'], TAG_TAKEN(registration.tag), 'TAG_TAKEN');
    throw error;
  });
  actor.audit({ operation: 'registerAsset', entity: 'asset', entityId: asset.id, after: auditViewOfAsset(asset) });
  const accounts = await readLedgerSettings(trx);
  const posting = acquisitionPosting(accounts, {
    id: asset.id,
    tag: asset.tag,
    currency: asset.currency,
    acquisitionDate: asset.acquisition_date,
    cost: asset.acquisition_cost,
  });
  actor.publish(
    buildEvent(AssetRegistered, {
      assetId: asset.id,
      tag: asset.tag,
      name: asset.name,
      category: category.name,
      acquisitionDate: asset.acquisition_date,
      acquisitionCost: money(asset.acquisition_cost, asset.currency),
      salvageValue: money(asset.salvage_value, asset.currency),
      usefulLifeMonths: asset.useful_life_months,
      depreciationMethod: asset.depreciation_method,
      posting,
      ...withCustomFields(custom.announced()),
    }),
  );
  return { asset };
}

/** A registration with its custom field values, checked in the registration's transaction. */
type RegistrationWithFields = RegistrationInput & { customFields?: readonly CustomFieldValueInput[] | null };
/** Which custom fields the caller may read (and so write); the seeder reads them all. */
type FieldVisibility = (def: CustomFieldDefinition) => boolean;

/** What a key is bound to: the registration as the register reads it, amounts compared as numbers. */
function canonicalRegistration(input: RegistrationWithFields & Keyed) {
  const registration = normalizeRegistration({ ...input, idempotencyKey: undefined } as RegistrationInput);
  const amount = (m: Money) => ({ ...m, amount: canonicalAmount(m.amount) });
  return { ...registration, acquisitionCost: amount(registration.acquisitionCost), salvageValue: amount(registration.salvageValue) };
}

/** Registers an asset; under an idempotency key, at most once (a retry gets the same asset back). */
export async function registerAsset(trx: Transaction<AssetsDB>, input: RegistrationWithFields & Keyed, actor: Actor, readable: FieldVisibility = () => true) {
  const request = keyedRequest('ASSETS', 'registerAsset', input, () => canonicalRegistration(input));
  return createOncePerKey(
    trx,
    request,
    'asset',
    async (id) => (await findAssetsByIds(trx, [id], null))[0],
    () => registerOnce(trx, input, actor, readable),
  );
}
