import { z } from 'zod';
import { defineEvent } from './event';
import { LedgerPosting } from './posting';
import { customFieldValues, isoDate, money, uuid, yearMonth } from './primitives';

/*
 * What the assets module announces. Every event but AssetDepreciated is about
 * one asset (aggregate Asset), so consumers see an asset's events in order.
 * Amounts have 2 decimals. `posting` is the journal entry finance books from
 * the event, exactly once per reference; null when there is nothing to book
 * (an asset that cost nothing).
 */

const ASSET = 'Asset';
const byAsset = (p: { assetId: string }) => p.assetId;

export const AssetRegistered = defineEvent({
  type: 'AssetRegistered',
  source: 'ASSETS',
  aggregateType: ASSET,
  aggregateIdOf: byAsset,
  payload: z.object({
    assetId: uuid,
    tag: z.string(),
    name: z.string(),
    category: z.string(),
    acquisitionDate: isoDate,
    acquisitionCost: money,
    salvageValue: money,
    usefulLifeMonths: z.number().int().positive(),
    depreciationMethod: z.enum(['STRAIGHT_LINE', 'DECLINING_BALANCE']),
    posting: LedgerPosting.nullable(),
    /** The registration's custom field values (absent from events written before custom fields). */
    customFields: customFieldValues.optional(),
  }),
});

/** An asset's details changed: today its custom fields, all of their values as they now are. */
export const AssetDetailsChanged = defineEvent({
  type: 'AssetDetailsChanged',
  source: 'ASSETS',
  aggregateType: ASSET,
  aggregateIdOf: byAsset,
  payload: z.object({ assetId: uuid, customFields: customFieldValues }),
});

/** A custody period of an asset starts (assigned) or ends (returned) with an employee on a date. */
const custodyChange = z.object({ assetId: uuid, employeeId: uuid, date: isoDate });

export const AssetAssigned = defineEvent({ type: 'AssetAssigned', source: 'ASSETS', aggregateType: ASSET, aggregateIdOf: byAsset, payload: custodyChange });

export const AssetReturned = defineEvent({ type: 'AssetReturned', source: 'ASSETS', aggregateType: ASSET, aggregateIdOf: byAsset, payload: custodyChange });

export const MaintenanceCompleted = defineEvent({
  type: 'MaintenanceCompleted',
  source: 'ASSETS',
  aggregateType: ASSET,
  aggregateIdOf: byAsset,
  payload: z.object({ assetId: uuid, maintenanceId: uuid, completedAt: isoDate, cost: money }),
});

export const AssetDisposed = defineEvent({
  type: 'AssetDisposed',
  source: 'ASSETS',
  aggregateType: ASSET,
  aggregateIdOf: byAsset,
  payload: z.object({ assetId: uuid, date: isoDate, proceeds: money, bookValue: money, gainOrLoss: money, posting: LedgerPosting.nullable() }),
});

/** A depreciation run posted a month's depreciation of `assetCount` assets in one currency (aggregate: the run, as it is about many assets). */
export const AssetDepreciated = defineEvent({
  type: 'AssetDepreciated',
  source: 'ASSETS',
  aggregateType: 'AssetDepreciationRun',
  aggregateIdOf: (p) => p.runId,
  payload: z.object({
    runId: uuid,
    period: yearMonth,
    /** The month's last day: the entry's date. */
    periodEnd: isoDate,
    assetCount: z.number().int().positive(),
    total: money,
    posting: LedgerPosting,
  }),
});
