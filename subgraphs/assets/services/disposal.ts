import type { Transaction } from 'kysely';
import { AssetDisposed } from '../../contracts/assets';
import { buildEvent } from '../../contracts/event';
import type { Actor } from '../../kit/actor';
import { refuseInvalid } from '../../kit/validation';
import { money, type Money } from '../../kit/money';
import { depreciationAtDisposal } from '../domain/depreciation-ledger';
import { disposalPosting, disposalResult } from '../domain/postings';
import { deriveStatus, refuseDisposal } from '../domain/status';
import { refuseDateBefore, validateMoney, validateSameCurrency } from '../domain/validation';
import { findAssetsByIds, updateAsset } from '../store/assets';
import { lastReturnDate } from '../store/assignments';
import { findPostedDepreciation, insertDepreciationPostings, lockDepreciationLedger } from '../store/depreciation';
import { readLedgerSettings } from '../store/ledger-settings';
import { lastMaintenanceDate } from '../store/maintenance';
import { depreciationTermsOf, enforce, lockAssetState } from './asset-state';
import type { AssetsDB } from '../store/db';
import { canonicalAmount } from '../../kit/fingerprint';
import { createOncePerKey, keyedRequest, type Keyed } from '../../kit/idempotency';

export interface DisposeAssetInput {
  assetId: string;
  date: string;
  proceeds: Money;
}

/**
 * Takes an asset off the books: its book value on the disposal date is frozen
 * next to the proceeds, and the difference is the gain or loss. AssetDisposed
 * carries the ledger entry: the months booked by then that no depreciation run
 * posted (recorded here as posted), the removal at cost against the schedule's
 * accumulated depreciation, the proceeds and the gain or loss.
 */
async function disposeOnce(trx: Transaction<AssetsDB>, input: DisposeAssetInput, actor: Actor) {
  // Before anything is read: a depreciation run in flight finishes first, and none starts until this commits.
  await lockDepreciationLedger(trx, 'disposal');
  refuseInvalid(validateMoney(['input', 'proceeds'], input.proceeds));
  const { asset, state } = await lockAssetState(trx, input.assetId, ['input', 'assetId']);
  enforce(['input', 'assetId'], refuseDisposal(state));
  refuseInvalid(validateSameCurrency(['input', 'proceeds'], input.proceeds, asset.currency));
  enforce(['input', 'date'], refuseDateBefore(input.date, asset.acquisition_date, 'An asset cannot be disposed of before it was acquired'));
  const returned = await lastReturnDate(trx, asset.id);
  if (returned) enforce(['input', 'date'], refuseDateBefore(input.date, returned, 'An asset cannot be disposed of while it was still held: it was returned'));
  const serviced = await lastMaintenanceDate(trx, asset.id);
  if (serviced) enforce(['input', 'date'], refuseDateBefore(input.date, serviced, 'An asset cannot be disposed of before its last maintenance was completed'));
  const depreciation = depreciationAtDisposal(depreciationTermsOf(asset), input.date, await findPostedDepreciation(trx, asset.id));
  await insertDepreciationPostings(
    trx,
    depreciation.unposted.map((m) => ({ assetId: asset.id, period: m.period, amount: m.amount, runId: null })),
  );
  const disposal = {
    asset: { id: asset.id, tag: asset.tag, currency: asset.currency, acquisitionDate: asset.acquisition_date, cost: asset.acquisition_cost },
    date: input.date,
    proceeds: input.proceeds.amount,
    scheduleAccumulated: depreciation.scheduleAccumulated,
    postedAccumulated: depreciation.postedAccumulated,
  };
  const { bookValue, gainOrLoss } = disposalResult(disposal);
  const updated = await updateAsset(trx, asset.id, {
    status: deriveStatus({ ...state, disposed: true }),
    disposed_on: input.date,
    disposal_proceeds: input.proceeds.amount,
    book_value_at_disposal: bookValue,
  });
  const amounts = {
    proceeds: money(input.proceeds.amount, asset.currency),
    bookValue: money(bookValue, asset.currency),
    gainOrLoss: money(gainOrLoss, asset.currency),
  };
  actor.audit({
    operation: 'disposeAsset',
    entity: 'asset',
    entityId: asset.id,
    before: { status: asset.status },
    after: { status: 'DISPOSED', date: input.date, ...amounts },
  });
  const posting = disposalPosting(await readLedgerSettings(trx), disposal);
  actor.publish(buildEvent(AssetDisposed, { assetId: asset.id, date: input.date, ...amounts, posting }));
  return { asset: updated };
}

/** Disposes of an asset; under an idempotency key, a retry gets the disposed asset back instead of ASSET_DISPOSED. */
export async function disposeAsset(trx: Transaction<AssetsDB>, input: DisposeAssetInput & Keyed, actor: Actor) {
  return createOncePerKey(
    trx,
    keyedRequest('ASSETS', 'disposeAsset', input, () => ({
      ...input,
      idempotencyKey: undefined,
      proceeds: { ...input.proceeds, amount: canonicalAmount(input.proceeds.amount) },
    })),
    'asset',
    async (id) => (await findAssetsByIds(trx, [id], null))[0],
    () => disposeOnce(trx, input, actor),
  );
}
