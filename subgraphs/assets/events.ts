import type { DomainEvent } from '../../platform/outbox';
import type { Money } from '../kit/money';
import type { Posting } from './domain/postings';
import type { DepreciationMethod } from './domain/types';

/**
 * Events the assets module publishes: the contract other modules consume.
 * Change a payload only by adding optional fields. Every event but
 * AssetDepreciated is about one asset (aggregate `Asset`), so consumers see an
 * asset's events in order. Dates are YYYY-MM-DD; amounts are decimal strings
 * with 2 places.
 *
 * `posting` is the journal entry finance books from the event, exactly once
 * per reference (see domain/postings.ts); null when there is nothing to book
 * (an asset that cost nothing).
 */
export interface AssetEventPayloads {
  AssetRegistered: {
    assetId: string;
    tag: string;
    name: string;
    category: string;
    acquisitionDate: string;
    acquisitionCost: Money;
    salvageValue: Money;
    usefulLifeMonths: number;
    depreciationMethod: DepreciationMethod;
    posting: Posting | null;
  };
  AssetAssigned: { assetId: string; employeeId: string; date: string };
  AssetReturned: { assetId: string; employeeId: string; date: string };
  MaintenanceCompleted: { assetId: string; maintenanceId: string; completedAt: string; cost: Money };
  AssetDisposed: { assetId: string; date: string; proceeds: Money; bookValue: Money; gainOrLoss: Money; posting: Posting | null };
}

export type AssetEventType = keyof AssetEventPayloads;

/** Builds an outbox event with a payload checked against the contract above. */
export function assetEvent<T extends AssetEventType>(type: T, payload: AssetEventPayloads[T]): DomainEvent {
  return { type, aggregateType: 'Asset', aggregateId: payload.assetId, payload: payload as unknown as Record<string, unknown> };
}

/** A depreciation run posted a month's depreciation of `assetCount` assets in one currency. */
export interface AssetDepreciated {
  runId: string;
  /** "2026-03". */
  period: string;
  /** The month's last day: the entry's date. */
  periodEnd: string;
  assetCount: number;
  total: Money;
  posting: Posting;
}

/** Builds the outbox event of a depreciation run (aggregate `AssetDepreciationRun`: it is about many assets). */
export function assetDepreciatedEvent(payload: AssetDepreciated): DomainEvent {
  return { type: 'AssetDepreciated', aggregateType: 'AssetDepreciationRun', aggregateId: payload.runId, payload: payload as unknown as Record<string, unknown> };
}
