import type { DomainEvent } from '../kit/events';
import type { Money } from '../kit/money';
import type { DepreciationMethod } from './domain/types';

/**
 * Events the assets module publishes: the contract other modules consume.
 * Change a payload only by adding optional fields. Every event is about one
 * asset (aggregate `Asset`), so consumers see an asset's events in order.
 * Dates are YYYY-MM-DD; amounts are decimal strings with 2 places.
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
  };
  AssetAssigned: { assetId: string; employeeId: string; date: string };
  AssetReturned: { assetId: string; employeeId: string; date: string };
  MaintenanceCompleted: { assetId: string; maintenanceId: string; completedAt: string; cost: Money };
  AssetDisposed: { assetId: string; date: string; proceeds: Money; bookValue: Money; gainOrLoss: Money };
}

export type AssetEventType = keyof AssetEventPayloads;

/** Builds an outbox event with a payload checked against the contract above. */
export function assetEvent<T extends AssetEventType>(type: T, payload: AssetEventPayloads[T]): DomainEvent {
  return { type, aggregateType: 'Asset', aggregateId: payload.assetId, payload: payload as unknown as Record<string, unknown> };
}
